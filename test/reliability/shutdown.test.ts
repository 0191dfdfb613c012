/**
 * Shutdown under the conditions that get the wrong process killed: a PID reused in the middle of
 * a stop, a bot that ignores SIGTERM under its supervisor, a bot that daemonizes, and a bot that
 * belongs to another user.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {posixControl} from '../../source/procs/platform/posix-signals.js';
import type {ProcessSignals, SignalOutcome} from '../../source/runtime/ports.js';
import {stopInstance} from '../../source/control/stop.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {openJournal} from '../../source/journal/index.js';
import {readProcessTable} from '../../source/procs/index.js';
import {cli, cliPath, component, isAlive, pollUntil, spawnBot, startRun, startTokenOf, tempFleet, type TempFleet} from '../control/fleet-fixture.js';

const daemonizeScript = fileURLToPath(new URL('daemonize.js', import.meta.url));
const linuxOnly = process.platform === 'linux' ? false : 'needs /proc';

function oneBrain(t: Parameters<typeof tempFleet>[0], ...flags: string[]): TempFleet {
	return tempFleet(t, bot => ({
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1', ...flags), {restart: 'never'})]}],
	}));
}

/** A process no test should ever signal: it must outlive every test here. */
function bystander(t: Parameters<typeof tempFleet>[0]): {pid: number; startToken: string} {
	const child = spawn('sleep', ['infinity'], {stdio: 'ignore', detached: true});
	t.after(() => {
		child.kill('SIGKILL');
	});
	return {pid: child.pid!, startToken: startTokenOf(child.pid!)};
}

test('a PID reused in the middle of a stop: the new owner is never signalled, the rest of the tree is still killed', {skip: linuxOnly, timeout: 300_000}, async t => {
	const fleet = oneBrain(t);
	// The bot exits 0.2 s after SIGTERM; its forked child never gets SIGTERM and must be escalated.
	const bot = spawnBot(fleet.bot('BRAIN_T1', '--term-delay', '0.2', '--fork'));
	const forked = await pollUntil('the fork', () => fleet.starts('BRAIN_T1').find(start => start.forked));
	const reuser = bystander(t);
	const botToken = startTokenOf(bot.pid);

	// The kernel reuses the bot's PID for `reuser` the moment the bot dies: every call naming the
	// bot's PID then reaches the reuser, as it would after a real wrap-around of the PID space.
	const signalled: Array<{pid: number; how: string}> = [];
	const reused = (pid: number) => pid === bot.pid && !isAlive(bot.pid);
	const real = (pid: number) => (reused(pid) ? reuser.pid : pid);
	const control: ProcessSignals = {
		async probe(pid) {
			return reused(pid) ? {state: 'alive', pid, startToken: reuser.startToken, command: 'sleep infinity', startedAt: null, uid: null} : posixControl.probe(pid);
		},
		leadsGroup: pid => posixControl.leadsGroup(real(pid)),
		async requestStop(pid, signal): Promise<SignalOutcome> {
			signalled.push({pid: real(pid), how: signal});
			const sent = await posixControl.requestStop(real(pid), signal);
			// The bot's own 0.2 s exit must happen inside the 1.5 s stop wait however slow the
			// machine: the stop goes on once it is dead (and its PID reused), never before.
			if (pid === bot.pid) {
				await pollUntil('the bot to exit on SIGTERM', () => (isAlive(bot.pid) ? undefined : true), 60_000, 10);
			}

			return sent;
		},
		async forceKill(pid, group): Promise<SignalOutcome> {
			signalled.push({pid: real(pid), how: group ? 'SIGKILL group' : 'SIGKILL'});
			return posixControl.forceKill(real(pid), group);
		},
		signalGroup: (pid, signal) => posixControl.signalGroup(real(pid), signal),
		groupAlive: pid => posixControl.groupAlive(real(pid)),
	};

	const journal = openJournal(path.join(fleet.dir, 'journal.db'));
	t.after(() => {
		journal.close();
	});
	const progress: string[] = [];
	const report = await stopInstance(
		{component: 'BRAIN_T1', account: 'T1', pid: bot.pid, startToken: botToken, pids: [bot.pid, forked.pid], why: 'component', lock: null, stopSignal: 'SIGTERM', stopTimeoutSeconds: 1.5},
		{control, readTable: readProcessTable, journal, locksDir: fleet.locksDir, context: {}, pollMs: 50},
		(_status, message) => progress.push(message),
	);
	assert.equal(report.ok, true, report.message);
	assert.deepEqual(signalled.filter(entry => entry.pid === reuser.pid), [], `the reuser was signalled: ${JSON.stringify(signalled)}`);
	assert.deepEqual(signalled.map(entry => entry.pid).sort(), [bot.pid, forked.pid].sort(), JSON.stringify(signalled));
	assert.equal(isAlive(reuser.pid), true);
	assert.equal(startTokenOf(reuser.pid), reuser.startToken);
	assert.equal(isAlive(forked.pid), false, 'the forked child was killed');
});

test('a supervised bot that ignores SIGTERM: shutdown escalates, the lock is released, nothing else is touched', {skip: linuxOnly, timeout: 300_000}, async t => {
	const fleet = oneBrain(t, '--ignore-term');
	const other = bystander(t);
	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1', '--ignore-term'), ['--account', 'T1']);
	await pollUntil('the supervised bot', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? true : undefined));
	const botPid = await pollUntil('the bot', () => fleet.starts('BRAIN_T1')[0]?.pid);

	const shutdown = await cli(fleet, ['shutdown', 'T1', '--yes', '--timeout', '2', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	await pollUntil('the supervisor to exit', () => (isAlive(supervisor.pid) ? undefined : true));
	assert.equal(isAlive(botPid), false, 'the bot is gone');
	assert.equal(fleet.lock('BRAIN_T1'), null, 'the lock is released');
	assert.equal(isAlive(other.pid), true);
	const once = await cli(fleet, ['--once', '--json', '--config', fleet.configFile]);
	const brain = (JSON.parse(once.stdout) as FleetSnapshot).accounts[0]!.components[0]!;
	assert.deepEqual([brain.state, brain.instances, brain.lock], ['stopped', 0, null]);
});

test('a bot that daemonizes under its supervisor: the orphaned grandchild is seen (never "stopped"), and shutdown stops it and only it', {skip: linuxOnly, timeout: 300_000}, async t => {
	const fleet = tempFleet(t, bot => ({
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', [process.execPath, daemonizeScript, path.join('daemon.pid'), ...bot('BRAIN_T1')], {restart: 'never'})]}],
	}));
	const other = bystander(t);
	const command = [process.execPath, daemonizeScript, path.join(fleet.dir, 'daemon.pid'), ...fleet.bot('BRAIN_T1')];
	const supervisor = startRun(fleet, 'BRAIN_T1', command, ['--account', 'T1']);
	const daemon = await pollUntil('the daemon', () => fleet.starts('BRAIN_T1')[0]?.pid);
	assert.equal(Number(readFileSync(path.join(fleet.dir, 'daemon.pid'), 'utf8')), daemon);
	// Its parent exited 0 at once: with restart "never" the supervisor is done and lets go of the lock.
	await pollUntil('the supervisor to exit', () => (isAlive(supervisor.pid) ? undefined : true));
	assert.equal(isAlive(daemon), true);

	const once = await cli(fleet, ['--once', '--json', '--config', fleet.configFile]);
	const brain = (JSON.parse(once.stdout) as FleetSnapshot).accounts[0]!.components[0]!;
	assert.notEqual(brain.state, 'stopped', 'a running daemon must never read as stopped (a second launch would duplicate it)');
	assert.deepEqual(brain.processes.map(entry => entry.pid), [daemon], JSON.stringify(brain));
	assert.equal(once.code === 0, false, `a daemon running outside its lock is not OK: ${brain.state}`);

	const shutdown = await cli(fleet, ['shutdown', 'T1', '--yes', '--timeout', '2', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, new RegExp(`PID ${daemon}`));
	assert.equal(isAlive(daemon), false);
	assert.equal(isAlive(other.pid), true);
});

const asNobody = (() => {
	if (process.platform !== 'linux' || process.getuid?.() !== 0) {
		return {skip: 'needs root to run fleetdeck as another user (nobody)'};
	}

	const probe = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, '-e', '0']);
	return probe.status === 0 ? {skip: false as const} : {skip: `setpriv cannot switch to nobody here: ${probe.stderr?.toString().trim() || probe.error?.message}`};
})();

test('a bot owned by another user: fleetdeck sees it, its signal is refused, the failure is reported, the bot and its lock survive', {skip: asNobody.skip, timeout: 300_000}, async t => {
	const fleet = oneBrain(t, '--ignore-term');
	// The operator (nobody) may read and write the fleet's files, but the bot belongs to root.
	for (const dir of [fleet.dir, fleet.locksDir]) {
		chmodSync(dir, 0o777);
	}

	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'), ['--account', 'T1']);
	await pollUntil('the supervised bot', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? true : undefined));
	const botPid = await pollUntil('the bot', () => fleet.starts('BRAIN_T1')[0]?.pid);
	const run = (args: string[]) => new Promise<{code: number | null; out: string}>(resolve => {
		const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, cliPath, ...args, '--config', fleet.configFile], {cwd: fleet.dir, stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		child.stdout.on('data', chunk => {
			out += String(chunk);
		});
		child.stderr.on('data', chunk => {
			out += String(chunk);
		});
		child.on('close', code => resolve({code, out}));
	});

	const once = await run(['--once', '--json']);
	const brain = (JSON.parse(once.out) as FleetSnapshot).accounts[0]!.components[0]!;
	assert.equal(brain.state, 'running', once.out);

	const shutdown = await run(['shutdown', 'T1', '--yes', '--timeout', '1']);
	assert.notEqual(shutdown.code, 0, `shutdown claimed success against another user's process: ${shutdown.out}`);
	// Reported as failed, naming the PIDs and why: the signals were not permitted.
	assert.match(shutdown.out, new RegExp(`failed .*BRAIN_T1.*PIDs? .*${botPid}`), shutdown.out);
	assert.match(shutdown.out, /EPERM: not permitted \(the process belongs to another user/, shutdown.out);
	assert.equal(isAlive(supervisor.pid), true, 'the supervisor was not killed');
	assert.equal(isAlive(botPid), true, 'the bot was not killed');
	assert.equal(fleet.lock('BRAIN_T1')?.pid, supervisor.pid, 'its live lock was not removed');
});
