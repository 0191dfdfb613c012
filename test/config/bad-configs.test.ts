import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {ConfigError, parseConfig} from '../../source/config/index.js';

/** fixtures/configs/, from dist/test/config/ (fixtures are read from the source tree). */
const corpusDir = fileURLToPath(new URL('../../../fixtures/configs/', import.meta.url));

const nameRule = 'a name of 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit';
const argv = 'an array of strings (argv), e.g. ["python", "bot.py"]';
const re2Only = 'is not supported (patterns run on RE2, in linear time; see README "Matching processes")';

/** Each bad config, named for its fault: the path of the first error and the text after "expected". */
const corpus: Record<string, {path: string; expected: string; at?: string}> = {
	'account-id-with-space.json': {path: 'accounts[1].id', expected: nameRule},
	'account-number-missing.json': {path: 'accounts[1].number', expected: 'the broker login as a string, e.g. "212000584" (required)'},
	'backoff-max-below-initial.json': {path: 'accounts[0].components[0].backoff.maxSeconds', expected: 'a number >= initialSeconds (30)'},
	'command-as-string.json': {path: 'accounts[0].components[0].command', expected: argv},
	'command-empty-array.json': {path: 'accounts[1].components[0].command', expected: `a non-empty ${argv.slice(3)}`},
	'command-missing.json': {path: 'accounts[1].components[0].command', expected: `${argv} (required)`},
	'components-not-an-array.json': {path: 'accounts[1].components', expected: 'an array, got an object'},
	'crash-loop-failures-fraction.json': {path: 'accounts[0].components[0].backoff.crashLoopFailures', expected: 'an integer, got a fraction'},
	'duplicate-account-id.json': {path: 'accounts[1].id', expected: 'a unique account id ("ATLAS" is also accounts[0].id)'},
	'duplicate-component-name.json': {
		path: 'accounts[1].components[1].name',
		expected: 'a unique name ("BRAIN_ATLAS" is also accounts[0].components[0].name)',
	},
	'duplicate-service-and-component-name.json': {
		path: 'accounts[1].components[0].name',
		expected: 'a unique name ("BRAIN_FTMO" is also services[0].name)',
	},
	'empty-file.json': {path: '(json)', expected: 'valid JSON (unexpected end of input)', at: '1:1'},
	'health-url-not-http.json': {path: 'services[0].health.url', expected: 'an http:// or https:// URL'},
	'invalid-regex-unterminated-group.json': {path: 'accounts[0].components[0].match', expected: 'a valid regular expression: missing closing ) in `BRAIN_(ATLAS\\.py`'},
	'invalid-restart-policy.json': {path: 'accounts[0].components[0].restart', expected: 'one of "on-failure", "always", "never"'},
	'invalid-role.json': {path: 'accounts[0].components[0].role', expected: 'one of "brain", "watchdog", "service", "other"'},
	'invalid-stop-signal.json': {path: 'accounts[0].components[0].stopSignal', expected: 'a signal name such as "SIGTERM" or "SIGINT"'},
	'json-trailing-comma.json': {path: '(json)', expected: 'valid JSON (expected a double-quoted property name)', at: '4:1'},
	'json-unterminated.json': {path: '(json)', expected: 'valid JSON (unexpected end of input)', at: '4:1'},
	'json-unquoted-secret.json': {path: '(json)', expected: 'valid JSON (unexpected character)', at: '2:66'},
	'match-backreference.json': {path: 'accounts[0].components[0].match', expected: `a pattern RE2 can run: backreference \`\\1\` ${re2Only}`},
	'match-lookahead.json': {path: 'accounts[0].components[1].match', expected: `a pattern RE2 can run: lookahead \`(?=\` ${re2Only}`},
	'match-matches-everything.json': {
		path: 'accounts[0].components[0].match',
		expected: 'a pattern that does not match every command line (it matches the empty string)',
	},
	'name-too-long.json': {path: 'accounts[0].components[0].name', expected: nameRule},
	'name-with-path-separator.json': {path: 'accounts[0].components[0].name', expected: nameRule},
	'not-an-object.json': {path: '(root)', expected: 'an object, got an array'},
	'poll-seconds-zero.json': {path: 'pollSeconds', expected: 'at least 0.1, got 0'},
	'secret-env-not-a-string.json': {path: 'accounts[0].components[0].env.MT5_PASSWORD', expected: 'a string, got a number'},
	'secret-on-component-unknown-key.json': {
		path: 'accounts[0].components[0].password',
		expected: 'a known key (one of name, command, match, cwd, env, stopSignal, stopTimeoutSeconds, restart, backoff, enabled, role)',
	},
	'status-file-with-timeout.json': {path: 'accounts[0].broker.status.timeoutSeconds', expected: 'no timeoutSeconds with "file" (it applies to "url")'},
	'status-url-and-file.json': {path: 'accounts[0].broker.status', expected: 'exactly one of "url" or "file"'},
	'status-url-not-http.json': {path: 'accounts[0].broker.status.url', expected: 'an http:// or https:// URL'},
	'stop-timeout-thirty-days.json': {path: 'accounts[0].components[0].stopTimeoutSeconds', expected: 'at most 86400 (one day), got 2592000'},
	'stop-signal-without-sig-prefix.json': {
		path: 'services[0].stopSignal',
		expected: 'a signal name such as "SIGTERM" or "SIGINT" (did you mean "SIGTERM"?)',
	},
	'unknown-key-enabeld.json': {path: 'accounts[0].enabeld', expected: 'a known key (did you mean "enabled"?)'},
	'unknown-key-in-limits.json': {path: 'accounts[0].broker.limits.maxPing', expected: 'a known key (did you mean "maxPingMs"?)'},
	'unknown-top-level-key-lockdir.json': {path: 'lockDir', expected: 'a known key (did you mean "locksDir"?)'},
};

/** Values planted in the corpus that no error message may repeat. */
const secrets = ['SECRET-VALUE-DO-NOT-PRINT', '987654321'];

function parseFixture(name: string): ConfigError {
	const file = path.join(corpusDir, name);
	try {
		parseConfig(readFileSync(file, 'utf8'), file);
	} catch (error) {
		assert.ok(error instanceof ConfigError, `${name}: threw ${String(error)}`);
		return error;
	}

	assert.fail(`${name} was accepted`);
}

test('every file in fixtures/configs/ has an expectation', () => {
	assert.deepEqual(readdirSync(corpusDir).sort(), Object.keys(corpus).sort());
});

for (const [name, want] of Object.entries(corpus)) {
	test(`rejects ${name} at ${want.path}`, () => {
		const error = parseFixture(name);
		assert.equal(error.file, path.join(corpusDir, name));
		assert.equal(error.path, want.path);
		assert.equal(error.expected, want.expected);
		assert.equal(error.issues.length, 1, error.message);
		const where = want.at === undefined ? want.path : `${want.path} ${want.at}`;
		assert.ok(error.message.endsWith(`${name}: ${where}: expected ${want.expected}`), error.message);
		for (const secret of secrets) {
			assert.ok(!error.message.includes(secret), `${name}: message shows a secret: ${error.message}`);
		}
	});
}
