import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {configSchemaText} from '../../source/commands/config.js';
import {repoRoot, runCli, tempDir} from '../helpers/cli.js';

const committed = path.join(repoRoot, 'schema/fleetdeck.config.schema.json');

test('the committed JSON Schema is exactly what fleetdeck config schema prints', async () => {
	assert.equal(readFileSync(committed, 'utf8'), configSchemaText(), 'regenerate with: node dist/source/cli.js config schema > schema/fleetdeck.config.schema.json');
	const printed = await runCli(['config', 'schema']);
	assert.equal(printed.code, 0, printed.stderr);
	assert.equal(printed.stdout, configSchemaText());
	assert.equal((JSON.parse(printed.stdout) as {$schema: string}).$schema, 'https://json-schema.org/draft/2020-12/schema');
});

test('config check lists what the fixture fleet would watch and exits 0', async () => {
	const result = await runCli(['config', 'check', '--config', path.join(repoRoot, 'fixtures/fleetdeck.config.json')]);
	assert.equal(result.code, 0, result.stderr);
	for (const expected of ['service quantum_server', 'account ATLAS (login 212000584)', 'BRAIN_ATLAS (brain)', 'WATCHDOG_FTMO (watchdog)', 'config is valid']) {
		assert.ok(result.stdout.includes(expected), `lists ${expected}`);
	}
});

test('config check exits 64 on an invalid config, naming the file and field, and never prints a secret', async t => {
	const dir = tempDir(t);
	const file = path.join(dir, 'fleetdeck.config.json');
	const secret = 'hunter2-very-secret';
	const account = {id: 'ATLAS', number: '212000584', password: secret, components: [{name: 'BRAIN_ATLAS', role: 'brian', command: ['python', 'BRAIN_ATLAS.py', '--token', secret], match: 'BRAIN_ATLAS\\.py'}]};
	writeFileSync(file, JSON.stringify({accounts: [account]}));
	const invalid = await runCli(['config', 'check'], {cwd: dir});
	assert.equal(invalid.code, 64);
	assert.equal(invalid.stdout, '');
	assert.match(invalid.stderr, /fleetdeck\.config\.json: accounts\[0\]\.components\[0\]\.role: expected one of/);

	account.components[0]!.role = 'brain';
	writeFileSync(file, JSON.stringify({accounts: [{...account, components: [{...account.components[0], env: {API_TOKEN: secret}}]}]}));
	const valid = await runCli(['config', 'check'], {cwd: dir});
	assert.equal(valid.code, 0, valid.stderr);
	assert.match(valid.stdout, /BRAIN_ATLAS \(brain\)/);
	assert.ok(!valid.stdout.includes(secret) && !valid.stderr.includes(secret), 'no secret in the output');
});

test('config without an action, or with an unknown one, is a usage error', async () => {
	for (const args of [['config'], ['config', 'validate'], ['config', 'schema', 'extra']]) {
		const result = await runCli(args);
		assert.equal(result.code, 64, args.join(' '));
		assert.match(result.stderr, /schema or check|takes no arguments/);
	}
});

test('config check refuses a lookahead or a backreference in match with exit 64, saying RE2 cannot run it', async t => {
	const dir = tempDir(t);
	const file = path.join(dir, 'fleetdeck.config.json');
	const brain = {name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: String.raw`BRAIN_ATLAS\.py`};
	const refusals: Array<[string, RegExp]> = [
		[String.raw`STOPLOSS_WATCHDOG_V2\.py(?=.*--account ATLAS)`, /lookahead `\(\?=` is not supported \(patterns run on RE2, in linear time; see README "Matching processes"\)$/m],
		[String.raw`STOPLOSS_WATCHDOG_V2\.py --account (ATLAS) \1`, /backreference `\\1` is not supported/],
	];
	for (const [match, reason] of refusals) {
		const watchdog = {name: 'WATCHDOG_ATLAS', role: 'watchdog', command: ['python', 'STOPLOSS_WATCHDOG_V2.py', '--account', 'ATLAS'], match};
		writeFileSync(file, JSON.stringify({accounts: [{id: 'ATLAS', number: '212000584', components: [brain, watchdog]}]}));
		const result = await runCli(['config', 'check'], {cwd: dir});
		assert.equal(result.code, 64, match);
		assert.equal(result.stdout, '');
		assert.match(result.stderr, /fleetdeck\.config\.json: accounts\[0\]\.components\[1\]\.match: expected a pattern RE2 can run: /);
		assert.match(result.stderr, reason);
	}
});
