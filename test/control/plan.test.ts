import assert from 'node:assert/strict';
import {test} from 'node:test';
import {planLaunch, planShutdown, planStopDuplicates, resolveScope, UnknownAccountError} from '../../source/control/plan.js';
import {skipReason, skipRefuses, stepLabel} from '../../source/control/steps.js';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import type {LockInspection} from '../../source/locks/types.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {atlasConfig, lock, now, proc} from '../helpers/fleet-data.js';

const config = atlasConfig();

function snapshot(processes: ProcessInfo[], locks: LockInspection[]) {
	return buildSnapshot({config, locks, locksError: null, processes, now, host: 'host-1', selfPid: 1});
}

test('unknown accounts are refused; none named means all', () => {
	assert.equal(resolveScope(config, []), 'all');
	assert.deepEqual(resolveScope(config, ['212000584']), {accounts: ['ATLAS']});
	assert.throws(() => resolveScope(config, ['NOPE']), UnknownAccountError);
});

test('shutdown: brains first, then watchdogs, then services; a supervised holder gets SIGTERM; duplicates are named', () => {
	const processes = [
		proc(100, 'python quantum_server.py'),
		proc(200, 'node cli.js run BRAIN_ATLAS -- python BRAIN_ATLAS.py'),
		proc(201, 'python BRAIN_ATLAS.py', 200),
		proc(300, 'python BRAIN_ATLAS.py', 1, now - 10_000),
		proc(400, 'python STOPLOSS_WATCHDOG_V2.py --account ATLAS'),
	];
	const locks = [
		lock('BRAIN_ATLAS', 'live', {pid: 200, startToken: '2000', child: {pid: 201, startToken: '2010'}, account: 'ATLAS'}),
		lock('WATCHDOG_ATLAS', 'live', {pid: 400, startToken: '4000', account: 'ATLAS'}),
		lock('quantum_server', 'live', {pid: 100, startToken: '1000'}),
	];
	const plan = planShutdown(snapshot(processes, locks), config, 'all');
	const stops = plan.steps.flatMap(step => (step.kind === 'stop' ? [step.target] : []));
	assert.deepEqual(stops.map(target => [target.component, target.pid, target.why]), [
		['BRAIN_ATLAS', 200, 'component'],
		['BRAIN_ATLAS', 300, 'duplicate'],
		['WATCHDOG_ATLAS', 400, 'component'],
		['quantum_server', 100, 'component'],
	]);
	assert.deepEqual(stops[0]?.pids, [200, 201]);
	assert.equal(stops[0]?.startToken, '2000');
	assert.equal(stops[0]?.lock, 'BRAIN_ATLAS');
	assert.equal(stops[1]?.lock, null);
	assert.match(plan.summary, /open trades are not touched; fleetdeck never contacts the broker/);
	assert.equal(plan.destructive, true);

	const scoped = planShutdown(snapshot(processes, locks), config, {accounts: ['ATLAS']}, {timeoutSeconds: 7});
	assert.ok(scoped.steps.every(step => step.kind !== 'stop' || step.target.component !== 'quantum_server'), 'services only when no account is named');
	assert.ok(scoped.steps.every(step => step.kind !== 'stop' || step.target.stopTimeoutSeconds === 7));
});

test('shutdown clears a stale lock of a component with nothing running, and signals no process for it', () => {
	const plan = planShutdown(snapshot([], [lock('BRAIN_ATLAS', 'stale-reused', {pid: 999, account: 'ATLAS'})]), config, {accounts: ['ATLAS']});
	assert.deepEqual(plan.steps.map(step => step.kind), ['clear']);
});

test('stop-duplicates keeps the lock holder, else the oldest', () => {
	const processes = [proc(500, 'python BRAIN_ATLAS.py', 1, now - 100_000), proc(600, 'python BRAIN_ATLAS.py', 1, now - 5_000)];
	const held = planStopDuplicates(snapshot(processes, [lock('BRAIN_ATLAS', 'live', {pid: 600, startToken: '6000'})]), config, 'all');
	assert.deepEqual(held.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid}` : stepLabel(step))), ['keep BRAIN_ATLAS PID 600', 'stop 500']);
	const oldest = planStopDuplicates(snapshot(processes, []), config, 'all');
	assert.deepEqual(oldest.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid}` : stepLabel(step))), ['keep BRAIN_ATLAS PID 500', 'stop 600']);
});

test('launch: services, watchdogs, brains; live ones skipped; duplicates and unlocked copies refused', () => {
	const fresh = planLaunch(snapshot([], []), 'all');
	assert.deepEqual(fresh.steps.map(step => step.kind === 'launch' && step.target.component), ['quantum_server', 'WATCHDOG_ATLAS', 'BRAIN_ATLAS']);

	const busy = planLaunch(snapshot([proc(100, 'python quantum_server.py'), proc(500, 'python BRAIN_ATLAS.py'), proc(600, 'python BRAIN_ATLAS.py')], [lock('quantum_server', 'live', {pid: 100, startToken: '1000'})]), 'all');
	const byName = new Map(busy.steps.map(step => [step.id, step]));
	const server = byName.get('launch:quantum_server');
	assert.equal(server?.kind === 'skip' && server.why === 'already-running' && !skipRefuses(server), true);
	const brain = byName.get('launch:BRAIN_ATLAS');
	assert.equal(brain?.kind === 'skip' && brain.why === 'duplicates-running' && skipRefuses(brain), true);
	assert.match(brain?.kind === 'skip' ? skipReason(brain) : '', /500, 600/);
	assert.equal(byName.get('launch:WATCHDOG_ATLAS')?.kind, 'launch');

	const unlocked = planLaunch(snapshot([proc(500, 'python BRAIN_ATLAS.py')], []), {accounts: ['ATLAS']});
	const refused = unlocked.steps.find(step => step.id === 'launch:BRAIN_ATLAS');
	assert.equal(refused?.kind === 'skip' && refused.why === 'unlocked-copy' && skipRefuses(refused), true);
});

test('a supervisor in backoff or crash-loop (no child) is stopped with SIGTERM and its grace, not with the bot\'s stop signal', () => {
	const sigint = atlasConfig();
	sigint.accounts = sigint.accounts.map(account => ({...account, components: account.components.map(entry => (entry.name === 'BRAIN_ATLAS' ? {...entry, stopSignal: 'SIGINT' as const} : entry))}));
	const processes = [proc(200, 'node cli.js run BRAIN_ATLAS -- python BRAIN_ATLAS.py')];
	const locks = [lock('BRAIN_ATLAS', 'live', {pid: 200, startToken: '2000', account: 'ATLAS', child: null, supervisor: {state: 'crash-loop', restarts: 4, nextStartAt: null, lastExit: {code: 1, signal: null, at: new Date(now).toISOString()}}})];
	const plan = planShutdown(buildSnapshot({config: sigint, locks, locksError: null, processes, now, host: 'host-1', selfPid: 1}), sigint, {accounts: ['ATLAS']});
	const [target] = plan.steps.flatMap(step => (step.kind === 'stop' ? [step.target] : []));
	assert.equal(target?.pid, 200);
	assert.equal(target?.stopSignal, 'SIGTERM', 'the supervisor, not the bot, gets the signal it handles');
	assert.equal(target?.stopTimeoutSeconds, 32, 'its stop timeout plus the supervisor grace');

	const bare = planShutdown(buildSnapshot({config: sigint, locks: [lock('BRAIN_ATLAS', 'live', {pid: 300, startToken: '3000', account: 'ATLAS'})], locksError: null, processes: [proc(300, 'python BRAIN_ATLAS.py')], now, host: 'host-1', selfPid: 1}), sigint, {accounts: ['ATLAS']});
	const [unsupervised] = bare.steps.flatMap(step => (step.kind === 'stop' ? [step.target] : []));
	assert.equal(unsupervised?.stopSignal, 'SIGINT', 'a bot holding its own lock gets its stop signal');
});

test('stop-duplicates without a lock keeps the copy that started first, even within the same second', () => {
	// Same whole-second uptime; the later copy got the lower PID (PIDs wrap). Start tokens decide.
	const older = {...proc(900, 'python BRAIN_ATLAS.py', 1, now - 10_400), startToken: '5000'};
	const newer = {...proc(800, 'python BRAIN_ATLAS.py', 1, now - 10_300), startToken: '5010'};
	const plan = planStopDuplicates(snapshot([newer, older], []), config, 'all');
	assert.deepEqual(plan.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid}` : stepLabel(step))), ['keep BRAIN_ATLAS PID 900', 'stop 800']);
});

test('without a configured fleet, the accounts the locks name are the known ones', () => {
	const bare = atlasConfig({accounts: [], services: []});
	assert.deepEqual(resolveScope(bare, ['ACC'], ['ACC', 'OTHER']), {accounts: ['ACC']});
	assert.throws(() => resolveScope(bare, ['NOPE'], ['ACC']), /unknown account "NOPE"; known accounts: ACC/);
	assert.throws(() => resolveScope(config, ['ACC'], ['ACC']), UnknownAccountError, 'a configured fleet knows only its own accounts');
});

/** The fleet as the locks alone describe it: no config, every component inferred from a lock's name. */
const bare = atlasConfig({accounts: [], services: []});

function bareSnapshot(processes: ProcessInfo[], locks: LockInspection[]) {
	return buildSnapshot({config: bare, locks, locksError: null, processes, now, host: 'host-1', selfPid: 1});
}

const stepsOf = (plan: ReturnType<typeof planShutdown>) => plan.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid} [${step.target.pids.join(',')}]` : step.kind === 'skip' ? `skip ${stepLabel(step)}: ${skipReason(step)}${skipRefuses(step) ? ' (refused)' : ''}` : `${step.kind} ${stepLabel(step)}`));

test('without a config, shutdown stops only what a lock record proves by start token; name matches are skip steps', () => {
	const processes = [proc(100, 'sleep 300'), proc(200, 'sleep 60'), proc(300, 'python BRAIN_X.py'), proc(400, 'python BRAIN_X.py')];
	const locks = [
		lock('sleep', 'stale-dead', {pid: 999}),
		lock('BRAIN_X', 'live', {pid: 300, startToken: '3000', account: 'X'}),
	];
	const plan = planShutdown(bareSnapshot(processes, locks), bare, 'all');
	assert.deepEqual(stepsOf(plan), [
		'stop 300 [300]',
		'skip BRAIN_X PID 400: not stopped: matched by name only; not stopped without a config',
		'skip sleep PID 100: not stopped: matched by name only; not stopped without a config',
		'skip sleep PID 200: not stopped: matched by name only; not stopped without a config',
	]);

	// The same fleet with a config: its `match` is the operator's intent, so every copy is stopped.
	const configured = atlasConfig({accounts: [{id: 'X', number: '1', enabled: true, server: null, broker: null, components: [{...config.accounts[0]!.components[0]!, name: 'BRAIN_X', match: /BRAIN_X\.py/, account: 'X'}]}], services: []});
	const intended = planShutdown(buildSnapshot({config: configured, locks, locksError: null, processes, now, host: 'host-1', selfPid: 1}), configured, 'all');
	assert.deepEqual(intended.steps.flatMap(step => (step.kind === 'stop' ? [step.target.pid] : [])), [300, 400]);
});

test('without a config, a holder confirmed only by its command line (a legacy record) is refused, not stopped', () => {
	for (const proof of ['name', 'match'] as const) {
		const legacy = {...lock('BRAIN_X', 'live', {pid: 300, account: 'X', format: 'legacy-json', startToken: null}), proof};
		const plan = planShutdown(bareSnapshot([proc(300, 'python BRAIN_X.py')], [legacy]), bare, 'all');
		assert.equal(plan.destructive, false);
		const [step] = plan.steps;
		assert.equal(step?.kind, 'skip');
		assert.equal(step?.kind === 'skip' && step.why === 'name-only' && skipRefuses(step), true, 'the bot may still run: the shutdown did not succeed');
		assert.match(step?.kind === 'skip' ? skipReason(step) : '', /^matched by name only; not stopped without a config \(its lock record names PID 300 but proves it by (its name|a pattern) only, with no start token\)$/);
	}
});

test('without a config, the proven holder is stopped with what runs below it, not a wrapper above it that merely matches', () => {
	const processes = [proc(500, 'sh -c python BRAIN_X.py'), proc(501, 'python BRAIN_X.py', 500), proc(502, 'python BRAIN_X.py --worker', 501)];
	const plan = planShutdown(bareSnapshot(processes, [lock('BRAIN_X', 'live', {pid: 501, startToken: '5010', account: 'X'})]), bare, 'all');
	assert.deepEqual(stepsOf(plan), ['stop 501 [501,502]']);
	const [target] = plan.steps.flatMap(step => (step.kind === 'stop' ? [step.target] : []));
	assert.equal(target?.startToken, '5010');
});

test('without a config, an orphan proven by its child\'s start token is stopped; stop-duplicates stops no copy known by name alone', () => {
	const processes = [proc(601, 'python BRAIN_X.py'), proc(700, 'python BRAIN_X.py')];
	const orphan = lock('BRAIN_X', 'live', {pid: 600, startToken: '6000', account: 'X', child: {pid: 601, startToken: '6010'}}, true);
	assert.deepEqual(stepsOf(planShutdown(bareSnapshot(processes, [orphan]), bare, 'all')), [
		'stop 601 [601]',
		'skip BRAIN_X PID 700: not stopped: matched by name only; not stopped without a config',
	]);
	const duplicates = planStopDuplicates(bareSnapshot(processes, [orphan]), bare, 'all');
	assert.equal(duplicates.destructive, false);
	assert.deepEqual(duplicates.steps.map(step => stepLabel(step)), ['keep BRAIN_X PID 601', 'BRAIN_X PID 700: not stopped']);
});
