import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, symlinkSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {openJournal} from '../../source/journal/index.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';

function deadPid(): number {
	return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim());
}

function fleetDir(t: Parameters<typeof tempDir>[0]) {
	const dir = tempDir(t);
	const locks = path.join(dir, '.locks');
	const live = spawnIdle(t, 'BRAIN_LIVE.py', uniqueMarker());
	writeLock(locks, 'BRAIN_LIVE', live.pid, {account: 'A'});
	writeLock(locks, 'BRAIN_DEAD', deadPid(), {account: 'A'});
	writeLock(locks, 'BRAIN_REMOTE', 4242, {account: 'B', hostname: 'other-vps'});
	return {dir, locks, live};
}

test('locks lists every lock with its verdict and reason', async t => {
	const {dir, live} = fleetDir(t);
	const text = await runCli(['locks'], {cwd: dir});
	assert.equal(text.code, 0, text.stderr);
	assert.match(text.stdout, /BRAIN_DEAD\s+stale-dead/);
	assert.match(text.stdout, new RegExp(`BRAIN_LIVE\\s+live\\s+${live.pid}`));
	assert.match(text.stdout, /BRAIN_REMOTE\s+remote/);
	const json = await runCli(['locks', '--json'], {cwd: dir});
	const views = JSON.parse(json.stdout) as Array<{name: string; verdict: string; reason: string}>;
	assert.deepEqual(views.map(view => [view.name, view.verdict]), [['BRAIN_DEAD', 'stale-dead'], ['BRAIN_LIVE', 'live'], ['BRAIN_REMOTE', 'remote']]);
	assert.ok(views.every(view => view.reason.length > 0));
});

test('locks clear-stale removes only what is proven stale, says why, and journals it', async t => {
	const {dir, locks} = fleetDir(t);
	const result = await runCli(['locks', 'clear-stale'], {cwd: dir});
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /removed BRAIN_DEAD \(stale-dead\): PID \d+/);
	assert.match(result.stdout, /1 stale lock removed, 2 kept/);
	assert.deepEqual(readdirSync(locks).filter(file => file.endsWith('.lock')).sort(), ['BRAIN_LIVE.lock', 'BRAIN_REMOTE.lock']);
	const journal = openJournal(path.join(dir, '.fleetdeck', 'journal.db'));
	t.after(() => journal.close());
	const [event] = journal.events({kinds: ['lock.cleared']});
	assert.equal(event?.component, 'BRAIN_DEAD');
	assert.equal(event?.detail['verdict'], 'stale-dead');
	assert.equal((event?.detail['record'] as {name?: string} | undefined)?.name, 'BRAIN_DEAD');
});

test('locks clear-all refuses without --force, naming what it would remove', async t => {
	const {dir, locks} = fleetDir(t);
	const refused = await runCli(['locks', 'clear-all'], {cwd: dir});
	assert.equal(refused.code, 64);
	assert.match(refused.stderr, /Nothing was removed/);
	assert.match(refused.stderr, /BRAIN_LIVE \(live, PID \d+\)/);
	assert.equal(readdirSync(locks).filter(file => file.endsWith('.lock')).length, 3);
	const forced = await runCli(['locks', 'clear-all', '--force'], {cwd: dir});
	assert.equal(forced.code, 0, forced.stderr);
	assert.match(forced.stdout, /3 locks removed/);
	assert.equal(existsSync(path.join(locks, 'BRAIN_LIVE.lock')), false);
});

test('locks rejects an unknown action with exit 64', async t => {
	const dir = tempDir(t);
	const result = await runCli(['locks', 'clear-everything'], {cwd: dir});
	assert.equal(result.code, 64);
	assert.match(result.stderr, /unknown locks action "clear-everything"/);
});

test('locks clear-all names only what --force would remove: never a directory or symlink named X.lock', async t => {
	const {dir, locks} = fleetDir(t);
	mkdirSync(path.join(locks, 'ADIR.lock'));
	symlinkSync(path.join(dir, 'elsewhere'), path.join(locks, 'ALINK.lock'));
	const refused = await runCli(['locks', 'clear-all'], {cwd: dir});
	assert.equal(refused.code, 64);
	assert.match(refused.stderr, /BRAIN_DEAD \(stale-dead, PID \d+\)/);
	assert.doesNotMatch(refused.stderr, /ADIR|ALINK/);
	const forced = await runCli(['locks', 'clear-all', '--force'], {cwd: dir});
	assert.equal(forced.code, 0, forced.stderr);
	assert.match(forced.stdout, /3 locks removed/);
	assert.deepEqual(readdirSync(locks).filter(file => file.endsWith('.lock')).sort(), ['ADIR.lock', 'ALINK.lock']);
});

test('locks on a locks directory that does not exist yet: no locks, exit 0, as --once sees it', async t => {
	const dir = tempDir(t);
	const list = await runCli(['locks'], {cwd: dir});
	assert.equal(list.code, 0, list.stderr);
	assert.match(list.stdout, /^no locks in .+\.locks \(it does not exist\)$/m);
	const json = await runCli(['locks', '--json', '--locks-dir', 'missing'], {cwd: dir});
	assert.equal(json.code, 0, json.stderr);
	assert.deepEqual(JSON.parse(json.stdout), []);
	const clear = await runCli(['locks', 'clear-stale'], {cwd: dir});
	assert.equal(clear.code, 0, clear.stderr);
	assert.match(clear.stdout, /0 stale locks removed, 0 kept/);
	assert.equal(existsSync(path.join(dir, '.locks')), false, 'nothing is created');
});
