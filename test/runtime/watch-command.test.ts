import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {watcherLockName} from '../../source/config/index.js';
import type {ReportJson} from '../../source/journal/types.js';
import {pollUntil, spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, writeLock} from '../helpers/cli.js';
import {fleetChangesIn, history, samples, startBot, startStatusServer, startWatcher, stopChild, watchFleet, type WatchFleet} from './watch-fixture.js';

const lockFile = (fleet: WatchFleet) => path.join(fleet.locksDir, `${watcherLockName}.lock`);
const holderPid = (fleet: WatchFleet) => (JSON.parse(readFileSync(lockFile(fleet), 'utf8')) as {pid: number}).pid;

/** Waits until the journal holds every one of `changes`, then for two more status polls, and returns the fleet changes then journaled. */
async function settledChanges(fleet: WatchFleet, changes: string[]): Promise<string[]> {
	await pollUntil(`the journal to hold ${changes.join(', ')}`, async () => {
		const seen = fleetChangesIn(await history(fleet));
		return changes.every(change => seen.includes(change)) ? true : undefined;
	});
	// Samples count the writer's status polls: two more (a dozen polls of the fleet), and a change
	// journaled twice would show.
	const polls = samples(fleet).length;
	await pollUntil('two more status polls', () => (samples(fleet).length >= polls + 2 ? true : undefined));
	return fleetChangesIn(await history(fleet));
}

const count = (changes: string[], change: string) => changes.filter(each => each === change).length;

test('with no deck open, a real fleetdeck watch journals a duplicate, a stale lock and a health change, each once', async t => {
	const status = await startStatusServer(t);
	const fleet = watchFleet(t, status.url);
	startBot(t, fleet, 'BRAIN_ATLAS');
	const holder = spawnIdle(t, uniqueMarker());
	writeLock(fleet.locksDir, 'WATCHDOG_ATLAS', holder.pid, {account: 'ATLAS'});

	const watcher = startWatcher(t, fleet);
	await pollUntil('the watcher to hold the writer lock', () => (/holding fleetdeck-watch\.lock/.test(watcher.stderr()) ? true : undefined));
	assert.equal(holderPid(fleet), watcher.child.pid);
	await pollUntil('a poll that saw ATLAS connected', () => (samples(fleet).some(sample => sample.connection === 'ok') ? true : undefined));
	const before = fleetChangesIn(await history(fleet));
	assert.deepEqual(before.filter(change => !change.startsWith('health.changed service')), [], 'nothing to record yet (the lone brain holds no lock: only its service level)');

	status.connection = 'disconnected';
	startBot(t, fleet, 'BRAIN_ATLAS');
	assert.equal(await stopChild(holder, 'SIGKILL'), 'SIGKILL');
	const changes = await settledChanges(fleet, ['duplicate.seen BRAIN_ATLAS', 'lock.stale WATCHDOG_ATLAS', 'health.changed connection ok→down']);
	for (const change of ['duplicate.seen BRAIN_ATLAS', 'lock.stale WATCHDOG_ATLAS', 'health.changed connection ok→down']) {
		assert.equal(count(changes, change), 1, `${change} once in:\n${changes.join('\n')}`);
	}

	assert.match(watcher.stdout(), /duplicate\.seen ATLAS\/BRAIN_ATLAS 2 copies of BRAIN_ATLAS are running/, 'journaled changes are printed');
	const report = await runCli(['report', '--since', '1h', '--json'], {cwd: fleet.dir});
	const brain = (JSON.parse(report.stdout) as ReportJson).components.find(row => row.component === 'BRAIN_ATLAS');
	assert.equal(brain?.duplicatesSeen, 1, `the weekly report counts the duplicate nobody watched: ${report.stdout}`);
	assert.equal(await stopChild(watcher.child, 'SIGTERM'), 0);
	assert.equal(existsSync(lockFile(fleet)), false, 'the writer lock is released on exit');
	const released = (await history(fleet)).filter(event => event.kind === 'lock.released' && event.component === watcherLockName);
	assert.match(released.at(-1)?.message ?? '', /released by the watcher/);
});

test('a watcher that starts records the state it finds once, and --once never journals', async t => {
	const status = await startStatusServer(t);
	status.connection = 'disconnected';
	const fleet = watchFleet(t, status.url);
	startBot(t, fleet, 'BRAIN_ATLAS');
	startBot(t, fleet, 'BRAIN_ATLAS');
	const gone = spawn(process.execPath, ['-e', '']);
	await new Promise(resolve => gone.once('exit', resolve));
	writeLock(fleet.locksDir, 'WATCHDOG_ATLAS', gone.pid!, {account: 'ATLAS', startToken: '1'});
	await pollUntil('both copies to be seen', async () => {
		const once = await runCli(['--once', '--json'], {cwd: fleet.dir});
		return once.stdout.includes('"duplicate"') ? true : undefined;
	});

	const found = await runCli(['--once'], {cwd: fleet.dir});
	assert.equal(found.code, 2, found.stdout);
	assert.match(found.stdout, /duplicate/);
	assert.deepEqual(fleetChangesIn(await history(fleet)), [], '--once journals nothing');

	const watcher = startWatcher(t, fleet);
	const changes = await settledChanges(fleet, ['duplicate.seen BRAIN_ATLAS', 'lock.stale WATCHDOG_ATLAS', 'health.changed connection unknown→down']);
	for (const change of ['duplicate.seen BRAIN_ATLAS', 'lock.stale WATCHDOG_ATLAS', 'health.changed connection unknown→down']) {
		assert.equal(count(changes, change), 1, `${change} once in:\n${changes.join('\n')}`);
	}

	assert.equal(await stopChild(watcher.child, 'SIGINT'), 0);
	assert.equal(existsSync(lockFile(fleet)), false);
});

test('a second watcher stands by, naming the holder, and takes over when the first stops on SIGHUP', async t => {
	const status = await startStatusServer(t);
	const fleet = watchFleet(t, status.url);
	const first = startWatcher(t, fleet);
	await pollUntil('the first watcher to hold the lock', () => (/holding/.test(first.stderr()) ? true : undefined));
	const second = startWatcher(t, fleet);
	await pollUntil('the second watcher to stand by', () => (/standing by/.test(second.stderr()) ? true : undefined));
	assert.match(second.stderr(), new RegExp(`fleetdeck-watch\\.lock is held by PID ${first.child.pid} on `));
	assert.equal(holderPid(fleet), first.child.pid);

	assert.equal(await stopChild(first.child, 'SIGHUP'), 0);
	await pollUntil('the second watcher to take over', () => (/holding/.test(second.stderr()) ? true : undefined));
	assert.equal(holderPid(fleet), second.child.pid);
	assert.equal(await stopChild(second.child, 'SIGTERM'), 0);
	assert.equal(existsSync(lockFile(fleet)), false);
});

test('a watcher killed outright leaves a stale writer lock, which the next one takes over on proof, journaling the clearing and not the litter', async t => {
	const status = await startStatusServer(t);
	const fleet = watchFleet(t, status.url);
	const killed = startWatcher(t, fleet);
	await pollUntil('the first watcher to hold the lock', () => (/holding/.test(killed.stderr()) ? true : undefined));
	assert.equal(await stopChild(killed.child, 'SIGKILL'), 'SIGKILL');
	assert.equal(holderPid(fleet), killed.child.pid, 'SIGKILL left the lock behind');

	const next = startWatcher(t, fleet);
	await pollUntil('the next watcher to take over', () => (/holding/.test(next.stderr()) ? true : undefined));
	assert.equal(holderPid(fleet), next.child.pid);
	const events = await history(fleet);
	const cleared = events.filter(event => event.kind === 'lock.cleared' && event.component === watcherLockName);
	assert.equal(cleared.length, 1);
	assert.match(cleared[0]?.message ?? '', new RegExp(`the watcher \\(PID ${next.child.pid}\\) taking it over removed fleetdeck-watch\\.lock \\(stale-dead: PID ${killed.child.pid}`));
	assert.deepEqual(events.filter(event => event.kind === 'lock.stale'), [], 'the lock it took over is not journaled as stale');
	assert.equal(await stopChild(next.child, 'SIGTERM'), 0);
});

test('watch takes no arguments', async () => {
	const result = await runCli(['watch', 'ATLAS']);
	assert.equal(result.code, 64);
	assert.match(result.stderr, /watch takes no arguments, got "ATLAS"/);
});

test('run refuses the writer lock\'s name: a supervisor holding it would silence the fleet\'s history', async () => {
	const result = await runCli(['run', 'fleetdeck-watch', '--', process.execPath, '-e', '']);
	assert.equal(result.code, 64);
	assert.match(result.stderr, /"fleetdeck-watch" is the lock of fleetdeck's own watcher/);
});
