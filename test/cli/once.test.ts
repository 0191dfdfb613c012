import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import test, {type TestContext} from 'node:test';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';

/** A config with one account per scenario; each brain matches `BRAIN_<ID>.py <marker>`. */
function writeConfig(dir: string, marker: string, accounts: string[]): string {
	const config = {
		locksDir: '.locks',
		accounts: accounts.map((id, index) => ({
			id,
			number: String(1000 + index),
			components: [{name: `BRAIN_${id}`, role: 'brain', command: ['python', `BRAIN_${id}.py`], match: String.raw`BRAIN_${id}\.py ${marker}`}],
		})),
	};
	const file = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(file, JSON.stringify(config));
	return file;
}

function deadPid(): number {
	const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
	return Number(child.stdout.toString().trim());
}

function bot(t: TestContext, id: string, marker: string) {
	return spawnIdle(t, `BRAIN_${id}.py`, marker);
}

async function once(dir: string, config: string, ...flags: string[]) {
	const result = await runCli(['--once', '--config', config, ...flags], {cwd: dir});
	return result;
}

test('--once --json reports a healthy brain, a duplicate, an unlocked copy and a stale lock', async t => {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const config = writeConfig(dir, marker, ['OK', 'DUP', 'UNL', 'STL']);
	const locks = path.join(dir, '.locks');
	const healthy = bot(t, 'OK', marker);
	writeLock(locks, 'BRAIN_OK', healthy.pid, {account: 'OK'});
	const first = bot(t, 'DUP', marker);
	const second = bot(t, 'DUP', marker);
	writeLock(locks, 'BRAIN_DUP', first.pid, {account: 'DUP'});
	const unlocked = bot(t, 'UNL', marker);
	writeLock(locks, 'BRAIN_STL', deadPid(), {account: 'STL'});

	const result = await once(dir, config, '--json');
	assert.equal(result.code, 2, result.stderr);
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	assert.equal(snapshot.schema, 1);
	assert.equal(snapshot.level, 'crit');
	const state = (id: string) => snapshot.accounts.find(account => account.id === id)?.components[0];
	assert.equal(state('OK')?.state, 'running');
	assert.equal(state('OK')?.processes[0]?.holdsLock, true);
	assert.equal(state('OK')?.processes[0]?.pid, healthy.pid);
	assert.equal(state('DUP')?.state, 'duplicate');
	assert.equal(state('DUP')?.instances, 2);
	assert.deepEqual(state('DUP')?.processes.map(process => process.pid).sort(), [first.pid, second.pid].sort());
	assert.equal(state('UNL')?.state, 'unlocked');
	assert.equal(state('UNL')?.processes[0]?.pid, unlocked.pid);
	assert.equal(state('STL')?.state, 'stale-lock');
	assert.equal(state('STL')?.lock?.verdict, 'stale-dead');
	const codes = snapshot.problems.map(problem => `${problem.level}:${problem.code}:${problem.component}`);
	assert.ok(codes.includes('crit:duplicate:BRAIN_DUP'), codes.join(' '));
	assert.ok(codes.includes('warn:unlocked:BRAIN_UNL'), codes.join(' '));
	assert.ok(codes.includes('warn:stale-lock:BRAIN_STL'), codes.join(' '));
	assert.ok(codes.includes('crit:not-running:BRAIN_STL'), codes.join(' '));
	assert.deepEqual(snapshot.locks.map(lock => lock.verdict).sort(), ['live', 'live', 'stale-dead']);
});

test('--once exits 0 when every component runs once under a live lock', async t => {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const config = writeConfig(dir, marker, ['A', 'B']);
	writeLock(path.join(dir, '.locks'), 'BRAIN_A', bot(t, 'A', marker).pid);
	writeLock(path.join(dir, '.locks'), 'BRAIN_B', bot(t, 'B', marker).pid);
	const result = await once(dir, config);
	assert.equal(result.code, 0, result.stdout + result.stderr);
	assert.match(result.stdout, /OK/);
	for (const line of result.stdout.split('\n')) {
		assert.ok([...line].length <= 80, `line wider than 80 columns: ${line}`);
	}
});

test('--once exits 1 for a copy running without its lock', async t => {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const config = writeConfig(dir, marker, ['A']);
	bot(t, 'A', marker);
	const result = await once(dir, config);
	assert.equal(result.code, 1, result.stdout);
	assert.match(result.stdout, /WARN/);
	assert.match(result.stdout, /BRAIN_A runs as PID \d+ without holding its lock/);
});

test('--once exits 3 for a lock held on another host and nothing worse', async t => {
	const dir = tempDir(t);
	const config = writeConfig(dir, uniqueMarker(), ['A']);
	writeLock(path.join(dir, '.locks'), 'BRAIN_A', 4242, {hostname: 'some-other-vps', bootId: 'x', startToken: '5'});
	const result = await once(dir, config, '--json');
	assert.equal(result.code, 3, result.stdout);
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	assert.equal(snapshot.locks[0]?.verdict, 'remote');
	assert.equal(snapshot.accounts[0]?.components[0]?.state, 'remote');
});

test('without a config, --once groups the locks it finds by account', async t => {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const brain = spawnIdle(t, 'BRAIN_X.py', marker);
	writeLock(path.join(dir, '.locks'), 'BRAIN_X', brain.pid, {account: '555'});
	const result = await runCli(['--once', '--json'], {cwd: dir});
	assert.equal(result.code, 0, result.stdout + result.stderr);
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	assert.equal(snapshot.config, null);
	assert.equal(snapshot.accounts[0]?.id, '555');
	assert.equal(snapshot.accounts[0]?.components[0]?.state, 'running');
});

test('without a config, a stale lock alone exits 1 (WARN), not CRIT', async t => {
	const dir = tempDir(t);
	writeLock(path.join(dir, '.locks'), 'BRAIN_GONE', deadPid(), {account: '555'});
	const result = await runCli(['--once', '--json'], {cwd: dir});
	assert.equal(result.code, 1, result.stdout + result.stderr);
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	assert.equal(snapshot.level, 'warn');
	assert.equal(snapshot.accounts[0]?.components[0]?.state, 'stale-lock');
	assert.deepEqual(snapshot.problems.map(problem => problem.code), ['stale-lock']);
});

test('bad usage and bad config exit 64 with a message, never a stack trace', async t => {
	const dir = tempDir(t);
	const unknownFlag = await runCli(['--once', '--frobnicate'], {cwd: dir});
	assert.equal(unknownFlag.code, 64);
	assert.match(unknownFlag.stderr, /unknown flag --frobnicate/);
	const noValue = await runCli(['--once', '--locks-dir'], {cwd: dir});
	assert.equal(noValue.code, 64, 'a --locks-dir with no value does not quietly watch the current directory');
	assert.match(noValue.stderr, /--locks-dir expects a value/);
	const file = path.join(dir, 'bad.json');
	writeFileSync(file, JSON.stringify({accounts: [{id: 'A', number: '1', components: [{name: 'B', role: 'brain', command: ['x'], match: '('}]}]}));
	const badConfig = await runCli(['--once', '--config', file], {cwd: dir});
	assert.equal(badConfig.code, 64);
	assert.match(badConfig.stderr, /bad\.json: accounts\[0\]\.components\[0\]\.match: expected a valid regular expression/);
	assert.doesNotMatch(badConfig.stderr, /\bat .+:\d+:\d+/);
	const missing = await runCli(['--once', '--config', path.join(dir, 'nope.json')], {cwd: dir});
	assert.equal(missing.code, 64);
	assert.equal(missing.stdout, '');
});

test('--version and --help', async () => {
	const version = await runCli(['--version']);
	assert.equal(version.code, 0);
	assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
	const help = await runCli(['--help']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /--once/);
});
