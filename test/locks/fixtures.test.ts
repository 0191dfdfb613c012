import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {parseLock} from '../../source/locks/index.js';
import type {ParsedLock} from '../../source/locks/types.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/locks/', import.meta.url));

const expected: Record<string, Partial<ParsedLock> | RegExp> = {
	'v1.lock': {format: 'v1', pid: 19248, token: 7, startToken: '8812345', hostname: 'TRADER-PC'},
	'v1-supervisor.lock': {format: 'v1', pid: 19300, token: 12, child: {pid: 19301, startToken: '8812410'}, heartbeatAt: Date.UTC(2026, 10, 22, 18, 5)},
	'legacy-json.lock': {format: 'legacy-json', pid: 19248, account: 'ATLAS', hostname: 'TRADER-PC'},
	'legacy-json-epoch.lock': {format: 'legacy-json', pid: 366604, account: '366604', createdAt: 1_795_370_400_250},
	'legacy-lines-crlf-bom.lock': {format: 'legacy-lines', pid: 19248, account: 'ATLAS', hostname: 'TRADER-PC'},
	'legacy-lines-equals.lock': {format: 'legacy-lines', pid: 4242, account: 'GL_3', createdAt: Date.UTC(2026, 10, 22, 17)},
	'legacy-pid.lock': {format: 'legacy-pid', pid: 19248},
	'legacy-pid-crlf.lock': {format: 'legacy-pid', pid: 19248},
	'malformed-truncated.lock': /not valid JSON/,
	'malformed-pid-zero.lock': /field "pid"/,
};

test('every sample in fixtures/locks has an expectation', () => {
	assert.deepEqual(readdirSync(fixtures).filter(file => file.endsWith('.lock')).sort(), Object.keys(expected).sort());
});

for (const [file, expectation] of Object.entries(expected)) {
	test(`fixture ${file}`, () => {
		const result = parseLock(file.replace(/\.lock$/, ''), readFileSync(`${fixtures}${file}`));
		if (expectation instanceof RegExp) {
			assert.ok('error' in result);
			assert.match(result.error, expectation);
			return;
		}

		assert.ok(!('error' in result), 'error' in result ? result.error : '');
		for (const [key, value] of Object.entries(expectation)) {
			assert.deepEqual(result[key as keyof ParsedLock], value, `field ${key}`);
		}
	});
}
