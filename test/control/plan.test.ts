import assert from 'node:assert/strict';
import {test} from 'node:test';
import {planLaunch, planShutdown, planStopDuplicates, resolveScope, UnknownAccountError} from '../../source/control/plan.js';
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
	assert.deepEqual(held.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid}` : step.label)), ['keep BRAIN_ATLAS PID 600', 'stop 500']);
	const oldest = planStopDuplicates(snapshot(processes, []), config, 'all');
	assert.deepEqual(oldest.steps.map(step => (step.kind === 'stop' ? `stop ${step.target.pid}` : step.label)), ['keep BRAIN_ATLAS PID 500', 'stop 600']);
});

test('launch: services, watchdogs, brains; live ones skipped; duplicates and unlocked copies refused', () => {
	const fresh = planLaunch(snapshot([], []), 'all');
	assert.deepEqual(fresh.steps.map(step => step.kind === 'launch' && step.target.component), ['quantum_server', 'WATCHDOG_ATLAS', 'BRAIN_ATLAS']);

	const busy = planLaunch(snapshot([proc(100, 'python quantum_server.py'), proc(500, 'python BRAIN_ATLAS.py'), proc(600, 'python BRAIN_ATLAS.py')], [lock('quantum_server', 'live', {pid: 100, startToken: '1000'})]), 'all');
	const byName = new Map(busy.steps.map(step => [step.id, step]));
	const server = byName.get('launch:quantum_server');
	assert.equal(server?.kind === 'skip' && !server.refused, true);
	const brain = byName.get('launch:BRAIN_ATLAS');
	assert.equal(brain?.kind === 'skip' && brain.refused, true);
	assert.match(brain?.kind === 'skip' ? brain.reason : '', /500, 600/);
	assert.equal(byName.get('launch:WATCHDOG_ATLAS')?.kind, 'launch');

	const unlocked = planLaunch(snapshot([proc(500, 'python BRAIN_ATLAS.py')], []), {accounts: ['ATLAS']});
	const refused = unlocked.steps.find(step => step.id === 'launch:BRAIN_ATLAS');
	assert.equal(refused?.kind === 'skip' && refused.refused, true);
});
