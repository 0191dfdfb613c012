/**
 * Property-based tests of the pure rules: the fleet snapshot and position drift. No input crashes
 * them, and adding a problem never lowers a level.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {diffPositions, DriftTracker, driftLevel, type DriftItem, type Position, type StatusSnapshot} from '../../source/broker/index.js';
import type {AccountConfig, FleetConfig} from '../../source/config/types.js';
import {accountBrokerView, type BrokerFacts} from '../../source/fleet/broker-facts.js';
import {buildSnapshot, type FleetInput} from '../../source/fleet/build-snapshot.js';
import {levels, worst, type Level} from '../../source/vocabulary.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {verdictCodes, type LockInspection, type SupervisorState} from '../../source/locks/types.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {limits} from '../broker/helpers.js';
import {atlasConfig, component, lock, now, proc} from '../helpers/fleet-data.js';

const runs = {numRuns: 300};
const rank = (level: Level) => levels.indexOf(level);
const atLeast = (after: Level, before: Level) => rank(after) >= rank(before);

// ---------------------------------------------------------------- the fleet snapshot

const accountIds = ['ATLAS', 'GL_3', 'FTMO'] as const;

function fleetConfig(brokers: boolean): FleetConfig {
	const base = atlasConfig();
	const accounts: AccountConfig[] = accountIds.map((id, index) => ({
		id,
		number: String(1000 + index),
		enabled: true,
		server: null,
		broker: brokers ? {status: {kind: 'http', url: `http://127.0.0.1:1/${id}`, timeoutSeconds: 1}, pollSeconds: 2, limits} : null,
		components: [
			component(`BRAIN_${id}`, 'brain', String.raw`BRAIN_${id}\.py`, id),
			component(`WATCHDOG_${id}`, 'watchdog', String.raw`WATCHDOG\.py --account ${id}\b`, id),
		],
	}));
	return {...base, accounts};
}

const componentNames = ['quantum_server', ...accountIds.flatMap(id => [`BRAIN_${id}`, `WATCHDOG_${id}`])];
const commandOf = (name: string) => (name === 'quantum_server'
	? 'python quantum_server.py'
	: name.startsWith('BRAIN_') ? `python ${name}.py` : `python WATCHDOG.py --account ${name.slice('WATCHDOG_'.length)}`);

/** A process table: fleet commands, wrappers that run them, and unrelated processes, PIDs 100–399. */
const processesArb = fc
	.uniqueArray(
		fc.record({
			pid: fc.integer({min: 100, max: 399}),
			ppidChoice: fc.integer({min: 0, max: 399}),
			what: fc.oneof(fc.constantFrom(...componentNames).map(name => commandOf(name)), fc.constantFrom('sleep 60', 'bash', '/usr/sbin/sshd -D', 'sh -c python BRAIN_ATLAS.py', '')),
		}),
		{selector: entry => entry.pid, maxLength: 24},
	)
	.map(entries => entries.map(({pid, ppidChoice, what}) => proc(pid, what, ppidChoice < 100 ? 1 : ppidChoice)));

const supervisorArb: fc.Arbitrary<SupervisorState | null> = fc.option(
	fc.record({state: fc.constantFrom('starting', 'running', 'backoff', 'crash-loop', 'stopping'), restarts: fc.nat(10)}) as fc.Arbitrary<SupervisorState>,
);

/** Locks for fleet components and for strangers, any verdict, held by a PID in or out of the table. */
const locksArb = fc
	.uniqueArray(
		fc.record({
			name: fc.oneof(fc.constantFrom(...componentNames), fc.constantFrom('OLD_BOT', 'strange.name', 'x')),
			verdict: fc.constantFrom(...verdictCodes),
			pid: fc.integer({min: 90, max: 420}),
			childPid: fc.option(fc.integer({min: 90, max: 420})),
			account: fc.option(fc.constantFrom(...accountIds, 'ELSEWHERE')),
			supervisor: supervisorArb,
			orphaned: fc.boolean(),
			readable: fc.boolean(),
		}),
		{selector: entry => entry.name, maxLength: 8},
	)
	.map(entries => entries.map(entry => lockOf(entry)));

function lockOf(entry: {name: string; verdict: (typeof verdictCodes)[number]; pid: number; childPid: number | null; account: string | null; supervisor: SupervisorState | null; orphaned: boolean; readable: boolean}): LockInspection {
	const inspection = lock(entry.name, entry.verdict, {
		pid: entry.pid,
		account: entry.account,
		child: entry.childPid === null ? null : {pid: entry.childPid, startToken: String(entry.childPid * 10)},
		supervisor: entry.supervisor,
	}, entry.orphaned);
	return entry.readable ? inspection : {...inspection, record: null};
}

const driftItemArb: fc.Arbitrary<DriftItem> = fc.record({
	class: fc.constantFrom('closed-externally', 'opened-manually', 'modified-externally', 'missing-sl', 'stale'),
	status: fc.constantFrom('suspected', 'confirmed'),
	positionId: fc.integer({min: 1, max: 50}),
}).map(({class: driftClass, status, positionId}) => ({
	key: `${driftClass}:${positionId}`,
	class: driftClass,
	status,
	severity: driftClass === 'opened-manually' ? 'info' : driftClass === 'missing-sl' ? 'crit' : 'warn',
	positionId,
	symbol: 'BTCUSD',
	message: `${driftClass} #${positionId}`,
	detail: {},
	since: new Date(now).toISOString(),
	polls: status === 'confirmed' ? 2 : 1,
}) as DriftItem);

const driftByAccountArb = fc.record(Object.fromEntries(accountIds.map(id => [id, fc.array(driftItemArb, {maxLength: 4})])) as Record<(typeof accountIds)[number], fc.Arbitrary<DriftItem[]>>);

function brokerFacts(drift: Record<string, DriftItem[]>): BrokerFacts {
	return {accounts: new Map(Object.entries(drift).map(([id, items]) => [id, {result: null, drift: items}])), services: new Map()};
}

function input(config: FleetConfig, locks: LockInspection[], processes: ProcessInfo[], broker?: BrokerFacts): FleetInput {
	return {config, locks, locksError: null, processes, now, host: 'host-1', selfPid: 99_999, broker};
}

const accountLevels = (snapshot: FleetSnapshot) => new Map(snapshot.accounts.map(account => [account.id, account.level]));

/** The invariants every snapshot keeps, whatever went in. */
function checkShape(snapshot: FleetSnapshot): void {
	assert.equal(snapshot.schema, 1);
	assert.equal(snapshot.level, worst(...snapshot.problems.map(problem => problem.level)));
	for (const account of snapshot.accounts) {
		assert.ok(atLeast(snapshot.level, account.level) || account.level === 'unknown' || snapshot.problems.length > 0, `account ${account.id} is ${account.level} but the fleet is ${snapshot.level}`);
		for (const view of account.components) {
			assert.ok(atLeast(account.level, view.level), `${view.name} is ${view.level} but its account is ${account.level}`);
			assert.equal(view.instances, new Set(view.processes.map(process => process.instance)).size);
			if (view.state === 'running') {
				assert.equal(view.instances, 1);
				assert.equal(view.lock?.verdict, 'live');
			}

			if (view.instances > 1) {
				assert.equal(view.state, 'duplicate');
				assert.equal(view.level, 'crit');
			}
		}
	}

	assert.ok(JSON.stringify(snapshot).length > 0);
}

test('property: buildSnapshot never throws, with or without a config and broker facts, and its levels add up', () => {
	fc.assert(
		fc.property(fc.boolean(), fc.boolean(), locksArb, processesArb, driftByAccountArb, fc.option(fc.string({minLength: 1})), (configured, brokers, locks, processes, drift, locksError) => {
			const config = configured ? fleetConfig(brokers) : {...fleetConfig(false), accounts: [], services: []};
			const snapshot = buildSnapshot({...input(config, locks, processes, brokers ? brokerFacts(drift) : undefined), locksError});
			checkShape(snapshot);
			if (locksError !== null) {
				assert.ok(atLeast(snapshot.level, 'unknown'));
			}
		}),
		runs,
	);
});

test('property: one more running copy of a component already running never lowers its account\'s level or the fleet\'s', () => {
	fc.assert(
		fc.property(locksArb, processesArb, fc.constantFrom(...componentNames), (locks, processes, name) => {
			const config = fleetConfig(false);
			const before = buildSnapshot(input(config, locks, processes));
			const view = [...before.services, ...before.accounts.flatMap(account => account.components)].find(candidate => candidate.name === name)!;
			fc.pre(view.instances >= 1);
			// A new topmost process (its parent, PID 1, matches nothing): a separate instance.
			const extra = proc(500, commandOf(name), 1);
			const after = buildSnapshot(input(config, locks, [...processes, extra]));
			assert.ok(atLeast(after.level, before.level), `fleet ${before.level} → ${after.level}`);
			const levelsAfter = accountLevels(after);
			for (const [id, level] of accountLevels(before)) {
				assert.ok(atLeast(levelsAfter.get(id)!, level), `${id} ${level} → ${levelsAfter.get(id)}`);
			}

			const viewAfter = [...after.services, ...after.accounts.flatMap(account => account.components)].find(candidate => candidate.name === name)!;
			assert.equal(viewAfter.state, 'duplicate');
		}),
		runs,
	);
});

test('property: a stale lock of no configured component never lowers any level', () => {
	fc.assert(
		fc.property(locksArb, processesArb, fc.constantFrom('stale-dead', 'stale-reused', 'stale-rebooted', 'stale-unreadable'), fc.option(fc.constantFrom(...accountIds)), (locks, processes, verdict, account) => {
			const config = fleetConfig(false);
			const before = buildSnapshot(input(config, locks, processes));
			const after = buildSnapshot(input(config, [...locks.filter(entry => entry.name !== 'LEFTOVER'), lock('LEFTOVER', verdict, {account, pid: 123})], processes));
			assert.ok(atLeast(after.level, worst(before.level, 'warn')), `fleet ${before.level} → ${after.level}`);
			const levelsAfter = accountLevels(after);
			for (const [id, level] of accountLevels(before)) {
				assert.ok(atLeast(levelsAfter.get(id)!, level), `${id} ${level} → ${levelsAfter.get(id)}`);
			}
		}),
		runs,
	);
});

test('property: a component lock turning stale (holder proven gone) never lowers its account\'s level', () => {
	fc.assert(
		fc.property(locksArb, processesArb, fc.constantFrom(...accountIds.flatMap(id => [`BRAIN_${id}`, `WATCHDOG_${id}`])), fc.constantFrom('stale-dead', 'stale-reused'), (locks, processes, name, verdict) => {
			const config = fleetConfig(false);
			const others = locks.filter(entry => entry.name !== name);
			// Before: no lock at all for the component. After: a lock whose holder is proven gone.
			const before = buildSnapshot(input(config, others, processes));
			const after = buildSnapshot(input(config, [...others, lock(name, verdict, {pid: 123})], processes));
			assert.ok(atLeast(after.level, before.level), `fleet ${before.level} → ${after.level}`);
			const levelsAfter = accountLevels(after);
			for (const [id, level] of accountLevels(before)) {
				assert.ok(atLeast(levelsAfter.get(id)!, level), `${id} ${level} → ${levelsAfter.get(id)}`);
			}
		}),
		runs,
	);
});

test('property: suspected drift never raises a level; confirmed drift never lowers one', () => {
	fc.assert(
		fc.property(locksArb, processesArb, driftByAccountArb, driftItemArb, fc.constantFrom(...accountIds), (locks, processes, drift, extra, id) => {
			const config = fleetConfig(true);
			const before = buildSnapshot(input(config, locks, processes, brokerFacts(drift)));
			const confirmedOnly = Object.fromEntries(Object.entries(drift).map(([key, items]) => [key, items.filter(item => item.status === 'confirmed')]));
			const withoutSuspected = buildSnapshot(input(config, locks, processes, brokerFacts(confirmedOnly)));
			assert.equal(withoutSuspected.level, before.level);
			assert.deepEqual(accountLevels(withoutSuspected), accountLevels(before));

			const more = {...drift, [id]: [...drift[id], extra]};
			const after = buildSnapshot(input(config, locks, processes, brokerFacts(more)));
			assert.ok(atLeast(after.level, before.level), `fleet ${before.level} → ${after.level}`);
			assert.ok(atLeast(accountLevels(after).get(id)!, accountLevels(before).get(id)!));
		}),
		runs,
	);
});

// ---------------------------------------------------------------- drift

const priceArb = fc.option(fc.oneof(fc.constant(0), fc.double({min: 0, max: 100_000, noNaN: true})));
const positionArb: fc.Arbitrary<Position> = fc.record({
	ticket: fc.integer({min: 1, max: 12}),
	identifier: fc.option(fc.integer({min: 1, max: 12})),
	symbol: fc.constantFrom('BTCUSD', 'EURUSD', 'XAUUSD'),
	side: fc.constantFrom('buy', 'sell'),
	volume: fc.double({min: 0, max: 10, noNaN: true}),
	sl: priceArb,
	tp: priceArb,
	openedAt: fc.option(fc.integer({min: now - 3 * 86_400_000, max: now})),
	updatedAt: fc.option(fc.integer({min: now - 3 * 86_400_000, max: now})),
	magic: fc.option(fc.integer()),
});

const stateArb = fc.constantFrom('connected', 'connecting', 'disconnected', 'resyncing') as fc.Arbitrary<'connected' | 'connecting' | 'disconnected' | 'resyncing'>;

function statusSnapshot(asOf: number, state: 'connected' | 'connecting' | 'disconnected' | 'resyncing', bot: Position[] | null, broker: Position[] | null, deals: Array<{positionId: number}>, terminalConnected: boolean | null): StatusSnapshot {
	return {
		schema: 1,
		account: '212000584',
		asOf,
		publisher: null,
		connection: {state, since: asOf - 3_600_000, lastSyncAt: state === 'connected' ? asOf - 1000 : null, lastActivityAt: null, credentialsRefreshedAt: null, reconnects: null},
		terminal: terminalConnected === null ? null : {connected: terminalConnected, tradeAllowed: true, pingMs: 30, server: null},
		permissions: null,
		seq: null,
		positions: {bot, broker},
		deals: deals.map(deal => ({positionId: deal.positionId, reason: 'SL', profit: -1, time: asOf - 500})),
	};
}

const pollArb = fc.record({
	state: stateArb,
	bot: fc.option(fc.array(positionArb, {maxLength: 5}), {freq: 8}),
	broker: fc.option(fc.array(positionArb, {maxLength: 5}), {freq: 8}),
	deals: fc.array(fc.record({positionId: fc.integer({min: 1, max: 12})}), {maxLength: 3}),
	terminal: fc.option(fc.boolean(), {freq: 4}),
	stepMs: fc.integer({min: -2000, max: 400_000}),
});

test('property: diffPositions never throws and judges nothing while the account is not connected', () => {
	fc.assert(
		fc.property(pollArb, poll => {
			const snapshot = statusSnapshot(now, poll.state, poll.bot, poll.broker, poll.deals, poll.terminal);
			const differences = diffPositions(snapshot, limits, now);
			if (poll.state !== 'connected' || poll.terminal === false || poll.bot === null || poll.broker === null) {
				assert.deepEqual(differences, []);
			}

			for (const difference of differences) {
				assert.ok(difference.key.startsWith(`${difference.class}:`));
			}
		}),
		runs,
	);
});

test('property: the drift tracker never throws; a poll while resynchronizing raises nothing and adds nothing; suspected items never raise the level', () => {
	fc.assert(
		fc.property(fc.array(pollArb, {minLength: 1, maxLength: 12}), fc.integer({min: 1, max: 4}), (polls, persist) => {
			const tracker = new DriftTracker({...limits, driftPersistPolls: persist});
			let at = now;
			let latest = Number.NEGATIVE_INFINITY;
			let confirmedKeys = new Set<string>();
			let previousKeys: string[] = [];
			for (const poll of polls) {
				at += poll.stepMs;
				const observation = tracker.observe(statusSnapshot(at, poll.state, poll.bot, poll.broker, poll.deals, poll.terminal), at);
				const level = driftLevel(observation.items);
				assert.equal(level, driftLevel(observation.items.filter(item => item.status === 'confirmed')));
				const keys = observation.items.map(item => item.key).sort();
				if (at <= latest) {
					// Late or repeated data is not a poll: nothing changes.
					assert.deepEqual(keys, previousKeys);
					assert.deepEqual(observation.raised, []);
				} else if (poll.state !== 'connected') {
					assert.deepEqual(observation.raised, []);
					assert.ok(observation.items.every(item => item.status === 'confirmed' && confirmedKeys.has(item.key)), 'a resync only keeps what was already confirmed');
				}

				for (const item of observation.raised) {
					assert.equal(item.status, 'confirmed');
					assert.ok(item.polls >= persist || persist === 1);
				}

				latest = Math.max(latest, at);
				previousKeys = keys;
				confirmedKeys = new Set(observation.items.filter(item => item.status === 'confirmed').map(item => item.key));
			}
		}),
		runs,
	);
});

test('property: in an account\'s broker view, suspected drift changes no level and raises no problem', () => {
	const config = fleetConfig(true);
	const account = config.accounts[0]!;
	fc.assert(
		fc.property(fc.array(driftItemArb, {maxLength: 6}), items => {
			const all = accountBrokerView(account, [], {result: null, drift: items}, now);
			const confirmed = accountBrokerView(account, [], {result: null, drift: items.filter(item => item.status === 'confirmed')}, now);
			assert.equal(all.level, confirmed.level);
			assert.deepEqual(all.problems, confirmed.problems);
		}),
		runs,
	);
});
