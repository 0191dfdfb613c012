import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {chownSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {acquire, createLocksDir, inspect, release} from '../../source/locks/index.js';
import {hostFacts} from '../../source/procs/identity.js';
import {pollUntil} from '../helpers/children.js';
import {deadPid, spawnSleep, startTokenOf, tempLocksDir, v1Record, writeLock} from './helpers.js';

/** Cases that need a second user: root makes `nobody`'s files and processes. CI runs as root. */
const asRoot = {skip: process.getuid?.() === 0 ? false : 'needs root, to act as another user (uid 65534)'};
const nobody = 65534;

/** A `sleep` running as `nobody`, with extra environment; killed when the test ends. */
function nobodySleep(t: TestContext, env: NodeJS.ProcessEnv = {}) {
	const child = spawn('sleep', ['infinity'], {stdio: 'ignore', uid: nobody, gid: nobody, env: {PATH: process.env.PATH, ...env}});
	t.after(() => {
		child.kill('SIGKILL');
	});
	if (child.pid === undefined) {
		throw new Error('could not spawn sleep as nobody');
	}

	return child as typeof child & {pid: number};
}

const mode = (file: string) => statSync(file).mode & 0o7777;

test('a legacy lock taken "before the boot" whose PID runs the matching bot is live, and no second copy can take it', async t => {
	const dir = tempLocksDir(t);
	const bot = spawnSleep(t);
	// A clock wrong at boot: the timestamp lies a day and a half before this boot.
	const takenAt = new Date((hostFacts().bootedAt ?? Date.now()) - 36 * 3_600_000);
	writeLock(dir, 'BRAIN_ATLAS', {pid: bot.pid, account: 'ATLAS', timestamp: takenAt.toISOString()});
	const context = {matchFor: () => /^sleep infinity$/};

	const judged = await inspect(dir, 'BRAIN_ATLAS', context);
	assert.equal(judged?.verdict, 'live', judged?.reason);
	assert.equal(judged?.proof, 'match');
	const second = await acquire(dir, 'BRAIN_ATLAS', {context});
	assert.equal(second.acquired, false, 'a second copy must not take the lock over');

	bot.kill('SIGKILL');
	await pollUntil('the bot to be gone', async () => ((await inspect(dir, 'BRAIN_ATLAS', context))?.verdict === 'live' ? undefined : true));
	const gone = await inspect(dir, 'BRAIN_ATLAS', context);
	assert.equal(gone?.verdict, 'stale-rebooted');
	assert.match(gone?.reason ?? '', /before .* booted at .*; PID \d+ is gone/);
});

test('a v1 lock owned by another user, naming this user\'s process with its real start token, is unknown and never taken over', asRoot, async t => {
	const dir = tempLocksDir(t);
	const victim = spawnSleep(t);
	const file = writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: victim.pid, startToken: startTokenOf(victim.pid)}));
	// The same record written by the victim's own user is live: the owner check is what refuses it.
	assert.equal((await inspect(dir, 'BRAIN_ATLAS'))?.verdict, 'live');

	chownSync(file, nobody, nobody);
	const forged = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(forged?.verdict, 'unknown');
	assert.equal(forged?.reason, `lockfile owned by uid ${nobody} but PID ${victim.pid} runs as uid 0: not trusted; treated as held`);
	assert.deepEqual([forged?.proof, forged?.holders], [null, []]);
	assert.equal((await acquire(dir, 'BRAIN_ATLAS', {takeOverStale: true})).acquired, false);
	assert.equal(readFileSync(file, 'utf8').includes(`"pid":${victim.pid}`), true, 'the lock is left alone');
});

test('a supervisor\'s lock whose recorded child runs as another user than the lockfile\'s owner is unknown', asRoot, async t => {
	const dir = tempLocksDir(t);
	const supervisor = spawnSleep(t);
	const stranger = nobodySleep(t);
	await pollUntil('the stranger to run as nobody', () => (statSync(`/proc/${stranger.pid}`).uid === nobody ? true : undefined));
	const child = {pid: stranger.pid, startToken: startTokenOf(stranger.pid)};
	writeLock(dir, 'BRAIN_ATLAS', {...v1Record({pid: supervisor.pid, startToken: startTokenOf(supervisor.pid), child}), supervisor: {state: 'running', restarts: 0}});
	const judged = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(judged?.verdict, 'unknown');
	assert.match(judged?.reason ?? '', new RegExp(`but its child: lockfile owned by uid 0 but PID ${stranger.pid} runs as uid ${nobody}: not trusted`));
});

test('an orphan claimed through the environment by another user is unknown, never live', asRoot, async t => {
	const dir = tempLocksDir(t);
	const claimant = nobodySleep(t, {FLEETDECK_LOCK_NAME: 'BRAIN_ATLAS', FLEETDECK_LOCK_TOKEN: '7'});
	await pollUntil('the claimant to carry the lock token', () => (readFileSync(`/proc/${claimant.pid}/environ`, 'latin1').split('\0').includes('FLEETDECK_LOCK_TOKEN=7') && statSync(`/proc/${claimant.pid}`).uid === nobody ? true : undefined));
	writeLock(dir, 'BRAIN_ATLAS', {...v1Record({pid: deadPid(), token: 7, child: null}), supervisor: {state: 'starting', restarts: 0}});

	const judged = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(judged?.verdict, 'unknown');
	assert.equal(judged?.orphaned, false);
	assert.match(judged?.reason ?? '', new RegExp(`^supervisor PID \\d+ is gone, but its child: lockfile owned by uid 0 but PID ${claimant.pid} runs as uid ${nobody}: not trusted; treated as held$`));
});

test('under umask 000 the locks directory is created 0755 and its lock and token files 0644', async t => {
	const root = tempLocksDir(t);
	const dir = path.join(root, 'fleet', '.locks');
	const previous = process.umask(0);
	try {
		createLocksDir(dir);
		const taken = await acquire(dir, 'BRAIN_ATLAS');
		assert.ok(taken.acquired);
		assert.equal(mode(dir), 0o755);
		assert.equal(mode(path.dirname(dir)), 0o755, 'a parent created on the way too');
		assert.equal(mode(taken.path), 0o644);
		assert.equal(mode(`${taken.path}.token`), 0o644);
		assert.equal((await release(dir, 'BRAIN_ATLAS', taken.record)).released, true);
	} finally {
		process.umask(previous);
	}

	// A directory that exists keeps the mode its owner gave it.
	createLocksDir(root);
	assert.equal(mode(root), 0o700);
});
