import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {chmodSync, chownSync, existsSync, mkdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test, {type TestContext} from 'node:test';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {hostFacts, probeProcess} from '../../source/procs/identity.js';
import {pollUntil, spawnIdle, uniqueMarker} from '../helpers/children.js';
import {cliPath, runCli, tempDir, writeLock} from '../helpers/cli.js';

const asRoot = {skip: process.getuid?.() === 0 ? false : 'needs root, to act as another user (uid 65534)'};
const nobody = 65534;
const alive = (pid: number) => probeProcess(pid).state === 'alive';

async function exited(pid: number): Promise<true> {
	return pollUntil(`PID ${pid} to exit`, () => (alive(pid) ? undefined : true), 60_000);
}

/** A `sleep` child that is nobody's bot; killed when the test ends. */
function bystanderSleep(t: TestContext) {
	const child = spawn('sleep', ['infinity'], {stdio: 'ignore'});
	t.after(() => {
		child.kill('SIGKILL');
	});
	return child as typeof child & {pid: number};
}

test('run refuses (exit 75) beside a live bot whose legacy lock has a timestamp from before the boot', async t => {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const bot = spawnIdle(t, 'BRAIN_X.py', marker);
	const config = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(config, JSON.stringify({locksDir: '.locks', accounts: [{id: 'X', number: '1', components: [
		{name: 'BRAIN_X', role: 'brain', command: ['python', 'BRAIN_X.py'], match: String.raw`BRAIN_X\.py ${marker}`},
	]}]}));
	mkdirSync(path.join(dir, '.locks'));
	const beforeBoot = new Date((hostFacts().bootedAt ?? Date.now()) - 36 * 3_600_000).toISOString();
	writeFileSync(path.join(dir, '.locks', 'BRAIN_X.lock'), JSON.stringify({pid: bot.pid, account: 'X', timestamp: beforeBoot}));

	const run = await runCli(['run', 'BRAIN_X', '--config', config, '--', 'sleep', 'infinity'], {cwd: dir});
	assert.equal(run.code, 75, run.stdout + run.stderr);
	assert.match(run.stderr + run.stdout, new RegExp(`PID ${bot.pid}`));
	assert.ok(alive(bot.pid));
	const snapshot = JSON.parse((await runCli(['--once', '--json', '--config', config], {cwd: dir})).stdout) as FleetSnapshot;
	assert.deepEqual([snapshot.locks[0]?.verdict, snapshot.locks[0]?.proof], ['live', 'match']);
});

test('without a config, shutdown --yes leaves a running sleep alone beside a stray sleep.lock whose holder is gone', async t => {
	const dir = tempDir(t);
	const sleeper = bystanderSleep(t);
	await pollUntil('the sleep to exec', () => (probeProcess(sleeper.pid).state === 'alive' && (probeProcess(sleeper.pid) as {command: string | null}).command === 'sleep infinity' ? true : undefined));
	mkdirSync(path.join(dir, '.locks'));
	const stray = path.join(dir, '.locks', 'sleep.lock');
	writeFileSync(stray, '{"pid": 999999999}');
	if (process.getuid?.() === 0) {
		// As the issue found it: another user's stray lock in a shared locks directory.
		chownSync(stray, nobody, nobody);
	}

	const shutdown = await runCli(['shutdown', '--yes'], {cwd: dir});
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, new RegExp(`sleep PID ${sleeper.pid}: not stopped: matched by name only; not stopped without a config`));
	assert.doesNotMatch(shutdown.stdout, /stop sleep PID/);
	assert.ok(alive(sleeper.pid), 'the unrelated sleep still runs');
});

test('without a config, shutdown stops the process its lock record proves by start token, and only that one', async t => {
	const dir = tempDir(t);
	const name = uniqueMarker();
	const holder = spawnIdle(t, name);
	const namesake = spawnIdle(t, name);
	writeLock(path.join(dir, '.locks'), name, holder.pid);

	const shutdown = await runCli(['shutdown', '--yes'], {cwd: dir});
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, new RegExp(`stop ${name} PID ${holder.pid}`));
	assert.match(shutdown.stdout, new RegExp(`${name} PID ${namesake.pid}: not stopped: matched by name only`));
	await exited(holder.pid);
	assert.ok(alive(namesake.pid), 'the namesake, matched by name only, still runs');
	assert.equal(existsSync(path.join(dir, '.locks', `${name}.lock`)), false, 'the holder\'s lock removed once it was gone');
});

test('a lock written by another user naming root\'s process (with its real start token) is unknown: run refuses and shutdown --yes signals nothing', asRoot, async t => {
	const dir = tempDir(t);
	const name = uniqueMarker();
	const victim = spawnIdle(t, name);
	const locks = path.join(dir, '.locks');
	writeLock(locks, name, victim.pid);
	chownSync(path.join(locks, `${name}.lock`), nobody, nobody);

	const snapshot = JSON.parse((await runCli(['--once', '--json'], {cwd: dir})).stdout) as FleetSnapshot;
	const lock = snapshot.locks.find(entry => entry.name === name);
	assert.equal(lock?.verdict, 'unknown');
	assert.equal(lock?.proof, null);
	assert.match(lock?.reason ?? '', new RegExp(`lockfile owned by uid ${nobody} but PID ${victim.pid} runs as uid 0: not trusted`));

	const shutdown = await runCli(['shutdown', '--yes'], {cwd: dir});
	assert.doesNotMatch(shutdown.stdout, /stop .* PID/, shutdown.stdout);
	assert.ok(alive(victim.pid), 'root\'s process still runs');
	const run = await runCli(['run', name, '--', 'sleep', 'infinity'], {cwd: dir});
	assert.equal(run.code, 75, run.stdout + run.stderr);
	assert.ok(existsSync(path.join(locks, `${name}.lock`)), 'the forged lock is not taken over');
});

test('a group- or world-writable locks directory is a WARN problem in --once text and JSON', async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, '.locks');
	mkdirSync(locks);
	chmodSync(locks, 0o777);
	const json = await runCli(['--once', '--json'], {cwd: dir});
	assert.equal(json.code, 1, json.stderr);
	const snapshot = JSON.parse(json.stdout) as FleetSnapshot;
	const problem = snapshot.problems.find(entry => entry.code === 'locks-dir-writable');
	assert.equal(problem?.level, 'warn');
	assert.match(problem?.message ?? '', /group- and world-writable \(mode 0777\)/);
	assert.ok(problem?.message.includes(locks));
	const text = await runCli(['--once'], {cwd: dir});
	assert.equal(text.code, 1);
	assert.match(text.stdout, /locks directory .* is group- and world-writable/);

	chmodSync(locks, 0o755);
	assert.equal((await runCli(['--once'], {cwd: dir})).code, 0);
});

test('a config file others can write to, or another user\'s, is a WARN problem naming it; config check says so too', async t => {
	const dir = tempDir(t);
	const file = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(file, JSON.stringify({accounts: []}));
	chmodSync(file, 0o666);
	const json = await runCli(['--once', '--json'], {cwd: dir});
	assert.equal(json.code, 1, json.stderr);
	const problem = (JSON.parse(json.stdout) as FleetSnapshot).problems.find(entry => entry.code === 'config-writable');
	assert.equal(problem?.level, 'warn');
	assert.equal(problem?.message, `config ${file} is group- and world-writable (mode 0666): someone else can decide what runs and what is stopped; run "chmod go-w ${file}"`);

	chmodSync(file, 0o644);
	assert.equal((await runCli(['--once'], {cwd: dir})).code, 0);
	if (process.getuid?.() === 0) {
		// Root trusts only its own config: one owned by another user is theirs to change.
		chownSync(file, nobody, nobody);
		const foreign = await runCli(['--once'], {cwd: dir});
		assert.equal(foreign.code, 1);
		assert.match(foreign.stdout, /is owned by uid 65534,\s+not by you \(uid 0\)/);
	}

	chmodSync(file, 0o646);
	const check = await runCli(['config', 'check'], {cwd: dir});
	assert.equal(check.code, 0, 'a valid config is still valid');
	assert.match(check.stderr, /warning: config .* is world-writable \(mode 0646\)/);
});

test('run under umask 000 creates the locks directory 0755 and its lockfile 0644', async t => {
	const dir = tempDir(t);
	const locks = path.join(dir, 'fresh', '.locks');
	const name = uniqueMarker();
	const supervisor = spawn('sh', ['-c', `umask 000 && exec "${process.execPath}" "${cliPath}" run ${name} --locks-dir "${locks}" -- sleep infinity`], {cwd: dir, stdio: 'ignore', detached: true});
	const ended = once(supervisor, 'exit');
	t.after(async () => {
		if (supervisor.exitCode === null && supervisor.signalCode === null) {
			process.kill(-supervisor.pid!, 'SIGKILL');
			await ended;
		}
	});
	const lockFile = path.join(locks, `${name}.lock`);
	await pollUntil('the supervisor\'s lock', () => (existsSync(lockFile) ? true : undefined));
	assert.equal(statSync(locks).mode & 0o7777, 0o755);
	assert.equal(statSync(path.dirname(locks)).mode & 0o7777, 0o755);
	assert.equal(statSync(lockFile).mode & 0o7777, 0o644);
	supervisor.kill('SIGTERM');
	await ended;
});
