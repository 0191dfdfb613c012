import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {
	defaultConfig,
	describeConfig,
	isSecretKey,
	parseConfig,
	redact,
	redactArgv,
	redactCommandLine,
	redactUrl,
} from '../../source/config/index.js';
import {compileMatch} from '../../source/procs/matcher.js';

const secret = 'S3CRET-do-not-print';

test('isSecretKey: secret-looking names yes, fleetdeck\'s own field names no', () => {
	for (const key of ['password', 'PASSWORD', 'pass', 'MT5_PASS', 'apiKey', 'api_key', 'API-KEY', 'key', 'SSH_KEY', 'secret', 'clientSecret', 'credentials', 'authToken', 'TOKEN']) {
		assert.equal(isSecretKey(key), true, key);
	}

	for (const key of ['startToken', 'token', 'maxCredentialAgeSeconds', 'credentialsRefreshedAt', 'name', 'pid', 'account', 'PATH', 'url', 'command']) {
		assert.equal(isSecretKey(key), false, key);
	}
});

test('redact hides secrets at any depth, in arrays and in env, and copies the rest', () => {
	const input = {
		name: 'BRAIN_ATLAS',
		env: {PATH: '/usr/bin', MT5_PASSWORD: secret, API_KEY: secret, token: secret},
		accounts: [{id: 'ATLAS', password: secret, nested: [{deeper: {clientSecret: secret, keep: 1}}]}],
		credentials: {user: 'u', pass: secret},
	};
	const output = redact(input);
	assert.deepEqual(output, {
		name: 'BRAIN_ATLAS',
		env: {PATH: '/usr/bin', MT5_PASSWORD: '[redacted]', API_KEY: '[redacted]', token: '[redacted]'},
		accounts: [{id: 'ATLAS', password: '[redacted]', nested: [{deeper: {clientSecret: '[redacted]', keep: 1}}]}],
		credentials: '[redacted]',
	});
	assert.ok(!JSON.stringify(output).includes(secret));
	assert.equal(input.env.MT5_PASSWORD, secret, 'the input is not modified');
	assert.notEqual(output.accounts[0], input.accounts[0], 'a deep copy');
});

test('redact keeps a lock record intact: startToken and the numeric fencing token are not secrets', () => {
	const lock = {
		v: 1,
		name: 'BRAIN_ATLAS',
		pid: 19_248,
		startToken: '8812345',
		token: 42,
		child: {pid: 19_250, startToken: '8812399'},
		command: 'python BRAIN_ATLAS.py',
	};
	assert.deepEqual(redact(lock), lock);
	const limits = {maxCredentialAgeSeconds: 7200, connection: {credentialsRefreshedAt: '2026-11-22T16:30:00.000Z'}};
	assert.deepEqual(redact(limits), limits);
});

test('redact keeps a compiled match, Date, null and primitives, and survives cycles', () => {
	const match = compileMatch(String.raw`BRAIN_ATLAS\.py`);
	const cyclic: Record<string, unknown> = {match, at: new Date(0), none: null, n: 1, yes: true};
	cyclic.self = cyclic;
	const output = redact(cyclic);
	assert.equal(output.match, match);
	assert.ok(match.test('python BRAIN_ATLAS.py'));
	assert.ok(output.at instanceof Date && output.at.getTime() === 0);
	assert.equal(output.self, output);
	assert.equal(output.none, null);
});

test('secrets in URLs and commands are hidden', () => {
	assert.equal(redactUrl(`http://bridge:${secret}@127.0.0.1:8801/status?token=${secret}&account=ATLAS`), 'http://bridge:%5Bredacted%5D@127.0.0.1:8801/status?token=%5Bredacted%5D&account=ATLAS');
	assert.equal(redactUrl('http://127.0.0.1:8801/status'), 'http://127.0.0.1:8801/status');
	assert.deepEqual(redactArgv(['python', 'bot.py', '--account', 'ATLAS', '--password', secret, `--api-key=${secret}`, '-token', secret]), [
		'python',
		'bot.py',
		'--account',
		'ATLAS',
		'--password',
		'[redacted]',
		'--api-key=[redacted]',
		'-token',
		'[redacted]',
	]);
	assert.equal(
		redactCommandLine(`python bot.py --verbose --password "${secret} x" --account ATLAS --key=${secret}`),
		'python bot.py --verbose --password [redacted] --account ATLAS --key=[redacted]',
	);
	const output = redact({command: ['python', 'bot.py', '--password', secret], lock: {command: `python bot.py --token ${secret}`}, url: `https://u:${secret}@h/`});
	assert.ok(!JSON.stringify(output).includes(secret), JSON.stringify(output));
});

test('describeConfig shows one line per component and never a secret', () => {
	const file = path.resolve('/srv/fleet/fleetdeck.config.json');
	const config = parseConfig(
		JSON.stringify({
			services: [
				{
					name: 'quantum_server',
					command: ['python', 'quantum_server.py', '--api-key', secret],
					match: 'quantum_server\\.py',
					env: {QS_TOKEN: secret},
					health: {url: `http://admin:${secret}@127.0.0.1:8000/health`},
				},
			],
			accounts: [
				{
					id: 'ATLAS',
					number: '212000584',
					password: secret,
					login: secret,
					terminal: secret,
					server: 'AtlasFunded-Server',
					components: [
						{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: 'BRAIN_ATLAS\\.py', env: {MT5_PASSWORD: secret, MODE: 'live'}},
						{name: 'WATCHDOG_ATLAS', role: 'watchdog', command: ['python', 'STOPLOSS_WATCHDOG_V2.py'], match: 'STOPLOSS_WATCHDOG_V2\\.py', enabled: false},
					],
					broker: {status: {url: `http://127.0.0.1:8803/status?apikey=${secret}`}},
				},
			],
		}),
		file,
	);
	const text = describeConfig(config);
	assert.ok(!text.includes(secret), text);
	const lines = text.split('\n');
	const componentLine = (name: string) => lines.filter((line) => line.includes(`${name} (`));
	assert.equal(componentLine('quantum_server').length, 1);
	assert.equal(componentLine('BRAIN_ATLAS').length, 1);
	assert.equal(componentLine('WATCHDOG_ATLAS').length, 1);
	assert.match(componentLine('BRAIN_ATLAS')[0] ?? '', /MT5_PASSWORD=\[redacted\] MODE=live/);
	assert.match(componentLine('WATCHDOG_ATLAS')[0] ?? '', /\[disabled\]/);
	assert.match(text, /account ATLAS \(login 212000584, server AtlasFunded-Server\)/);
});

test('describeConfig without a config file says what it watches', () => {
	const text = describeConfig(defaultConfig('/srv/fleet'));
	assert.match(text, /config: none/);
	assert.match(text, /watching every lock in \/srv\/fleet\/\.locks/);
});
