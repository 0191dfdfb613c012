import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {acquire, clearAll, clearStale, inspect, list, LocksDirError} from '../../source/locks/index.js';
import {removeIfUnchanged} from '../../source/locks/remove.js';
import {deadPid, spawnSleep, startTokenOf, tempLocksDir, v1Record, writeLock} from './helpers.js';

function makeOld(file: string): void {
	const past = (Date.now() - 60_000) / 1000;
	utimesSync(file, past, past);
}

async function listenOn(t: TestContext, file: string): Promise<void> {
	const server = net.createServer();
	await new Promise<void>(resolve => {
		server.listen(file, resolve);
	});
	t.after(() => {
		server.close();
	});
}

/**
 * The time to judge `populate`'s locks at: half a second after `writing.lock` was written, inside
 * its 2 s grace however long the spawns and sockets in between took on a loaded machine.
 */
function whileWriting(dir: string): number {
	return statSync(path.join(dir, 'writing.lock')).mtimeMs + 500;
}

/** One lock of every kind, each named for the verdict it should get. */
async function populate(t: TestContext, dir: string): Promise<string> {
	const sleeper = spawnSleep(t);
	const own = await acquire(dir, 'live');
	assert.ok(own.acquired);
	writeLock(dir, 'stale-dead', v1Record({pid: deadPid(), startToken: '1'}));
	writeLock(dir, 'stale-reused', v1Record({pid: sleeper.pid, startToken: `${startTokenOf(sleeper.pid)}9`}));
	writeLock(dir, 'stale-rebooted', v1Record({pid: process.pid, bootId: 'a-boot-long-ago'}));
	makeOld(writeLock(dir, 'stale-unreadable', '{"v":1,"pid":'));
	writeLock(dir, 'writing', '');
	writeLock(dir, 'remote', v1Record({hostname: 'far-away-host', pid: deadPid()}));
	writeLock(dir, 'remote-expired', v1Record({hostname: 'far-away-host', pid: deadPid(), createdAt: '2020-01-01T00:00:00.000Z'}));
	writeLock(dir, 'unknown', `pid: ${sleeper.pid}\n`);
	mkdirSync(path.join(dir, 'dir.lock'));
	// A symlink to a stale record elsewhere: following it would judge the target stale and delete.
	const outside = path.join(dir, 'elsewhere');
	mkdirSync(outside);
	writeFileSync(path.join(outside, 'target.lock'), JSON.stringify(v1Record({pid: deadPid()})));
	symlinkSync(path.join(outside, 'target.lock'), path.join(dir, 'symlink.lock'));
	execFileSync('mkfifo', [path.join(dir, 'fifo.lock')]);
	await listenOn(t, path.join(dir, 'socket.lock'));
	// Siblings that are not locks.
	for (const file of ['live.lock.token', 'live.lock.guard', 'live.lock.tmp.1.abc', 'live.lock.aside.1.abc', 'notes.txt', '.lock']) {
		writeFileSync(path.join(dir, file), '1');
	}

	return outside;
}

test('list judges every *.lock, sorted by name, and nothing else; non-regular files are never read', async t => {
	const dir = tempLocksDir(t);
	await populate(t, dir);
	const inspections = await list(dir, {remoteExpirySeconds: 3600, now: whileWriting(dir)});
	assert.deepEqual(inspections.map(lock => lock.name), ['dir', 'fifo', 'live', 'remote', 'remote-expired', 'socket', 'stale-dead', 'stale-rebooted', 'stale-reused', 'stale-unreadable', 'symlink', 'unknown', 'writing']);
	for (const lock of inspections) {
		if (['dir', 'fifo', 'socket', 'symlink'].includes(lock.name)) {
			assert.equal(lock.verdict, 'unknown', lock.name);
			assert.equal(lock.raw, null);
			assert.match(lock.reason, /not a regular file/);
		} else {
			assert.equal(lock.verdict, lock.name, `${lock.name}: ${lock.reason}`);
		}
	}

	assert.match(inspections.find(lock => lock.name === 'symlink')?.reason ?? '', /symbolic link/);
	assert.match(inspections.find(lock => lock.name === 'fifo')?.reason ?? '', /FIFO/);
	assert.match(inspections.find(lock => lock.name === 'socket')?.reason ?? '', /socket/);
});

test('clearStale removes only the stale-* locks; live, writing, remote, unknown and non-regular files stay', async t => {
	const dir = tempLocksDir(t);
	const outside = await populate(t, dir);
	const {removed, kept} = await clearStale(dir, {remoteExpirySeconds: 3600, now: whileWriting(dir)});
	assert.deepEqual(removed.map(lock => lock.name).sort(), ['stale-dead', 'stale-rebooted', 'stale-reused', 'stale-unreadable']);
	assert.deepEqual(kept.map(lock => lock.name).sort(), ['dir', 'fifo', 'live', 'remote', 'remote-expired', 'socket', 'symlink', 'unknown', 'writing']);
	for (const name of removed.map(lock => lock.name)) {
		assert.ok(!existsSync(path.join(dir, `${name}.lock`)), name);
	}

	for (const name of kept.map(lock => lock.name)) {
		assert.ok(readdirSync(dir).includes(`${name}.lock`), name);
	}

	assert.ok(existsSync(path.join(outside, 'target.lock')), 'the symlink target is untouched');
	assert.equal((await inspect(dir, 'live'))?.verdict, 'live');
	assert.deepEqual(readdirSync(dir).filter(file => file.startsWith('stale-dead.lock.')), ['stale-dead.lock.token'], 'the removed holder\'s token is remembered; no guard or aside file is left');
});

test('clearStale after a takeover race: a lock that changed since it was judged is left alone', async t => {
	const dir = tempLocksDir(t);
	const file = writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: deadPid()}));
	const judged = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(judged?.verdict, 'stale-dead');
	const replacement = JSON.stringify(v1Record({pid: process.pid, token: 2}));
	writeFileSync(file, replacement);
	assert.deepEqual(await removeIfUnchanged(file, judged?.raw ?? Buffer.alloc(0)), {result: 'changed'});
	assert.equal(readFileSync(file, 'utf8'), replacement);
	assert.deepEqual(await removeIfUnchanged(file, Buffer.from(replacement)), {result: 'removed'});
	assert.deepEqual(await removeIfUnchanged(file, Buffer.from(replacement)), {result: 'missing'});
	assert.deepEqual(readdirSync(dir), []);
});

test('clearAll removes every regular *.lock, live ones too, and never a non-regular entry', async t => {
	const dir = tempLocksDir(t);
	const outside = await populate(t, dir);
	const {removed, failed} = await clearAll(dir);
	assert.deepEqual(failed, []);
	assert.deepEqual(removed.map(lock => lock.name).sort(), ['live', 'remote', 'remote-expired', 'stale-dead', 'stale-rebooted', 'stale-reused', 'stale-unreadable', 'unknown', 'writing']);
	assert.equal(removed.find(lock => lock.name === 'live')?.verdict, 'live', 'each is reported with its verdict before removal');
	assert.deepEqual((await list(dir)).map(lock => lock.name), ['dir', 'fifo', 'socket', 'symlink']);
	assert.ok(existsSync(path.join(outside, 'target.lock')));
	assert.ok(existsSync(path.join(dir, 'live.lock.token')), 'token counters survive, so tokens keep growing');
});

test('list and clearStale on a missing or non-directory path raise LocksDirError', async t => {
	const dir = tempLocksDir(t);
	const missing = path.join(dir, 'missing');
	const file = path.join(dir, 'file');
	writeFileSync(file, '');
	for (const [target, code] of [[missing, 'ENOENT'], [file, 'ENOTDIR']] as const) {
		for (const attempt of [async () => list(target), async () => clearStale(target), async () => clearAll(target)]) {
			await assert.rejects(attempt, (error: unknown) => error instanceof LocksDirError && error.message.includes(target) && error.message.includes(code));
		}
	}
});

test('an empty locks directory lists nothing', async t => {
	assert.deepEqual(await list(tempLocksDir(t)), []);
	assert.deepEqual(await clearStale(tempLocksDir(t)), {removed: [], kept: [], failed: []});
});
