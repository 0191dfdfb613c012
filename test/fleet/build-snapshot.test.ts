import assert from 'node:assert/strict';
import test from 'node:test';
import {buildSnapshot, type FleetInput} from '../../source/fleet/build-snapshot.js';
import type {LockInspection} from '../../source/locks/types.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {atlasConfig, lock, now, proc} from '../helpers/fleet-data.js';

const server = proc(100, 'python quantum_server.py');
const serverLock = lock('quantum_server', 'live', {pid: 100});
const watchdog = proc(300, 'python STOPLOSS_WATCHDOG_V2.py --account ATLAS');
const watchdogLock = lock('WATCHDOG_ATLAS', 'live', {pid: 300, account: 'ATLAS'});

function snapshot(processes: ProcessInfo[], locks: LockInspection[], config = atlasConfig()) {
	const input: FleetInput = {config, locks, locksError: null, processes, now, host: 'host-1', selfPid: 99_999};
	return buildSnapshot(input);
}

function healthy(brainProcesses: ProcessInfo[], brainLock: LockInspection | null) {
	return snapshot([server, watchdog, ...brainProcesses], [serverLock, watchdogLock, ...(brainLock ? [brainLock] : [])]);
}

function brainOf(result: ReturnType<typeof snapshot>) {
	const brain = result.accounts[0]?.components.find(view => view.name === 'BRAIN_ATLAS');
	assert.ok(brain);
	return brain;
}

const cases: Array<{title: string; processes: ProcessInfo[]; lock: LockInspection | null; state: string; level: string; code?: string}> = [
	{title: 'one copy holding a live lock', processes: [proc(200, 'python BRAIN_ATLAS.py')], lock: lock('BRAIN_ATLAS', 'live', {pid: 200}), state: 'running', level: 'ok'},
	{title: 'not running, no lock', processes: [], lock: null, state: 'stopped', level: 'crit', code: 'not-running'},
	{title: 'not running, stale lock', processes: [], lock: lock('BRAIN_ATLAS', 'stale-dead', {pid: 200}), state: 'stale-lock', level: 'crit', code: 'stale-lock'},
	{title: 'running without a lock', processes: [proc(200, 'python BRAIN_ATLAS.py')], lock: null, state: 'unlocked', level: 'warn', code: 'unlocked'},
	{title: 'running while its old lock is stale', processes: [proc(201, 'python BRAIN_ATLAS.py')], lock: lock('BRAIN_ATLAS', 'stale-dead', {pid: 200}), state: 'unlocked', level: 'warn', code: 'unlocked'},
	{
		title: 'three copies (the incident)',
		processes: [proc(200, 'python BRAIN_ATLAS.py'), proc(210, 'python BRAIN_ATLAS.py'), proc(220, 'python BRAIN_ATLAS.py')],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200}),
		state: 'duplicate',
		level: 'crit',
		code: 'duplicate',
	},
	{
		title: 'a venv redirector and its interpreter are one copy',
		processes: [proc(200, String.raw`C:\bots\venv\Scripts\python.exe BRAIN_ATLAS.py`), proc(201, String.raw`C:\Python311\python.exe BRAIN_ATLAS.py`, 200)],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 201}),
		state: 'running',
		level: 'ok',
	},
	{
		title: 'supervisor and bot are one copy',
		processes: [proc(200, 'node fleetdeck run BRAIN_ATLAS -- python BRAIN_ATLAS.py'), proc(201, 'python BRAIN_ATLAS.py', 200)],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200, child: {pid: 201, startToken: '2010'}}),
		state: 'running',
		level: 'ok',
	},
	{
		title: 'supervisor killed, child lives on',
		processes: [proc(201, 'python BRAIN_ATLAS.py', 1)],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200, child: {pid: 201, startToken: '2010'}}, true),
		state: 'orphaned',
		level: 'warn',
		code: 'orphaned',
	},
	{title: 'held on another host', processes: [], lock: lock('BRAIN_ATLAS', 'remote', {pid: 200, hostname: 'vps-2'}), state: 'remote', level: 'unknown', code: 'remote-lock'},
	{
		title: 'supervisor in backoff',
		processes: [proc(200, 'node fleetdeck run BRAIN_ATLAS -- python BRAIN_ATLAS.py')],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200, supervisor: {state: 'backoff', restarts: 2}}),
		state: 'backoff',
		level: 'warn',
		code: 'backoff',
	},
	{
		title: 'supervisor gave up',
		processes: [proc(200, 'node fleetdeck run BRAIN_ATLAS -- python BRAIN_ATLAS.py')],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200, supervisor: {state: 'crash-loop', restarts: 5}}),
		state: 'crash-loop',
		level: 'crit',
		code: 'crash-loop',
	},
	{title: 'lock cannot be verified', processes: [], lock: lock('BRAIN_ATLAS', 'unknown', {pid: 200}), state: 'unknown', level: 'unknown', code: 'lock-unknown'},
	{
		title: 'a log tail is not a copy of the bot',
		processes: [proc(200, 'python BRAIN_ATLAS.py'), proc(400, 'tail -f logs/BRAIN_ATLAS.log')],
		lock: lock('BRAIN_ATLAS', 'live', {pid: 200}),
		state: 'running',
		level: 'ok',
	},
];

for (const entry of cases) {
	test(`component: ${entry.title}`, () => {
		const result = healthy(entry.processes, entry.lock);
		const brain = brainOf(result);
		assert.equal(brain.state, entry.state);
		assert.equal(brain.level, entry.level);
		assert.equal(result.accounts[0]?.level, entry.level);
		assert.equal(result.level, entry.level);
		if (entry.code) {
			assert.ok(result.problems.some(problem => problem.code === entry.code && problem.component === 'BRAIN_ATLAS'), `expected problem ${entry.code}`);
		} else {
			assert.deepEqual(result.problems, []);
		}
	});
}

test('the duplicate message names copies, processes and the holder', () => {
	const result = healthy([proc(200, 'python BRAIN_ATLAS.py'), proc(210, 'python BRAIN_ATLAS.py'), proc(211, 'python BRAIN_ATLAS.py', 210)], lock('BRAIN_ATLAS', 'live', {pid: 200}));
	const problem = result.problems.find(entry => entry.code === 'duplicate');
	assert.match(problem?.message ?? '', /2 copies of BRAIN_ATLAS are running \(3 processes; instances 200, 210\); the lock is held by PID 200/);
	const brain = brainOf(result);
	assert.deepEqual(brain.processes.map(view => [view.pid, view.instance, view.holdsLock]), [[200, 200, true], [210, 210, false], [211, 210, false]]);
});

test('the lock holder counts even when its command line does not match', () => {
	const result = healthy([proc(200, 'python3 brain.py --account ATLAS'), proc(210, 'python BRAIN_ATLAS.py')], lock('BRAIN_ATLAS', 'live', {pid: 200}));
	assert.equal(brainOf(result).state, 'duplicate');
});

test('the snapshot process is never counted', () => {
	const input: FleetInput = {config: atlasConfig(), locks: [serverLock, watchdogLock, lock('BRAIN_ATLAS', 'live', {pid: 200})], locksError: null, processes: [server, watchdog, proc(200, 'python BRAIN_ATLAS.py'), proc(555, 'node fleetdeck --once BRAIN_ATLAS.py')], now, host: 'h', selfPid: 555};
	assert.equal(brainOf(buildSnapshot(input)).state, 'running');
});

test('a disabled account that is stopped is fine', () => {
	const config = atlasConfig();
	const [account] = config.accounts;
	assert.ok(account);
	const result = snapshot([server], [serverLock], {...config, accounts: [{...account, enabled: false}]});
	assert.equal(result.level, 'ok');
	assert.equal(brainOf(result).state, 'stopped');
});

test('secrets on a command line are masked', () => {
	const result = healthy([proc(200, 'python BRAIN_ATLAS.py --password hunter2 --api-key=abc')], lock('BRAIN_ATLAS', 'live', {pid: 200}));
	assert.equal(brainOf(result).processes[0]?.command, 'python BRAIN_ATLAS.py --password [redacted] --api-key=[redacted]');
});

test('without a config, locks are grouped by their account', () => {
	const config = {...atlasConfig(), file: null, services: [], accounts: []};
	const locks = [lock('BRAIN_ATLAS', 'live', {pid: 200, account: '212000584'}), lock('WATCHDOG_ATLAS', 'stale-dead', {pid: 300, account: '212000584'}), lock('quantum_server', 'live', {pid: 100})];
	const result = snapshot([server, proc(200, 'python BRAIN_ATLAS.py'), proc(210, '/usr/bin/python3 /home/op/BRAIN_ATLAS.py')], locks, config);
	assert.deepEqual(result.accounts.map(account => account.id), ['212000584']);
	assert.deepEqual(result.accounts[0]?.components.map(view => [view.name, view.role, view.state]), [['WATCHDOG_ATLAS', 'watchdog', 'stale-lock'], ['BRAIN_ATLAS', 'brain', 'duplicate']]);
	assert.deepEqual(result.services.map(view => [view.name, view.state]), [['quantum_server', 'running']]);
	assert.equal(result.level, 'crit');
});

test('without a config, a stale lock alone is a warning: nothing says its component must run', () => {
	const config = {...atlasConfig(), file: null, services: [], accounts: []};
	const result = snapshot([], [lock('BRAIN_ATLAS', 'stale-dead', {pid: 200, account: '212000584'}), lock('quantum_server', 'stale-reused', {pid: 100})], config);
	assert.equal(result.level, 'warn');
	assert.deepEqual(result.accounts[0]?.components.map(view => [view.name, view.state, view.level]), [['BRAIN_ATLAS', 'stale-lock', 'warn']]);
	assert.deepEqual(result.services.map(view => [view.name, view.state, view.level]), [['quantum_server', 'stale-lock', 'warn']]);
	assert.deepEqual(result.problems.map(problem => `${problem.level}:${problem.code}:${problem.component}`), ['warn:stale-lock:quantum_server', 'warn:stale-lock:BRAIN_ATLAS']);
});

test('a stale lock of no configured component is a warning', () => {
	const result = healthy([proc(200, 'python BRAIN_ATLAS.py')], lock('BRAIN_ATLAS', 'live', {pid: 200}));
	assert.equal(result.level, 'ok');
	const extra = snapshot([server, watchdog, proc(200, 'python BRAIN_ATLAS.py')], [serverLock, watchdogLock, lock('BRAIN_ATLAS', 'live', {pid: 200}), lock('OLD_BOT', 'stale-dead', {pid: 7})]);
	assert.equal(extra.level, 'warn');
	assert.equal(extra.locks.length, 4);
});

test('an unreadable locks directory makes the snapshot UNKNOWN at least', () => {
	const input: FleetInput = {config: atlasConfig({services: [], accounts: []}), locks: [], locksError: 'cannot read /fleet/.locks (EACCES)', processes: [], now, host: 'h', selfPid: 1};
	const result = buildSnapshot(input);
	assert.equal(result.level, 'unknown');
	assert.equal(result.problems[0]?.code, 'locks-dir');
});

test('only the processes a verdict proved hold a lock: not a reused supervisor PID beside its orphan, not a PID reused since the probe', () => {
	// The supervisor's PID 200 now runs an unrelated `vim`; its orphaned child 201 holds the lock.
	const orphan = lock('BRAIN_ATLAS', 'live', {pid: 200, startToken: '1', child: {pid: 201, startToken: '2010'}}, true);
	const result = healthy([proc(200, 'vim notes.txt'), proc(201, 'python BRAIN_ATLAS.py')], orphan);
	const brain = brainOf(result);
	assert.equal(brain.state, 'orphaned');
	assert.deepEqual(brain.processes.map(view => [view.pid, view.holdsLock]), [[201, true]], 'vim is no copy of the bot');
	assert.equal(brain.lock?.proof, 'child');

	// The table was read after the probe: PID 200 is another process by then (start token differs).
	const reused = healthy([{...proc(200, 'python BRAIN_ATLAS.py'), startToken: '9999'}], lock('BRAIN_ATLAS', 'live', {pid: 200, startToken: '2000'}));
	assert.deepEqual(brainOf(reused).processes.map(view => [view.pid, view.holdsLock]), [[200, false]]);
	assert.equal(brainOf(reused).state, 'unlocked');
});

test('a locks directory that others can write to is a warning naming the directory and its mode', () => {
	const input = (locksDirMode: number | null): FleetInput => ({config: atlasConfig(), locks: [serverLock, watchdogLock, lock('BRAIN_ATLAS', 'live', {pid: 200})], locksError: null, locksDirMode, processes: [server, watchdog, proc(200, 'python BRAIN_ATLAS.py')], now, host: 'h', selfPid: 1});
	for (const [mode, who] of [[0o777, 'group- and world-writable'], [0o1777, 'group- and world-writable'], [0o775, 'group-writable'], [0o757, 'world-writable']] as const) {
		const result = buildSnapshot(input(mode));
		assert.equal(result.level, 'warn');
		assert.deepEqual(result.problems.map(problem => [problem.code, problem.level]), [['locks-dir-writable', 'warn']]);
		assert.equal(result.problems[0]?.message, `locks directory /fleet/.locks is ${who} (mode ${mode.toString(8).padStart(4, '0')}): other users can plant or replace lockfiles there; run "chmod go-w /fleet/.locks"`);
	}

	for (const mode of [0o755, 0o700, null]) {
		assert.equal(buildSnapshot(input(mode)).level, 'ok');
	}
});

test('a config another user can change is a warning naming the file, its mode or its owner; root\'s own and the runner\'s own are trusted', () => {
	const input = (fileAccess: {mode: number; ownerUid: number | null} | null, selfUid: number | null = 1000): FleetInput => ({config: atlasConfig({fileAccess}), locks: [serverLock, watchdogLock, lock('BRAIN_ATLAS', 'live', {pid: 200})], locksError: null, processes: [server, watchdog, proc(200, 'python BRAIN_ATLAS.py')], now, host: 'h', selfPid: 1, selfUid});
	const file = atlasConfig().file;
	const group = buildSnapshot(input({mode: 0o100664, ownerUid: 1000}));
	assert.deepEqual(group.problems.map(problem => [problem.code, problem.level]), [['config-writable', 'warn']]);
	assert.equal(group.problems[0]?.message, `config ${file} is group-writable (mode 0664): someone else can decide what runs and what is stopped; run "chmod go-w ${file}"`);
	const foreign = buildSnapshot(input({mode: 0o100644, ownerUid: 1001}));
	assert.equal(foreign.problems[0]?.message, `config ${file} is owned by uid 1001, not by you (uid 1000): someone else can decide what runs and what is stopped; run "chown $(id -u) ${file}"`);
	for (const trusted of [input({mode: 0o100644, ownerUid: 1000}), input({mode: 0o100600, ownerUid: 0}), input({mode: 0o100644, ownerUid: null}), input({mode: 0o100644, ownerUid: 1001}, null), input(null)]) {
		assert.equal(buildSnapshot(trusted).level, 'ok');
	}
});
