import assert from 'node:assert/strict';
import {test} from 'node:test';
import {assessHealth} from '../../source/broker/health.js';
import type {ComponentState, HealthState} from '../../source/vocabulary.js';
import type {AccountConfig} from '../../source/config/types.js';
import type {PollResult} from '../../source/broker/poll-result.js';
import {account, iso, pollResult, snapshotAt, t0, type Wire} from './helpers.js';

interface Row {
	name: string;
	mutate?: (snapshot: Wire) => void;
	serviceState?: ComponentState | null;
	/** Replaces the poll result entirely. */
	result?: PollResult | null;
	resultPatch?: Partial<PollResult>;
	account?: AccountConfig;
	/** ms after the snapshot's asOf when health is judged. */
	later?: number;
	expect: {service?: HealthState; connection?: HealthState; broker?: HealthState; stale?: boolean};
	reason?: {level: 'service' | 'connection' | 'broker'; match: RegExp};
}

const rows: Row[] = [
	{name: 'all healthy', expect: {service: 'ok', connection: 'ok', broker: 'ok', stale: false}, reason: {level: 'service', match: /runs once under a live lock; status 0 ms old/}},
	{name: 'brain duplicated', serviceState: 'duplicate', expect: {service: 'down', connection: 'ok'}, reason: {level: 'service', match: /more than once/}},
	{name: 'brain stopped', serviceState: 'stopped', expect: {service: 'down'}},
	{name: 'brain crash-looping', serviceState: 'crash-loop', expect: {service: 'down'}},
	{name: 'brain with a stale lock', serviceState: 'stale-lock', expect: {service: 'down'}},
	{name: 'brain unlocked', serviceState: 'unlocked', expect: {service: 'degraded'}},
	{name: 'brain orphaned', serviceState: 'orphaned', expect: {service: 'degraded'}},
	{name: 'brain in backoff', serviceState: 'backoff', expect: {service: 'degraded'}},
	{name: 'brain starting', serviceState: 'starting', expect: {service: 'degraded'}},
	{name: 'no brain, fresh status', serviceState: null, expect: {service: 'ok'}},
	{name: 'brain held on another host', serviceState: 'remote', expect: {service: 'unknown'}, reason: {level: 'service', match: /held on another host/}},
	{name: 'brain with an unverifiable lock', serviceState: 'unknown', expect: {service: 'unknown'}, reason: {level: 'service', match: /cannot be verified/}},
	{
		name: 'data older than 3 intervals is STALE',
		later: 6001,
		expect: {service: 'degraded', connection: 'unknown', broker: 'unknown', stale: true},
		reason: {level: 'service', match: /STALE: the last status is 6 s old/},
	},
	{name: 'data exactly 3 intervals old is not yet stale', later: 6000, expect: {service: 'ok', stale: false}},
	{
		name: 'stale with the failing poll named',
		later: 10_000,
		resultPatch: {error: 'no answer from http://x within 1 s'},
		expect: {service: 'degraded', stale: true},
		reason: {level: 'service', match: /last poll: no answer/},
	},
	{
		name: 'cross-wired terminal',
		mutate: s => { s.account = '365060'; },
		expect: {connection: 'down', broker: 'unknown'},
		reason: {level: 'connection', match: /^snapshot is for account 365060, expected 212000584$/},
	},
	{
		name: 'cross-wired terminal stays down when stale',
		mutate: s => { s.account = '365060'; },
		later: 60_000,
		expect: {connection: 'down', stale: true},
		reason: {level: 'connection', match: /snapshot is for account 365060, expected 212000584/},
	},
	{
		name: 'wrong server',
		account: account({server: 'AtlasFunded-Live'}),
		expect: {connection: 'down'},
		reason: {level: 'connection', match: /snapshot is for server AtlasFunded-Server, expected AtlasFunded-Live/},
	},
	{name: 'right server', account: account({server: 'AtlasFunded-Server'}), expect: {connection: 'ok'}},
	{name: 'server configured but not published', account: account({server: 'AtlasFunded-Server'}), mutate: s => { delete s.terminal!.server; }, expect: {connection: 'unknown'}},
	{name: 'disconnected', mutate: s => { s.connection!.state = 'disconnected'; }, expect: {connection: 'down'}, reason: {level: 'connection', match: /^disconnected from the broker since /}},
	{name: 'resyncing', mutate: s => { s.connection!.state = 'resyncing'; }, expect: {connection: 'degraded'}},
	{name: 'connecting', mutate: s => { s.connection!.state = 'connecting'; }, expect: {connection: 'degraded'}},
	{name: 'last sync too old', mutate: s => { s.connection!.lastSyncAt = iso(t0 - 300_000); }, expect: {connection: 'degraded'}, reason: {level: 'connection', match: /last sync 5 min ago \(limit 2 min\)/}},
	{name: 'connection older than 4 h', mutate: s => { s.connection!.since = iso(t0 - 5 * 3_600_000); }, expect: {connection: 'degraded'}, reason: {level: 'connection', match: /connection is 5 h old \(limit 4 h\)/}},
	{name: 'idle past 30 min', mutate: s => { s.connection!.lastActivityAt = iso(t0 - 45 * 60_000); }, expect: {connection: 'degraded'}, reason: {level: 'connection', match: /idle for 45 min \(limit 30 min\)/}},
	{name: 'credentials past 2 h', mutate: s => { s.connection!.credentialsRefreshedAt = iso(t0 - 3 * 3_600_000); }, expect: {connection: 'degraded'}, reason: {level: 'connection', match: /credentials refreshed 3 h ago/}},
	{name: 'credentials time not published', mutate: s => { delete s.connection!.credentialsRefreshedAt; }, expect: {connection: 'unknown', broker: 'ok'}, reason: {level: 'connection', match: /connection\.credentialsRefreshedAt not published/}},
	{name: 'no connection block', mutate: s => { delete s.connection; }, expect: {connection: 'unknown', broker: 'ok'}},
	{name: 'terminal not connected', mutate: s => { s.terminal!.connected = false; }, expect: {broker: 'down'}},
	{name: 'ping spike', mutate: s => { s.terminal!.pingMs = 820; }, expect: {broker: 'degraded'}, reason: {level: 'broker', match: /^ping 820 ms \(limit 500 ms\)$/}},
	{name: 'ping not published', mutate: s => { delete s.terminal!.pingMs; }, expect: {broker: 'unknown'}},
	{name: 'no terminal block', mutate: s => { delete s.terminal; }, expect: {broker: 'unknown'}},
	{name: 'AutoTrading off', mutate: s => { s.terminal!.tradeAllowed = false; }, expect: {broker: 'down'}, reason: {level: 'broker', match: /AutoTrading is switched off/}},
	{name: 'account may not trade', mutate: s => { s.permissions!.tradeAllowed = false; }, expect: {broker: 'down'}, reason: {level: 'broker', match: /trade_allowed is false/}},
	{name: 'experts forbidden', mutate: s => { s.permissions!.tradeExpert = false; }, expect: {broker: 'down'}},
	{name: 'permissions not published is fine', mutate: s => { delete s.permissions; }, expect: {broker: 'ok'}},
	{name: 'no poll yet', result: null, expect: {service: 'unknown', connection: 'unknown', broker: 'unknown', stale: false}},
	{
		name: 'publisher never answered',
		result: pollResult(null, {error: 'http://x: connection refused (nothing listens there)', consecutiveFailures: 3}),
		expect: {service: 'degraded', connection: 'unknown', broker: 'unknown', stale: false},
		reason: {level: 'service', match: /no status from the publisher: .*connection refused/},
	},
	{name: 'no status source configured', account: account({broker: null}), result: null, expect: {service: 'ok', connection: 'unknown', broker: 'unknown'}},
	{name: 'seq stuck while asOf advances', resultPatch: {seqStalled: true}, expect: {service: 'degraded'}, reason: {level: 'service', match: /seq stays at 100/}},
	{name: 'asOf far in the future', later: -5 * 60_000, expect: {service: 'degraded'}, reason: {level: 'service', match: /in the future/}},
];

for (const row of rows) {
	test(`health: ${row.name}`, () => {
		const snapshot = snapshotAt(t0, row.mutate);
		const result = row.result === undefined ? pollResult(snapshot, row.resultPatch) : row.result;
		const health = assessHealth({
			account: row.account ?? account(),
			result,
			serviceState: row.serviceState === undefined ? 'running' : row.serviceState,
			now: t0 + (row.later ?? 0),
		});
		for (const level of ['service', 'connection', 'broker'] as const) {
			if (row.expect[level] !== undefined) {
				assert.equal(health[level].state, row.expect[level], `${level}: ${health[level].reason}`);
			}

			assert.ok(health[level].reason.length > 0, `${level} has a reason`);
		}

		if (row.expect.stale !== undefined) {
			assert.equal(health.stale, row.expect.stale);
		}

		if (row.reason) {
			assert.match(health[row.reason.level].reason, row.reason.match);
		}
	});
}

test('health carries asOf, latency and the latest error', () => {
	const snapshot = snapshotAt(t0);
	const health = assessHealth({account: account(), result: pollResult(snapshot, {latencyMs: 12, error: 'HTTP 500'}), serviceState: 'running', now: t0 + 100});
	assert.equal(health.asOf, '2026-11-22T18:00:00.000Z');
	assert.equal(health.latencyMs, 12);
	assert.equal(health.error, 'HTTP 500');
});
