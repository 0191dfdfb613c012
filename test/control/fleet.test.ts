import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {loadConfig} from '../../source/config/index.js';
import {createController} from '../../source/control/controller.js';
import {formatLaunchTable} from '../../source/control/format.js';
import {planLaunch} from '../../source/control/plan.js';
import {gatherSnapshot} from '../../source/fleet/gather.js';
import {openJournal} from '../../source/journal/index.js';
import {posixControl} from '../../source/procs/platform/posix-signals.js';
import {stopInstance} from '../../source/control/stop.js';
import {buildRecord, serializeRecord} from '../../source/locks/record.js';
import {hostFacts} from '../../source/procs/identity.js';
import {readProcessTable} from '../../source/procs/index.js';
import {cli, cliPath, component, isAlive, pidsWith, pollUntil, spawnBot, startRun, startTokenOf, tempFleet, type TempFleet} from './fleet-fixture.js';

function smallFleet(t: Parameters<typeof tempFleet>[0], brainFlags: string[] = []): TempFleet {
	return tempFleet(t, bot => ({
		services: [component('svc_T', 'service', bot('svc_T'))],
		accounts: [{id: 'T1', number: '1', components: [
			component('BRAIN_T1', 'brain', bot('BRAIN_T1', ...brainFlags)),
			component('WATCHDOG_T1', 'watchdog', bot('WATCHDOG_T1', '--term-delay', '0.2')),
		]}],
	}));
}

test('launch starts services, then watchdogs, then brains, detached; a second launch starts nothing; shutdown stops them all', async t => {
	const fleet = smallFleet(t, ['--fork']);
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	assert.equal(launched.stdout.match(/ started /g)?.length, 3, launched.stdout);

	const created = ['svc_T', 'WATCHDOG_T1', 'BRAIN_T1'].map(name => Date.parse(fleet.lock(name)?.createdAt ?? ''));
	assert.ok(created[0]! < created[1]! && created[1]! < created[2]!, `locks taken in order: ${created.join(', ')}`);
	for (const name of ['svc_T', 'WATCHDOG_T1', 'BRAIN_T1']) {
		const lock = fleet.lock(name);
		assert.equal(lock?.supervisor?.state, 'running');
		assert.equal(isAlive(lock?.pid ?? 0), true, `${name}'s supervisor outlived the launch command`);
	}

	const again = await cli(fleet, ['launch', 'T1', '--config', fleet.configFile]);
	assert.equal(again.code, 0, again.stdout);
	assert.equal(again.stdout.match(/already running/g)?.length, 4, again.stdout);
	assert.equal(fleet.starts('BRAIN_T1').filter(start => !start.forked).length, 1, 'no second brain');
	assert.equal(fleet.starts('WATCHDOG_T1').length, 1, 'no second watchdog');

	const unknown = await cli(fleet, ['launch', 'NOPE', '--config', fleet.configFile]);
	assert.equal(unknown.code, 64);

	const shutdown = await cli(fleet, ['shutdown', '--yes', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, /open trades are not touched; fleetdeck never contacts the broker/);
	const order = ['BRAIN_T1', 'WATCHDOG_T1', 'svc_T'].map(name => shutdown.stdout.indexOf(`stop ${name} PID`));
	assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, 'brains, then watchdogs, then services');
	await pollUntil('every fleet process to be gone', () => (pidsWith(fleet.marker).filter(isAlive).length === 0 ? true : undefined), 60_000);
	for (const name of ['svc_T', 'WATCHDOG_T1', 'BRAIN_T1']) {
		assert.equal(fleet.lock(name), null, `${name}.lock released`);
	}
});

test('shutdown without a terminal and without --yes refuses and signals nothing', async t => {
	const fleet = smallFleet(t);
	const bot = spawnBot(fleet.bot('BRAIN_T1'));
	await pollUntil('the bot', () => (fleet.starts('BRAIN_T1').length > 0 ? true : undefined));
	const refused = await cli(fleet, ['shutdown', 'T1', '--config', fleet.configFile]);
	assert.equal(refused.code, 64);
	assert.match(refused.stderr, /--yes/);
	assert.equal(isAlive(bot.pid), true);
});

for (const detached of [false, true]) {
	test(`shutdown escalates a bot that ignores SIGTERM and kills its grandchild (${detached ? 'group leader: group kill' : 'not a group leader: each PID'})`, async t => {
		const fleet = smallFleet(t);
		const bot = spawnBot(fleet.bot('BRAIN_T1', '--ignore-term', '--fork'), detached);
		const forked = await pollUntil('the fork', () => fleet.starts('BRAIN_T1').find(start => start.forked));
		// The bot ignores SIGTERM, so the whole timeout is waited out whatever its length: 5 s, not 1,
		// so that on a loaded machine the wait still starts (and says so) before the timeout is over.
		// (stopInstance reads the real clock: the work before its first look can eat a short timeout.)
		const shutdown = await cli(fleet, ['shutdown', 'T1', '--yes', '--timeout', '5', '--config', fleet.configFile]);
		assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
		assert.match(shutdown.stdout, /running without its lock/);
		assert.match(shutdown.stdout, /waiting for BRAIN_T1 PID \d+ \(\d+ s of 5 s\)/);
		assert.equal(isAlive(bot.pid), false);
		assert.equal(isAlive(forked.pid), false, 'the grandchild is gone too');
		const events = fleet.events('BRAIN_T1');
		const kinds = events.map(event => event.kind);
		assert.ok(kinds.includes('stop.requested') && kinds.includes('stop.escalated') && kinds.includes('stop.confirmed'), kinds.join(', '));
		const escalated = events.find(event => event.kind === 'stop.escalated')?.message ?? '';
		assert.match(escalated, new RegExp(detached ? `group ${bot.pid}` : `PID ${bot.pid}`), escalated);
	});
}

test('a lock whose PID was reused by an unrelated process is cleared without signalling that process', async t => {
	const fleet = smallFleet(t);
	const unrelated = spawn('sleep', ['infinity'], {stdio: 'ignore'});
	t.after(() => {
		unrelated.kill('SIGKILL');
	});
	const pid = unrelated.pid ?? 0;
	await pollUntil('sleep to run', () => (isAlive(pid) ? true : undefined));
	const token = startTokenOf(pid);
	const record = buildRecord({name: 'BRAIN_T1', holder: {pid, startToken: String(Number(token) + 1)}, host: hostFacts(), token: 4, account: 'T1', command: 'fleetdeck run BRAIN_T1 -- python BRAIN_T1.py', child: null, now: Date.now()});
	writeFileSync(path.join(fleet.locksDir, 'BRAIN_T1.lock'), serializeRecord(record));

	const shutdown = await cli(fleet, ['shutdown', 'T1', '--yes', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, /remove stale lock BRAIN_T1 \(stale-reused\)/);
	assert.equal(fleet.lock('BRAIN_T1'), null, 'the stale lock is gone');
	assert.equal(isAlive(pid), true, 'the unrelated process was not signalled');
	assert.equal(startTokenOf(pid), token);

	// The same when the PID is reused between the plan and the signal: the target is not signalled.
	const journal = openJournal(path.join(fleet.dir, '.fleetdeck/journal.db'));
	t.after(() => {
		journal.close();
	});
	const report = await stopInstance(
		{component: 'BRAIN_T1', account: 'T1', pid, startToken: String(Number(token) + 1), pids: [pid], why: 'component', lock: 'BRAIN_T1', stopSignal: 'SIGTERM', stopTimeoutSeconds: 1},
		{control: posixControl, readTable: readProcessTable, journal, locksDir: fleet.locksDir, context: {}},
		() => {},
	);
	assert.equal(report.ok, true);
	assert.match(report.message, /reused/);
	assert.equal(isAlive(pid), true);
});

test('stop-duplicates keeps the lock holder and stops the other copy', async t => {
	const fleet = smallFleet(t);
	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'), ['--account', 'T1']);
	const lock = await pollUntil('the holder', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? fleet.lock('BRAIN_T1') : undefined));
	const duplicate = spawnBot(fleet.bot('BRAIN_T1'));
	await pollUntil('the duplicate', () => (fleet.starts('BRAIN_T1').length === 2 ? true : undefined));

	const stopped = await cli(fleet, ['stop-duplicates', 'T1', '--yes', '--config', fleet.configFile]);
	assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
	assert.match(stopped.stdout, new RegExp(`keep BRAIN_T1 PID ${supervisor.pid}`));
	await pollUntil('the duplicate to be gone', () => (isAlive(duplicate.pid) ? undefined : true));
	assert.equal(isAlive(supervisor.pid), true);
	assert.equal(isAlive(lock?.child?.pid ?? 0), true);
	assert.equal(fleet.lock('BRAIN_T1')?.pid, supervisor.pid);
});

test('a launch that loses the race for the lock to another supervisor reports "already running", not a failure', async t => {
	const fleet = smallFleet(t);
	// The plan saw no lock; meanwhile another launch's supervisor took it.
	const config = loadConfig({config: fleet.configFile, cwd: fleet.dir});
	const plan = planLaunch(await gatherSnapshot(config), {accounts: ['T1']});
	assert.ok(plan.steps.some(step => step.kind === 'launch' && step.target.component === 'BRAIN_T1'));
	const other = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'), ['--account', 'T1']);
	await pollUntil('the other supervisor', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? true : undefined));

	const journal = openJournal(path.join(fleet.dir, '.fleetdeck/journal.db'));
	t.after(() => {
		journal.close();
	});
	const result = await createController(config, {journal, cliPath}).execute(plan);
	const brain = result.steps.find(step => step.id === 'launch:BRAIN_T1');
	assert.equal(brain?.status, 'skipped', brain?.message);
	assert.match(brain?.message ?? '', new RegExp(`already running .*PID ${other.pid}`));
	assert.equal(result.ok, true, JSON.stringify(result.steps));
	assert.match(formatLaunchTable(plan, result), /BRAIN_T1\s+already running/);
	assert.equal(fleet.lock('BRAIN_T1')?.pid, other.pid, 'the lock stays with its holder');
	assert.equal(fleet.starts('BRAIN_T1').length, 1, 'no second brain');
});
