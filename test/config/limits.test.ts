import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {ConfigError, numberLimits, parseConfig, type NumberLimit} from '../../source/config/index.js';
import {runCli, tempDir} from '../helpers/cli.js';

const file = '/srv/fleet/fleetdeck.config.json';

const brain = {name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: String.raw`BRAIN_ATLAS\.py`};
const service = {name: 'quantum_server', command: ['python', 'quantum_server.py'], match: String.raw`quantum_server\.py`};

/** A config with `value` at one numeric field, and that field's JSON path. */
const fields: Array<{path: string; limit: NumberLimit; config: (value: number) => unknown}> = [
	{path: 'launchSettleSeconds', limit: numberLimits.launchSettleSeconds, config: value => ({launchSettleSeconds: value})},
	{path: 'pollSeconds', limit: numberLimits.pollSeconds, config: value => ({pollSeconds: value})},
	{path: 'remoteLockExpirySeconds', limit: numberLimits.remoteLockExpirySeconds, config: value => ({remoteLockExpirySeconds: value})},
	{path: 'journalRetention.eventsDays', limit: numberLimits.eventsDays, config: value => ({journalRetention: {eventsDays: value}})},
	{path: 'journalRetention.samplesDays', limit: numberLimits.samplesDays, config: value => ({journalRetention: {samplesDays: value}})},
	{path: 'services[0].stopTimeoutSeconds', limit: numberLimits.stopTimeoutSeconds, config: value => ({services: [{...service, stopTimeoutSeconds: value}]})},
	{path: 'services[0].health.timeoutSeconds', limit: numberLimits.httpTimeoutSeconds, config: value => ({services: [{...service, health: {url: 'http://127.0.0.1:8000/health', timeoutSeconds: value}}]})},
	...(['initialSeconds', 'maxSeconds', 'resetAfterSeconds', 'crashLoopWindowSeconds'] as const).map(key => ({
		path: `accounts[0].components[0].backoff.${key}`,
		limit: numberLimits.backoffSeconds,
		// maxSeconds may not be below initialSeconds: keep the two apart from the bound under test.
		config: (value: number) => ({accounts: [{id: 'ATLAS', number: '1', components: [{...brain, backoff: key === 'initialSeconds' ? {[key]: value, maxSeconds: numberLimits.backoffSeconds.max} : key === 'maxSeconds' ? {[key]: value, initialSeconds: numberLimits.backoffSeconds.min} : {[key]: value}}]}]}),
	})),
	{path: 'accounts[0].components[0].backoff.factor', limit: numberLimits.backoffFactor, config: value => ({accounts: [{id: 'ATLAS', number: '1', components: [{...brain, backoff: {factor: value}}]}]})},
	{path: 'accounts[0].components[0].backoff.crashLoopFailures', limit: numberLimits.crashLoopFailures, config: value => ({accounts: [{id: 'ATLAS', number: '1', components: [{...brain, backoff: {crashLoopFailures: value}}]}]})},
	...([
		['status.timeoutSeconds', numberLimits.httpTimeoutSeconds],
		['pollSeconds', numberLimits.pollSeconds],
		['limits.maxConnectionAgeSeconds', numberLimits.sessionAgeSeconds],
		['limits.maxIdleSeconds', numberLimits.sessionAgeSeconds],
		['limits.maxCredentialAgeSeconds', numberLimits.sessionAgeSeconds],
		['limits.maxSyncAgeSeconds', numberLimits.maxSyncAgeSeconds],
		['limits.maxPingMs', numberLimits.maxPingMs],
		['limits.positionStaleSeconds', numberLimits.positionStaleSeconds],
		['limits.driftPersistPolls', numberLimits.driftPersistPolls],
		['limits.duplicateTradeWindowSeconds', numberLimits.duplicateTradeWindowSeconds],
	] as const).map(([key, limit]) => ({
		path: `accounts[0].broker.${key}`,
		limit,
		config: (value: number) => {
			const broker: Record<string, unknown> = {status: {url: 'http://127.0.0.1:8803/status'}};
			const [group, field] = key.split('.') as [string, string | undefined];
			if (field === undefined) {
				broker[group] = value;
			} else {
				broker[group] = {...(broker[group] as object | undefined), [field]: value};
			}

			return {accounts: [{id: 'ATLAS', number: '1', broker}]};
		},
	})),
];

function rejection(config: unknown): ConfigError | undefined {
	try {
		parseConfig(JSON.stringify(config), file);
		return undefined;
	} catch (error) {
		assert.ok(error instanceof ConfigError, String(error));
		return error;
	}
}

test('every duration, interval, window, retention and count in the config is bounded above and below', () => {
	for (const {path: where, limit, config} of fields) {
		assert.equal(rejection(config(limit.max)), undefined, `${where} = ${limit.max} is accepted`);
		assert.equal(rejection(config(limit.min)), undefined, `${where} = ${limit.min} is accepted`);
		const tooLarge = rejection(config(limit.max * 30));
		assert.equal(tooLarge?.path, where);
		assert.equal(tooLarge?.expected, `at most ${limit.max} (${limit.maxWords}), got ${limit.max * 30}`);
		// Half the least is below it, except for a least of 0 (a settle window may be off).
		const below = limit.min === 0 ? -1 : limit.min / 2;
		const tooSmall = rejection(config(below));
		assert.equal(tooSmall?.path, where);
		assert.equal(tooSmall?.expected, limit.integer ? 'an integer, got a fraction' : `at least ${limit.min}, got ${below}`);
	}
});

test('a stop timeout of 30 days is refused, naming the limit; one day is the most', () => {
	const error = rejection({services: [{...service, stopTimeoutSeconds: 2_592_000}]});
	assert.equal(error?.message, `${file}: services[0].stopTimeoutSeconds: expected at most 86400 (one day), got 2592000`);
	// The numbers that become timers stay below what a Node timer holds (2^31-1 ms); the session
	// and position limits are only compared with timestamps.
	for (const limit of [numberLimits.pollSeconds, numberLimits.stopTimeoutSeconds, numberLimits.backoffSeconds, numberLimits.httpTimeoutSeconds]) {
		assert.ok(limit.max * 1000 < 2 ** 31 - 1, `${limit.max} s fits a timer`);
	}
});

test('config check refuses a stop timeout of 2,592,000 s with exit 64, naming the file, the field and the limit', async t => {
	const dir = tempDir(t);
	const config = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(config, JSON.stringify({accounts: [{id: 'ATLAS', number: '212000584', components: [{...brain, stopTimeoutSeconds: 2_592_000}]}]}));
	const result = await runCli(['config', 'check'], {cwd: dir});
	assert.equal(result.code, 64, result.stderr);
	assert.equal(result.stdout, '');
	assert.match(result.stderr, /fleetdeck\.config\.json: accounts\[0\]\.components\[0\]\.stopTimeoutSeconds: expected at most 86400 \(one day\), got 2592000/);
});

test('shutdown and stop-duplicates refuse a --timeout beyond one day (or not above zero) with exit 64, before any stop', async t => {
	const dir = tempDir(t);
	for (const command of ['shutdown', 'stop-duplicates']) {
		for (const [value, got] of [['2592000', '2592000'], ['86401', '86401'], ['0', '0'], ['-5', '-5'], ['soon', 'NaN']] as const) {
			const result = await runCli([command, '--yes', '--timeout', value, '--locks-dir', path.join(dir, '.locks')], {cwd: dir});
			assert.equal(result.code, 64, `${command} --timeout ${value}: ${result.stdout}${result.stderr}`);
			assert.equal(result.stderr, `fleetdeck: --timeout expects a number of seconds from 0.1 to 86400 (one day), got ${got}\n`);
		}
	}
});
