import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {chownSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {acquire, inspect, release} from '../../source/locks/index.js';
import {pollUntil, spawnIdle, uniqueMarker} from '../helpers/children.js';
import {cliPath, repoRoot, runCli, tempDir} from '../helpers/cli.js';
import {deadPid, startTokenOf, v1Record, writeLock} from '../locks/helpers.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const skip = hasPython ? false : 'python3 is not installed';
const moduleDir = path.join(repoRoot, 'clients', 'python');
const contenderScript = fileURLToPath(new URL('../locks/contender.js', import.meta.url));

/** The same loop as test/locks/contender.ts, through the Python module: "enter/exit PID TOKEN". */
const pythonContender = `
import os, random, sys, time
from fleetdeck_lock import LockHeld, ProcessLock
locks_dir, name, log, stop = sys.argv[1:5]
def write(line):
    with open(log, "a") as f:
        f.write(line + "\\n")
while not os.path.exists(stop):
    lock = ProcessLock(name, locks_dir=locks_dir)
    try:
        lock.acquire()
    except LockHeld:
        time.sleep(0.002 + random.random() * 0.008)
        continue
    write(f"enter {os.getpid()} {lock.token}")
    time.sleep(0.015 + random.random() * 0.03)
    write(f"exit {os.getpid()} {lock.token}")
    if not lock.release():
        write(f"lost {os.getpid()}")
    time.sleep(random.random() * 0.005)
`;

/** One acquire(), reported as JSON; "hold" keeps the lock, heartbeating per stdin line, until stdin closes. */
const pythonOnce = `
import json, os, sys
from fleetdeck_lock import LockHeld, ProcessLock
os.umask(0)  # the module's files must still be 0644
locks_dir, name, mode = sys.argv[1:4]
lock = ProcessLock(name, account="212000584", locks_dir=locks_dir)
try:
    lock.acquire()
except LockHeld as held:
    print(json.dumps({"held": True, "pid": held.pid, "verdict": held.verdict, "message": str(held)}), flush=True)
    sys.exit(0)
print(json.dumps({"held": False, "record": lock.record}), flush=True)
if mode == "hold":
    for line in sys.stdin:
        print(json.dumps({"heartbeat": lock.heartbeat()}), flush=True)
print(json.dumps({"released": lock.release()}), flush=True)
`;

/** Waits for "go" on stdin, acquires, reports, holds until stdin closes, releases. */
const pythonRacer = `
import json, sys
from fleetdeck_lock import LockHeld, ProcessLock
print("ready", flush=True)
sys.stdin.readline()
lock = ProcessLock(sys.argv[2], locks_dir=sys.argv[1])
try:
    lock.acquire()
    print(json.dumps({"acquired": True, "token": lock.token}), flush=True)
except LockHeld as held:
    print(json.dumps({"acquired": False, "verdict": held.verdict}), flush=True)
sys.stdin.read()
lock.release()
`;

/** The operator's bot, with the one import swapped: it runs inside the lock until killed. */
const bot = (name: string, started: string) => `
import os, time
from fleetdeck_lock import ProcessLock
os.umask(0)  # the locks directory and files must still be 0755 and 0644
with ProcessLock(${JSON.stringify(name)}, account="212000584"):
    with open(${JSON.stringify(started)}, "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(1)
`;

type Started = ChildProcess & {pid: number; exited: Promise<number | null>; out: () => string; err: () => string};

function start(t: TestContext, file: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Started {
	const child = spawn(file, args, {cwd: options.cwd, env: {...process.env, PYTHONPATH: moduleDir, ...options.env}, stdio: ['pipe', 'pipe', 'pipe']});
	if (child.pid === undefined) {
		throw new Error(`could not start ${file}`);
	}

	let out = '';
	let err = '';
	child.stdout.on('data', (chunk: Buffer) => {
		out += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		err += chunk.toString();
	});
	const exited = new Promise<number | null>(resolve => {
		child.once('exit', code => {
			resolve(code);
		});
	});
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	return Object.assign(child, {pid: child.pid, exited, out: () => out, err: () => err});
}

function script(dir: string, file: string, text: string): string {
	const target = path.join(dir, file);
	writeFileSync(target, text);
	return target;
}

async function firstLine<T>(child: Started): Promise<T> {
	const line = await pollUntil(`a line from PID ${child.pid} (stderr: ${child.err()})`, () => (child.out().includes('\n') ? child.out().split('\n')[0] : undefined));
	return JSON.parse(line!) as T;
}

/** Replay the shared log: at most one holder at a time, each exit by the holder, tokens strictly rising. */
function checkLog(lines: string[]): Map<number, number> {
	let holder = null as {pid: number; token: number} | null;
	let lastToken = 0;
	const entries = new Map<number, number>();
	for (const [index, line] of lines.entries()) {
		const [event, pidText = '', tokenText = ''] = line.split(' ');
		const where = `log line ${index + 1} "${line}"`;
		const pid = Number(pidText);
		const token = Number(tokenText);
		if (event === 'enter') {
			assert.ok(holder === null, `${where}: PID ${pid} entered while PID ${holder?.pid} held the lock`);
			assert.ok(token > lastToken, `${where}: token ${token} is not above the previous holder's ${lastToken}`);
			lastToken = token;
			holder = {pid, token};
			entries.set(pid, (entries.get(pid) ?? 0) + 1);
		} else if (event === 'exit') {
			assert.deepEqual(holder, {pid, token}, `${where}: exit by a process that was not the holder`);
			holder = null;
		} else {
			assert.fail(`${where}: unexpected event`);
		}
	}

	assert.equal(holder, null, 'the log ends inside the lock');
	return entries;
}

test('Python and Node contenders racing for one NAME: never two holders, tokens only rise', {skip, timeout: 300_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	const log = path.join(dir, 'contention.log');
	const stop = path.join(dir, 'stop');
	const contender = script(dir, 'contender.py', pythonContender);
	const python = Array.from({length: 3}, () => start(t, 'python3', [contender, locks, 'MIXED', log, stop]));
	const node = Array.from({length: 3}, () => start(t, process.execPath, [contenderScript, 'loop', locks, 'MIXED', log, stop]));
	const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
	const entered = (group: Started[]) => {
		const pids = new Set(group.map(child => String(child.pid)));
		return lines().filter(line => line.startsWith('enter ') && pids.has(line.split(' ')[1]!)).length;
	};

	// Stopped by what happened, never by the clock: enough entries from each side.
	await pollUntil('10 acquisitions by Python and 10 by Node', () => (entered(python) >= 10 && entered(node) >= 10 ? true : undefined), 240_000, 50);
	writeFileSync(stop, '');
	for (const child of [...python, ...node]) {
		assert.equal(await child.exited, 0, `contender ${child.pid} failed: ${child.err()}`);
	}

	const entries = checkLog(lines());
	t.diagnostic(`${[...entries.values()].reduce((sum, count) => sum + count, 0)} acquisitions by ${entries.size} processes`);
	assert.equal(await inspect(locks, 'MIXED'), null, 'every holder released its lock');
});

test('a lock whose holder is dead is taken over under the guard, with a token above the dead one\'s', {skip, timeout: 60_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	writeLock(locks, 'STALE', v1Record({name: 'STALE', pid: deadPid(), startToken: '1', token: 41}));
	const child = start(t, 'python3', [script(dir, 'once.py', pythonOnce), locks, 'STALE', 'hold']);
	const result = await firstLine<{held: boolean; record: {pid: number; token: number; account: string}}>(child);
	assert.equal(result.held, false, JSON.stringify(result));
	assert.equal(result.record.pid, child.pid);
	assert.equal(result.record.token, 42);
	assert.equal(result.record.account, '212000584');
	assert.equal(readFileSync(path.join(locks, 'STALE.lock.token'), 'utf8').trim(), '42');
	assert.equal(statSync(path.join(locks, 'STALE.lock')).mode & 0o777, 0o644);
	assert.equal(existsSync(path.join(locks, 'STALE.lock.guard')), false, 'the guard is gone after the takeover');

	// A heartbeat sets heartbeatAt and keeps every other key, unknown ones included.
	const lockFile = path.join(locks, 'STALE.lock');
	writeFileSync(lockFile, JSON.stringify({...JSON.parse(readFileSync(lockFile, 'utf8')) as object, extra: 'kept'}));
	child.stdin!.write('heartbeat\n');
	await pollUntil('the heartbeat', () => (child.out().includes('"heartbeat": true') ? true : undefined));
	const beaten = JSON.parse(readFileSync(lockFile, 'utf8')) as {heartbeatAt: string | null; extra?: string; token: number};
	assert.equal(beaten.extra, 'kept');
	assert.equal(beaten.token, 42);
	assert.ok(beaten.heartbeatAt !== null && Math.abs(Date.parse(beaten.heartbeatAt) - Date.now()) < 60_000, `heartbeatAt ${beaten.heartbeatAt}`);
	assert.equal(statSync(lockFile).mode & 0o777, 0o644);
	assert.equal((await inspect(locks, 'STALE'))?.verdict, 'live');
	child.stdin!.end();
	assert.equal(await child.exited, 0, child.err());
	assert.match(child.out(), /"released": true/);
	assert.equal(existsSync(path.join(locks, 'STALE.lock')), false);
});

test('Python and Node racing to take over one stale lock: exactly one holds it, every round', {skip, timeout: 300_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	const racer = script(dir, 'racer.py', pythonRacer);
	const nodes = Array.from({length: 2}, () => start(t, process.execPath, [contenderScript, 'race', locks, 'RACE']));
	const lineCount = (child: Started) => child.out().split('\n').length - 1;
	const lastLine = (child: Started) => child.out().split('\n').at(-2) ?? '';
	for (let round = 1; round <= 4; round++) {
		const staleToken = round * 100;
		writeLock(locks, 'RACE', v1Record({name: 'RACE', pid: deadPid(), startToken: '1', token: staleToken}));
		const pythons = Array.from({length: 3}, () => start(t, 'python3', [racer, locks, 'RACE']));
		await pollUntil('every racer ready', () => (pythons.every(child => child.out() === 'ready\n') && nodes.every(child => child.out().startsWith('ready\n')) ? true : undefined));
		const nodeLines = nodes.map(lineCount);
		for (const child of [...pythons, ...nodes]) {
			child.stdin!.write(pythons.includes(child) ? 'go\n' : 'acquire\n');
		}

		const results = await pollUntil('every racer\'s answer', () => {
			const answers = [...pythons.map(child => (lineCount(child) >= 2 ? lastLine(child) : '')), ...nodes.map((child, index) => (lineCount(child) > nodeLines[index]! ? lastLine(child) : ''))];
			return answers.every(Boolean) ? answers.map(answer => JSON.parse(answer) as {acquired: boolean; token?: number}) : undefined;
		});
		const winners = results.filter(result => result.acquired);
		assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
		assert.ok((winners[0]!.token ?? 0) > staleToken, `round ${round}: token ${winners[0]!.token} is not above the stale ${staleToken}`);
		for (const child of pythons) {
			child.stdin!.end();
			assert.equal(await child.exited, 0, child.err());
		}

		for (const [index, child] of nodes.entries()) {
			if (results[pythons.length + index]!.acquired) {
				const before = lineCount(child);
				child.stdin!.write('release\n');
				await pollUntil('the Node winner\'s release', () => (lineCount(child) > before ? true : undefined));
			}
		}

		assert.equal(await inspect(locks, 'RACE'), null, `round ${round}: the winner released the lock`);
	}
});

test('proof decides: a reused PID is taken over; an old bot\'s live legacy lock and a symlink are held and left alone', {skip, timeout: 60_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	const once = script(dir, 'once.py', pythonOnce);
	const attempt = async (name: string) => {
		const child = start(t, 'python3', [once, locks, name, 'release']);
		const result = await firstLine<{held: boolean; pid?: number; verdict?: string; message?: string; record?: {token: number}}>(child);
		assert.equal(await child.exited, 0, child.err());
		return result;
	};

	// Alive, but not the process that took the lock: its start token differs.
	const other = spawnIdle(t, uniqueMarker());
	writeLock(locks, 'REUSED', v1Record({name: 'REUSED', pid: other.pid, startToken: '1', token: 7}));
	const reused = await attempt('REUSED');
	assert.equal(reused.held, false, JSON.stringify(reused));
	assert.equal(reused.record?.token, 8);

	// A timestamp is never proof against the live recorded process: years old, no boot id, still held.
	const ancient = spawnIdle(t, uniqueMarker());
	writeLock(locks, 'ANCIENT', v1Record({name: 'ANCIENT', pid: ancient.pid, startToken: startTokenOf(ancient.pid), bootId: null, createdAt: '2016-01-01T00:00:00.000Z', heartbeatAt: '2016-01-01T00:00:00.000Z', token: 3}));
	const kept = await attempt('ANCIENT');
	assert.deepEqual({held: kept.held, pid: kept.pid, verdict: kept.verdict}, {held: true, pid: ancient.pid, verdict: 'live'});

	// The operator's old bot, still running under its old lockfile (no start token: its command line names the lock).
	const oldBot = spawnIdle(t, 'OLDBOT.py', uniqueMarker());
	const legacy = JSON.stringify({pid: oldBot.pid, account: '212000584', timestamp: new Date().toISOString().slice(0, -1), hostname: os.hostname()});
	writeLock(locks, 'OLDBOT', legacy);
	const old = await attempt('OLDBOT');
	assert.deepEqual({held: old.held, pid: old.pid, verdict: old.verdict}, {held: true, pid: oldBot.pid, verdict: 'live'});
	assert.match(old.message ?? '', new RegExp(`^Process lock 'OLDBOT' is held by PID ${oldBot.pid} \\(live: .*names OLDBOT\\)\\. Cannot start duplicate process\\.$`));
	assert.equal(readFileSync(path.join(locks, 'OLDBOT.lock'), 'utf8'), legacy);
	// Written by a Windows tool in UTF-16 long ago: still read, still held (never "unreadable, so stale").
	const oldBot16 = spawnIdle(t, 'OLDBOT16.py', uniqueMarker());
	const legacy16 = writeLock(locks, 'OLDBOT16', Buffer.from(`\uFEFF${JSON.stringify({PID: oldBot16.pid, HostName: os.hostname()})}\r\n`, 'utf16le'));
	utimesSync(legacy16, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
	const old16 = await attempt('OLDBOT16');
	assert.deepEqual({held: old16.held, pid: old16.pid, verdict: old16.verdict}, {held: true, pid: oldBot16.pid, verdict: 'live'});
	writeLock(locks, 'DEADBOT', JSON.stringify({pid: deadPid(), timestamp: new Date().toISOString()}));
	assert.equal((await attempt('DEADBOT')).held, false, 'a legacy lock of a dead PID is taken over');

	const target = path.join(dir, 'elsewhere');
	writeFileSync(target, JSON.stringify(v1Record({name: 'LINKED', pid: deadPid()})));
	symlinkSync(target, path.join(locks, 'LINKED.lock'));
	const linked = await attempt('LINKED');
	assert.equal(linked.held, true);
	assert.equal(linked.verdict, 'unknown');
	assert.ok(lstatSync(path.join(locks, 'LINKED.lock')).isSymbolicLink(), 'the symlink is never removed');
});

test('a bot that acquire()s and exits normally leaves no lock behind, as the bots\' own locks did', {skip, timeout: 60_000}, async t => {
	const dir = tempDir(t);
	const child = start(t, 'python3', ['-c', 'import fleetdeck_lock as f; f.ProcessLock("ATEXIT").acquire(); print("held", flush=True)'], {cwd: dir});
	assert.equal(await child.exited, 0, child.err());
	assert.equal(child.out(), 'held\n');
	assert.equal(readFileSync(path.join(dir, '.locks', 'ATEXIT.lock.token'), 'utf8').trim(), '1', 'it did take the lock');
	assert.equal(existsSync(path.join(dir, '.locks', 'ATEXIT.lock')), false);
});

test('a lock another user wrote naming root\'s live process is not trusted: held, never taken over', {skip: skip || (process.getuid?.() === 0 ? false : 'needs root, to write as another user (uid 65534)'), timeout: 60_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	const victim = spawnIdle(t, uniqueMarker());
	const file = writeLock(locks, 'FORGED', v1Record({name: 'FORGED', pid: victim.pid, startToken: startTokenOf(victim.pid), token: 5}));
	chownSync(file, 65_534, 65_534);
	const child = start(t, 'python3', [script(dir, 'once.py', pythonOnce), locks, 'FORGED', 'release']);
	const result = await firstLine<{held: boolean; pid: number; verdict: string; message: string}>(child);
	assert.deepEqual({held: result.held, pid: result.pid, verdict: result.verdict}, {held: true, pid: victim.pid, verdict: 'unknown'});
	assert.match(result.message, new RegExp(`lockfile owned by uid 65534 but PID ${victim.pid} runs as uid 0: not trusted; treated as held`));
	assert.equal(await child.exited, 0, child.err());
	assert.equal(statSync(file).uid, 65_534, 'the forged lock is left in place');
});

test('a live Node holder: acquire() raises LockHeld, the with-form prints the bots\' message and exits 1', {skip, timeout: 60_000}, async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'locks');
	mkdirSync(locks);
	const ours = await acquire(locks, 'BRAIN_ATLAS');
	assert.ok(ours.acquired);
	const before = readFileSync(path.join(locks, 'BRAIN_ATLAS.lock'));

	const raised = start(t, 'python3', [script(dir, 'once.py', pythonOnce), locks, 'BRAIN_ATLAS', 'release']);
	const result = await firstLine<{held: boolean; pid: number; verdict: string}>(raised);
	assert.deepEqual({held: result.held, pid: result.pid, verdict: result.verdict}, {held: true, pid: process.pid, verdict: 'live'});
	assert.equal(await raised.exited, 0, raised.err());

	const started = path.join(dir, 'started');
	const withForm = start(t, 'python3', [script(dir, 'bot.py', bot('BRAIN_ATLAS', started))], {env: {FLEETDECK_LOCKS_DIR: locks}});
	assert.equal(await withForm.exited, 1, withForm.err());
	assert.match(withForm.err(), new RegExp(`^Process lock 'BRAIN_ATLAS' is held by PID ${process.pid} \\(live: .*\\)\\. Cannot start duplicate process\\.\\n$`));
	assert.equal(withForm.out(), '');
	assert.equal(existsSync(started), false, 'the bot body never ran');
	assert.deepEqual(readFileSync(path.join(locks, 'BRAIN_ATLAS.lock')), before, 'the holder\'s lock is untouched');
	assert.ok((await release(locks, 'BRAIN_ATLAS', ours.record)).released, 'the Node holder still owns its lock');
});

test('a lock the Python module holds is live to fleetdeck locks --json and --once --json', {skip, timeout: 120_000}, async t => {
	const dir = tempDir(t);
	const started = path.join(dir, 'started');
	const holder = start(t, 'python3', [script(dir, 'bot.py', bot('PYBOT', started))], {cwd: dir});
	await pollUntil('the Python bot inside its lock', () => (existsSync(started) ? true : undefined));
	assert.ok(existsSync(path.join(dir, '.locks', 'PYBOT.lock')), 'the default locks dir is ./.locks');
	assert.equal(statSync(path.join(dir, '.locks')).mode & 0o777, 0o755, 'the locks dir is 0755 under umask 000');
	assert.equal(statSync(path.join(dir, '.locks', 'PYBOT.lock')).mode & 0o777, 0o644);
	assert.equal(statSync(path.join(dir, '.locks', 'PYBOT.lock.token')).mode & 0o777, 0o644);

	const locks = await runCli(['locks', '--json'], {cwd: dir});
	assert.equal(locks.code, 0, locks.stderr);
	const views = JSON.parse(locks.stdout) as Array<{name: string; verdict: string; reason: string; proof?: string | null}>;
	assert.deepEqual(views.map(view => [view.name, view.verdict]), [['PYBOT', 'live']], locks.stdout);

	const once = await runCli(['--once', '--json'], {cwd: dir});
	const snapshot = JSON.parse(once.stdout) as FleetSnapshot;
	const lock = snapshot.locks.find(entry => entry.name === 'PYBOT');
	assert.equal(lock?.verdict, 'live', lock?.reason);
	assert.equal(lock?.proof, 'start-token');
	assert.equal(lock?.pid, holder.pid);
});

test('under fleetdeck run with a launcher between the supervisor and the bot, the bot still joins its lock', {skip, timeout: 120_000}, async t => {
	const dir = tempDir(t);
	const started = path.join(dir, 'started');
	const botFile = script(dir, 'bot.py', bot('BRAIN_SH', started));
	// "; true" keeps sh from exec'ing python: the recorded child is the shell, the bot its child.
	const supervisor = start(t, process.execPath, [cliPath, 'run', 'BRAIN_SH', '--restart', 'never', '--', 'sh', '-c', `python3 ${botFile}; true`], {cwd: dir});
	let group = 0;
	t.after(() => {
		// The launcher leads the bot's process group: kill it if the test failed before SIGTERM.
		if (group > 0) {
			try {
				process.kill(-group, 'SIGKILL');
			} catch {}
		}
	});
	const botPid = await pollUntil(`the bot inside its lock (supervisor stderr: ${supervisor.err()})`, () => (existsSync(started) ? Number(readFileSync(started, 'utf8')) : undefined));
	const record = JSON.parse(readFileSync(path.join(dir, '.locks', 'BRAIN_SH.lock'), 'utf8')) as {pid: number; child: {pid: number} | null};
	group = record.child?.pid ?? 0;
	assert.equal(record.pid, supervisor.pid);
	assert.notEqual(record.child?.pid, botPid, 'the recorded child is the launcher, not the bot');
	const exited = once(supervisor, 'exit');
	supervisor.kill('SIGTERM');
	await exited;
	assert.equal(existsSync(path.join(dir, '.locks', 'BRAIN_SH.lock')), false);
});

test('under fleetdeck run the bot joins the supervisor\'s lock; a hand-started copy exits 1; SIGTERM frees the lock', {skip, timeout: 120_000}, async t => {
	const dir = tempDir(t);
	const started = path.join(dir, 'started');
	const botFile = script(dir, 'bot.py', bot('BRAIN_RUN', started));
	const lockFile = path.join(dir, '.locks', 'BRAIN_RUN.lock');
	const supervisor = start(t, process.execPath, [cliPath, 'run', 'BRAIN_RUN', '--restart', 'never', '--', 'python3', botFile], {cwd: dir});
	t.after(() => {
		// The bot runs in its own process group: kill that too if the test failed before SIGTERM.
		const pid = existsSync(started) ? Number(readFileSync(started, 'utf8')) : 0;
		if (pid > 0) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {}
		}
	});
	const botPid = await pollUntil(`the bot inside its lock (supervisor stderr: ${supervisor.err()})`, () => (existsSync(started) ? Number(readFileSync(started, 'utf8')) : undefined));
	const record = await pollUntil('the supervisor recording its child', () => {
		const current = JSON.parse(readFileSync(lockFile, 'utf8')) as {pid: number; token: number; child: {pid: number} | null; supervisor?: {state: string}};
		return current.child === null ? undefined : current;
	});
	assert.equal(record.pid, supervisor.pid, 'the lock stays the supervisor\'s');
	assert.equal(record.child?.pid, botPid);
	assert.equal(supervisor.exitCode, null, `the supervisor still runs: ${supervisor.err()}`);
	const judged = await inspect(path.join(dir, '.locks'), 'BRAIN_RUN');
	assert.equal(judged?.verdict, 'live', judged?.reason);

	const copy = start(t, 'python3', [botFile, 'copy'], {cwd: dir});
	assert.equal(await copy.exited, 1, copy.err());
	assert.match(copy.err(), new RegExp(`^Process lock 'BRAIN_RUN' is held by PID ${supervisor.pid} \\(live: .*\\)\\. Cannot start duplicate process\\.\\n$`));
	// The supervisor's variables alone do not make a process its bot: it must descend from the child.
	const forged = start(t, 'python3', [botFile, 'forged'], {cwd: dir, env: {FLEETDECK_LOCK_NAME: 'BRAIN_RUN', FLEETDECK_LOCK_TOKEN: String(record.token)}});
	assert.equal(await forged.exited, 1, forged.err());
	assert.match(forged.err(), /Cannot start duplicate process/);
	assert.equal(Number(readFileSync(started, 'utf8')), botPid, 'no copy ran the bot body');
	assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as {pid: number}).pid, supervisor.pid);

	const exited = once(supervisor, 'exit');
	supervisor.kill('SIGTERM');
	await exited;
	assert.equal(existsSync(lockFile), false, `the supervisor released its lock: ${supervisor.err()}`);
	assert.equal(existsSync(path.join(dir, '.locks', 'BRAIN_RUN.lock.guard')), false);
});
