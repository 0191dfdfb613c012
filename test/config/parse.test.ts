import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {ConfigError, parseConfig, type FleetConfig} from '../../source/config/index.js';

const fixture = fileURLToPath(new URL('../../../fixtures/fleetdeck.config.json', import.meta.url));
const file = path.resolve('/srv/fleet/fleetdeck.config.json');

function parse(config: unknown): FleetConfig {
	return parseConfig(JSON.stringify(config), file);
}

function parseError(config: unknown): ConfigError {
	try {
		parse(config);
	} catch (error) {
		assert.ok(error instanceof ConfigError);
		return error;
	}

	assert.fail('config was accepted');
}

const brain = {name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: 'BRAIN_ATLAS\\.py'};

test('an empty object gets every top-level default, paths next to the config file', () => {
	assert.deepEqual(parse({}), {
		file,
		locksDir: '/srv/fleet/.locks',
		logsDir: '/srv/fleet/logs',
		journal: '/srv/fleet/.fleetdeck/journal.db',
		journalRetention: {events: 90, samples: 7},
		pollSeconds: 2,
		launchSettleSeconds: 5,
		remoteLockExpirySeconds: null,
		services: [],
		accounts: [],
	});
});

test('components and services get their defaults; a component belongs to its account', () => {
	const config = parse({
		services: [{name: 'quantum_server', command: ['python', 'quantum_server.py'], match: 'quantum_server\\.py'}],
		accounts: [{id: 'ATLAS', number: '212000584', components: [brain]}],
	});
	const backoff = {initialSeconds: 1, maxSeconds: 60, factor: 2, resetAfterSeconds: 60, crashLoopFailures: 5, crashLoopWindowSeconds: 300};
	const component = config.accounts[0]?.components[0];
	assert.ok(component);
	assert.equal(component.match.source, 'BRAIN_ATLAS\\.py');
	assert.deepEqual({...component, match: undefined}, {
		name: 'BRAIN_ATLAS',
		role: 'brain',
		command: ['python', 'BRAIN_ATLAS.py'],
		match: undefined,
		matchSource: 'BRAIN_ATLAS\\.py',
		cwd: '/srv/fleet',
		env: {},
		stopSignal: 'SIGTERM',
		stopTimeoutSeconds: 30,
		restart: 'on-failure',
		backoff,
		enabled: true,
		account: 'ATLAS',
	});
	const service = config.services[0];
	assert.ok(service);
	assert.equal(service.role, 'service');
	assert.equal(service.account, null);
	assert.equal(service.health, null);
	assert.deepEqual(service.backoff, backoff);
	const account = config.accounts[0];
	assert.ok(account);
	assert.equal(account.enabled, true);
	assert.equal(account.server, null);
	assert.equal(account.broker, null);
});

test('the compiled match finds the component in a command line and nothing else', () => {
	const config = parseConfig(readFileSync(fixture, 'utf8'), fixture);
	const atlas = config.accounts.find((account) => account.id === 'ATLAS');
	const watchdog = atlas?.components.find((component) => component.role === 'watchdog');
	assert.ok(watchdog);
	assert.ok(watchdog.match.test('python STOPLOSS_WATCHDOG_V2.py --account ATLAS'));
	assert.ok(watchdog.match.test('python STOPLOSS_WATCHDOG_V2.py --account=ATLAS'));
	assert.ok(!watchdog.match.test('python STOPLOSS_WATCHDOG_V2.py --account ATLAS2'));
	assert.ok(!watchdog.match.test('python STOPLOSS_WATCHDOG_V2.py --account FTMO'));
});

test('broker defaults: http timeout 5 s, pollSeconds from the top level, health limits', () => {
	const config = parse({
		pollSeconds: 7,
		accounts: [{id: 'ATLAS', number: '212000584', components: [], broker: {status: {url: 'http://127.0.0.1:8803/status'}}}],
	});
	assert.deepEqual(config.accounts[0]?.broker, {
		status: {kind: 'http', url: 'http://127.0.0.1:8803/status', timeoutSeconds: 5},
		pollSeconds: 7,
		limits: {
			maxConnectionAgeSeconds: 14_400,
			maxIdleSeconds: 1800,
			maxCredentialAgeSeconds: 7200,
			maxSyncAgeSeconds: 120,
			maxPingMs: 500,
			positionStaleSeconds: 86_400,
			driftPersistPolls: 2,
			duplicateTradeWindowSeconds: 60,
		},
		magic: null,
	});
});

test('given values win over defaults; partial backoff and limits keep the other defaults', () => {
	const config = parse({
		remoteLockExpirySeconds: 600,
		services: [
			{
				name: 'quantum_server',
				role: 'service',
				command: ['python', 'quantum_server.py'],
				match: 'quantum_server\\.py',
				health: {url: 'https://127.0.0.1:8000/health', timeoutSeconds: 2},
				stopSignal: 'SIGINT',
				stopTimeoutSeconds: 10,
				restart: 'always',
				enabled: false,
				backoff: {maxSeconds: 120},
			},
		],
		accounts: [
			{
				id: 'FTMO',
				number: 1_521_063_483,
				enabled: false,
				server: 'FTMO-Server',
				components: [],
				broker: {status: {file: 'status/FTMO.json'}, pollSeconds: 5, limits: {maxPingMs: 900}},
			},
		],
	});
	const service = config.services[0];
	assert.ok(service);
	assert.deepEqual(service.health, {url: 'https://127.0.0.1:8000/health', timeoutSeconds: 2});
	assert.equal(service.stopSignal, 'SIGINT');
	assert.equal(service.stopTimeoutSeconds, 10);
	assert.equal(service.restart, 'always');
	assert.equal(service.enabled, false);
	assert.equal(service.backoff.maxSeconds, 120);
	assert.equal(service.backoff.initialSeconds, 1);
	assert.equal(config.remoteLockExpirySeconds, 600);
	const account = config.accounts[0];
	assert.ok(account);
	assert.equal(account.number, '1521063483');
	assert.equal(account.enabled, false);
	assert.equal(account.server, 'FTMO-Server');
	assert.deepEqual(account.broker?.status, {kind: 'file', path: '/srv/fleet/status/FTMO.json'});
	assert.equal(account.broker?.pollSeconds, 5);
	assert.equal(account.broker?.limits.maxPingMs, 900);
	assert.equal(account.broker?.limits.driftPersistPolls, 2);
});

test('relative paths resolve against the config file, absolute ones stay', () => {
	const config = parse({
		locksDir: '../shared/locks',
		logsDir: '/var/log/fleet',
		journal: 'state/journal.db',
		services: [{name: 'quantum_server', command: ['python', 'quantum_server.py'], match: 'quantum_server\\.py', cwd: 'server'}],
		accounts: [{id: 'ATLAS', number: '1', components: [{...brain, cwd: '/opt/bots/atlas'}]}],
	});
	assert.equal(config.locksDir, '/srv/shared/locks');
	assert.equal(config.logsDir, '/var/log/fleet');
	assert.equal(config.journal, '/srv/fleet/state/journal.db');
	assert.equal(config.services[0]?.cwd, '/srv/fleet/server');
	assert.equal(config.accounts[0]?.components[0]?.cwd, '/opt/bots/atlas');
});

test('credential-ish account keys are accepted and never reach the config', () => {
	const config = parse({
		accounts: [{id: 'ATLAS', number: '212000584', password: 'hunter2', login: 212_000_584, terminal: {path: 'C:\\MT5\\terminal64.exe'}}],
	});
	const text = JSON.stringify(config);
	assert.ok(!text.includes('hunter2'));
	assert.ok(!text.includes('terminal64'));
	assert.deepEqual(Object.keys(config.accounts[0] ?? {}).sort(), ['broker', 'components', 'enabled', 'id', 'number', 'server']);
});

test('a $schema key for editors and a UTF-8 byte-order mark are accepted', () => {
	const config = parseConfig(`\uFEFF${JSON.stringify({$schema: './schema/fleetdeck.config.schema.json', pollSeconds: 3})}`, file);
	assert.equal(config.pollSeconds, 3);
});

test('the fixture config holds the five accounts and the quantum server', () => {
	const config = parseConfig(readFileSync(fixture, 'utf8'), fixture);
	const accounts = config.accounts.map((account) => [account.id, account.number, account.broker?.status]);
	assert.deepEqual(accounts, [
		['BG_INSTANT', '366604', {kind: 'http', url: 'http://127.0.0.1:8801/status', timeoutSeconds: 5}],
		['BG_CHALLENGE', '365060', {kind: 'http', url: 'http://127.0.0.1:8802/status', timeoutSeconds: 5}],
		['ATLAS', '212000584', {kind: 'http', url: 'http://127.0.0.1:8803/status', timeoutSeconds: 5}],
		['GL_3', '107245', {kind: 'http', url: 'http://127.0.0.1:8804/status', timeoutSeconds: 5}],
		['FTMO', '1521063483', {kind: 'http', url: 'http://127.0.0.1:8805/status', timeoutSeconds: 5}],
	]);
	for (const account of config.accounts) {
		assert.deepEqual(
			account.components.map((component) => [component.name, component.role, component.command]),
			[
				[`BRAIN_${account.id}`, 'brain', ['python', `BRAIN_${account.id}.py`]],
				[`WATCHDOG_${account.id}`, 'watchdog', ['python', 'STOPLOSS_WATCHDOG_V2.py', '--account', account.id]],
			],
		);
	}

	assert.deepEqual(
		config.services.map((service) => [service.name, service.health?.url]),
		[['quantum_server', 'http://127.0.0.1:8000/health']],
	);
});

test('a command given as one string is refused with an argv example', () => {
	const error = parseError({accounts: [{id: 'ATLAS', number: '1', components: [{...brain, command: 'python BRAIN_ATLAS.py'}]}]});
	assert.equal(error.path, 'accounts[0].components[0].command');
	assert.match(error.message, /expected an array of strings \(argv\), e\.g\. \["python", "bot\.py"\]$/);
});

test('a regex error names the path and the reason', () => {
	const error = parseError({
		accounts: [
			{id: 'A', number: '1'},
			{id: 'B', number: '2'},
			{id: 'C', number: '3', components: [{...brain, match: 'BRAIN_(ATLAS'}]},
		],
	});
	assert.equal(error.message, `${file}: accounts[2].components[0].match: expected a valid regular expression: missing closing ) in \`BRAIN_(ATLAS\``);
	assert.equal(error.path, 'accounts[2].components[0].match');
	assert.equal(error.expected, 'a valid regular expression: missing closing ) in `BRAIN_(ATLAS`');
});

test('names must follow the lock NAME rule, across services and accounts', () => {
	for (const bad of ['', '.hidden', '-dash', 'a/b', 'a\\b', '..', 'BRAIN ATLAS', 'x'.repeat(129)]) {
		const error = parseError({services: [{name: bad, command: ['x'], match: 'x'}]});
		assert.equal(error.path, 'services[0].name', bad);
	}

	assert.doesNotThrow(() => parse({services: [{name: `A${'x'.repeat(127)}`, command: ['x'], match: 'x'}]}));
	assert.doesNotThrow(() => parse({services: [{name: 'quantum_server.v2-b', command: ['x'], match: 'x'}]}));
});

test('a name with ".." inside is refused: a lock NAME must not contain it', () => {
	for (const [config, where] of [
		[{services: [{name: 'a..b', command: ['x'], match: 'x'}]}, 'services[0].name'],
		[{accounts: [{id: 'A', number: '1', components: [{...brain, name: 'BRAIN..ATLAS'}]}]}, 'accounts[0].components[0].name'],
	] as const) {
		const error = parseError(config);
		assert.equal(error.path, where);
		assert.match(error.expected, /without "\.\."/);
	}
});

test('every issue is reported, one line each, in document order', () => {
	const error = parseError({
		pollSeconds: -1,
		accounts: [{id: 'ATLAS', number: '1', enabeld: true, components: [{...brain, stopSignal: 'SIGNOPE', command: 'python x.py'}]}],
	});
	assert.deepEqual(
		error.issues.map((issue) => issue.path),
		['pollSeconds', 'accounts[0].components[0].command', 'accounts[0].components[0].stopSignal', 'accounts[0].enabeld'],
	);
	assert.equal(error.message.split('\n').length, 4);
	assert.equal(error.path, 'pollSeconds');
});

test('odd env names are quoted in the path, and the value is never shown', () => {
	const error = parseError({services: [{name: 's', command: ['x'], match: 'x', env: {'MY-API.KEY': 424_242}}]});
	assert.equal(error.path, 'services[0].env["MY-API.KEY"]');
	assert.ok(!error.message.includes('424242'));
});

test('a JSON syntax error carries line and column', () => {
	let error: unknown;
	try {
		parseConfig('{\n  "pollSeconds": 2\n  "accounts": []\n}\n', file);
	} catch (caught) {
		error = caught;
	}

	assert.ok(error instanceof ConfigError);
	assert.equal(error.path, '(json)');
	assert.deepEqual([error.issues[0]?.line, error.issues[0]?.column], [3, 3]);
	assert.match(error.message, /: \(json\) 3:3: expected valid JSON \(.+\)$/);
});

test('names differing only in case are duplicates: they share a lock file on Windows and macOS', () => {
	const error = parseError({
		services: [{name: 'brain_atlas', command: ['x'], match: 'x'}],
		accounts: [{id: 'ATLAS', number: '1', components: [brain]}, {id: 'atlas', number: '2'}],
	});
	assert.deepEqual(
		error.issues.map((issue) => [issue.path, issue.expected]),
		[
			['accounts[0].components[0].name', 'a unique name ("BRAIN_ATLAS" is also services[0].name)'],
			['accounts[1].id', 'a unique account id ("atlas" is also accounts[0].id)'],
		],
	);
});

test('broker.magic names the bot\'s MetaTrader magic: a whole number, at least 0', () => {
	const withMagic = (magic: unknown) => ({accounts: [{id: 'ATLAS', number: '1', broker: {status: {url: 'http://127.0.0.1:8803/status'}, magic}}]});
	assert.equal(parse(withMagic(123)).accounts[0]?.broker?.magic, 123);
	const negative = parseError(withMagic(-1));
	assert.equal(negative.path, 'accounts[0].broker.magic');
	assert.match(negative.expected, /at least 0/);
	assert.equal(parseError(withMagic(1.5)).path, 'accounts[0].broker.magic');
});
