import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {selfIdentity} from '../../source/procs/identity.js';
import {acquire, heartbeat, inspect, LocksDirError, release} from '../../source/locks/index.js';
import {guardStaleMs, withGuard} from '../../source/locks/guard.js';
import {pollUntil} from '../helpers/children.js';
import {deadPid, spawnSleep, startTokenOf, tempLocksDir, v1Record, writeLock} from './helpers.js';

const keyOrder = ['v', 'name', 'pid', 'account', 'hostname', 'bootId', 'startToken', 'createdAt', 'heartbeatAt', 'token', 'command', 'child'];

test('acquire writes a v1 record, keys in the documented order, and leaves no temp file', async t => {
	const dir = tempLocksDir(t);
	const result = await acquire(dir, 'BRAIN_ATLAS', {account: 'ATLAS', command: 'python BRAIN_ATLAS.py'});
	assert.ok(result.acquired);
	const self = selfIdentity();
	assert.equal(result.path, path.join(dir, 'BRAIN_ATLAS.lock'));
	assert.equal(result.tookOver, null);
	assert.deepEqual({pid: result.record.pid, startToken: result.record.startToken, token: result.record.token, account: result.record.account}, {pid: self.pid, startToken: self.startToken, token: 1, account: 'ATLAS'});
	const onDisk = JSON.parse(readFileSync(result.path, 'utf8')) as Record<string, unknown>;
	assert.deepEqual(Object.keys(onDisk), keyOrder);
	assert.deepEqual(onDisk, result.record);
	assert.deepEqual(readdirSync(dir).sort(), ['BRAIN_ATLAS.lock', 'BRAIN_ATLAS.lock.token']);
});

test('a second acquire of a held lock returns the live holder, and the file is untouched', async t => {
	const dir = tempLocksDir(t);
	const first = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(first.acquired);
	const before = readFileSync(first.path);
	const second = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(!second.acquired);
	assert.equal(second.holder.verdict, 'live');
	assert.equal(second.holder.record?.pid, process.pid);
	assert.deepEqual(readFileSync(first.path), before);
});

test('the fencing token grows with every acquire of a NAME', async t => {
	const dir = tempLocksDir(t);
	const tokens: number[] = [];
	for (let round = 0; round < 3; round++) {
		const result = await acquire(dir, 'BRAIN_ATLAS');
		assert.ok(result.acquired);
		tokens.push(result.record.token);
		assert.ok((await release(dir, 'BRAIN_ATLAS', result.record)).released);
	}

	assert.deepEqual(tokens, [1, 2, 3]);
	const other = await acquire(dir, 'WATCHDOG_ATLAS');
	assert.ok(other.acquired);
	assert.equal(other.record.token, 1, 'each NAME has its own counter');
});

test('a token already used (counter behind) is skipped after the link', async t => {
	const dir = tempLocksDir(t);
	writeFileSync(path.join(dir, 'BRAIN_ATLAS.lock.token'), '41\n');
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(result.acquired);
	assert.equal(result.record.token, 42);
	assert.equal(readFileSync(path.join(dir, 'BRAIN_ATLAS.lock.token'), 'utf8').trim(), '42');
});

test('a stale-dead lock is taken over; the new token exceeds the dead holder\'s', async t => {
	const dir = tempLocksDir(t);
	const dead = deadPid();
	writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: dead, startToken: '1', token: 57}));
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(result.acquired);
	assert.equal(result.tookOver?.verdict, 'stale-dead');
	assert.equal(result.tookOver?.record?.pid, dead);
	assert.match(result.tookOver?.reason ?? '', new RegExp(`PID ${dead} is gone`));
	assert.equal(result.record.token, 58);
	assert.ok(!existsSync(path.join(dir, 'BRAIN_ATLAS.lock.guard')), 'the guard is released');
});

test('takeOverStale: false reports the stale holder and leaves it', async t => {
	const dir = tempLocksDir(t);
	const file = writeLock(dir, 'BRAIN_ATLAS', `${deadPid()}\n`);
	const result = await acquire(dir, 'BRAIN_ATLAS', {takeOverStale: false});
	assert.ok(!result.acquired);
	assert.equal(result.holder.verdict, 'stale-dead');
	assert.ok(existsSync(file));
});

test('a legacy lock of a live matching process is held', async t => {
	const dir = tempLocksDir(t);
	const sleeper = spawnSleep(t);
	writeLock(dir, 'BRAIN_ATLAS', `pid: ${sleeper.pid}\r\naccount: ATLAS\r\n`);
	const result = await acquire(dir, 'BRAIN_ATLAS', {context: {matchFor: () => /^sleep infinity$/}});
	assert.ok(!result.acquired);
	assert.equal(result.holder.verdict, 'live');
});

test('a lock being written is not taken over; after the grace it is', async t => {
	const dir = tempLocksDir(t);
	const file = writeLock(dir, 'BRAIN_ATLAS', '');
	// Judged at an injected time half a second after the write: inside the grace on any machine.
	const fresh = await acquire(dir, 'BRAIN_ATLAS', {context: {now: statSync(file).mtimeMs + 500}});
	assert.ok(!fresh.acquired);
	assert.equal(fresh.holder.verdict, 'writing');
	const past = (Date.now() - 5_000) / 1000;
	utimesSync(file, past, past);
	const later = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(later.acquired);
	assert.equal(later.tookOver?.verdict, 'stale-unreadable');
});

test('a remote lock is never taken over, however old', async t => {
	const dir = tempLocksDir(t);
	writeLock(dir, 'BRAIN_ATLAS', v1Record({hostname: 'some-other-host', pid: deadPid(), createdAt: '2020-01-01T00:00:00Z'}));
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(!result.acquired);
	assert.equal(result.holder.verdict, 'remote');
	const expired = await acquire(dir, 'BRAIN_ATLAS', {context: {remoteExpirySeconds: 60}});
	assert.ok(!expired.acquired, 'remote-expired is shown, not taken over');
	assert.equal(expired.holder.verdict, 'remote-expired');
});

test('a non-regular file in the lock\'s place is reported unknown and never replaced', async t => {
	const dir = tempLocksDir(t);
	mkdirSync(path.join(dir, 'BRAIN_ATLAS.lock'));
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(!result.acquired);
	assert.equal(result.holder.verdict, 'unknown');
	assert.match(result.holder.reason, /directory, not a regular file/);
});

test('a stale lock is taken over past a guard abandoned more than 30 s ago', async t => {
	const dir = tempLocksDir(t);
	writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: deadPid(), token: 3}));
	const guard = path.join(dir, 'BRAIN_ATLAS.lock.guard');
	writeFileSync(guard, '{"pid":1}');
	const old = (Date.now() - guardStaleMs - 5_000) / 1000;
	utimesSync(guard, old, old);
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(result.acquired);
	assert.equal(result.record.token, 4);
	assert.ok(!existsSync(guard));
});

test('a fresh guard is waited for, not broken', async t => {
	const dir = tempLocksDir(t);
	const guard = path.join(dir, 'X.lock.guard');
	writeFileSync(guard, '{"pid":1}');
	assert.equal(await withGuard(dir, guard, 50, async () => 'ran'), 'busy');
	assert.equal(readFileSync(guard, 'utf8'), '{"pid":1}');
});

test('release only removes the caller\'s own lock and says why otherwise', async t => {
	const dir = tempLocksDir(t);
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(result.acquired);
	const mine = {pid: result.record.pid, startToken: result.record.startToken, token: result.record.token};
	for (const wrong of [{...mine, token: mine.token + 1}, {...mine, pid: mine.pid + 1}, {...mine, startToken: 'not-mine'}]) {
		const outcome = await release(dir, 'BRAIN_ATLAS', wrong);
		assert.equal(outcome.released, false);
		assert.match(outcome.reason, new RegExp(`held by PID ${mine.pid} .*token ${mine.token}\\), not by PID ${wrong.pid}.*left alone`));
		assert.ok(existsSync(result.path));
	}

	assert.deepEqual(await release(dir, 'BRAIN_ATLAS', mine), {released: true, reason: `released BRAIN_ATLAS.lock held by PID ${mine.pid} (start token ${mine.startToken ?? 'none'}, token ${mine.token})`});
	assert.ok(!existsSync(result.path));
	const again = await release(dir, 'BRAIN_ATLAS', mine);
	assert.equal(again.released, false);
	assert.match(again.reason, /does not exist/);
});

test('release leaves a legacy or unreadable lock alone', async t => {
	const dir = tempLocksDir(t);
	const file = writeLock(dir, 'BRAIN_ATLAS', `${process.pid}`);
	const outcome = await release(dir, 'BRAIN_ATLAS', {pid: process.pid, startToken: null, token: 0});
	assert.equal(outcome.released, false);
	writeFileSync(file, '{"v":1');
	assert.match((await release(dir, 'BRAIN_ATLAS', {pid: process.pid, startToken: null, token: 0})).reason, /unreadable/);
	assert.ok(existsSync(file));
});

test('heartbeat rewrites the record atomically, only while it is ours, keeping unknown fields', async t => {
	const dir = tempLocksDir(t);
	const result = await acquire(dir, 'WATCHDOG_ATLAS', {child: {pid: 4242, startToken: '77'}});
	assert.ok(result.acquired);
	const mine = {pid: result.record.pid, startToken: result.record.startToken, token: result.record.token};
	const withExtra = {...JSON.parse(readFileSync(result.path, 'utf8')) as object, futureField: 'kept'};
	writeFileSync(result.path, JSON.stringify(withExtra));
	assert.equal(await heartbeat(dir, 'WATCHDOG_ATLAS', mine, {child: {pid: 4343, startToken: '88'}, supervisor: {state: 'running', restarts: 1}}), true);
	const after = JSON.parse(readFileSync(result.path, 'utf8')) as Record<string, unknown>;
	assert.deepEqual(Object.keys(after), [...keyOrder, 'futureField', 'supervisor']);
	assert.equal(typeof after['heartbeatAt'], 'string');
	assert.deepEqual(after['child'], {pid: 4343, startToken: '88'});
	assert.deepEqual(after['supervisor'], {state: 'running', restarts: 1});
	assert.equal(after['futureField'], 'kept');
	assert.equal(after['createdAt'], result.record.createdAt);
	const parsed = await inspect(dir, 'WATCHDOG_ATLAS');
	assert.equal(parsed?.verdict, 'live');
	assert.equal(parsed?.record?.supervisor?.state, 'running');

	const before = readFileSync(result.path);
	assert.equal(await heartbeat(dir, 'WATCHDOG_ATLAS', {...mine, token: mine.token + 1}), false);
	assert.deepEqual(readFileSync(result.path), before);
	assert.equal(await heartbeat(dir, 'MISSING', mine), false);
	assert.deepEqual(readdirSync(dir).filter(file => file.includes('.tmp.')), []);
});

test('a very long command line is shortened so the record stays within 4 KiB', async t => {
	const dir = tempLocksDir(t);
	const result = await acquire(dir, 'BRAIN_ATLAS', {command: `python BRAIN_ATLAS.py ${'--flag '.repeat(1000)}`});
	assert.ok(result.acquired);
	assert.ok(readFileSync(result.path).length <= 4096);
	assert.equal((await inspect(dir, 'BRAIN_ATLAS'))?.verdict, 'live');
});

test('invalid names are refused before touching the disk', async t => {
	const dir = tempLocksDir(t);
	for (const name of ['', '..', '../escape', 'a/b', 'BRÄIN', '.hidden', 'x'.repeat(129)]) {
		await assert.rejects(acquire(dir, name), TypeError, name);
		await assert.rejects(inspect(dir, name), TypeError, name);
		await assert.rejects(release(dir, name, {pid: 1, startToken: null, token: 1}), TypeError, name);
	}

	assert.deepEqual(readdirSync(dir), []);
	assert.deepEqual(readdirSync(path.dirname(dir)).filter(file => file.startsWith('escape')), []);
});

test('a missing locks directory is a LocksDirError naming the directory and errno', async t => {
	const missing = path.join(tempLocksDir(t), 'nope');
	for (const attempt of [async () => acquire(missing, 'BRAIN_ATLAS'), async () => inspect(missing, 'BRAIN_ATLAS'), async () => release(missing, 'BRAIN_ATLAS', {pid: 1, startToken: null, token: 1})]) {
		await assert.rejects(attempt, (error: unknown) => error instanceof LocksDirError && error.message.includes(missing) && error.message.includes('ENOENT'));
	}
});

test('PID reuse: a lock whose PID is now an unrelated process is stale-reused and taken over', async t => {
	const dir = tempLocksDir(t);
	const sleeper = spawnSleep(t);
	const realToken = startTokenOf(sleeper.pid);
	writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: sleeper.pid, startToken: String(Number(realToken) + 1)}));
	const judged = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(judged?.verdict, 'stale-reused');
	assert.match(judged?.reason ?? '', new RegExp(`PID ${sleeper.pid} now belongs to another process \\(start token ${realToken}`));
	const result = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(result.acquired);
	assert.equal(result.tookOver?.verdict, 'stale-reused');
	assert.equal(sleeper.exitCode, null, 'the unrelated process is untouched');
});

test('PID reuse: a legacy record whose PID now runs a non-matching command is stale-reused', async t => {
	const dir = tempLocksDir(t);
	const sleeper = spawnSleep(t);
	writeLock(dir, 'BRAIN_ATLAS', `{"pid": ${sleeper.pid}, "account": "ATLAS", "timestamp": "${new Date().toISOString()}"}`);
	const withPattern = await inspect(dir, 'BRAIN_ATLAS', {matchFor: name => (name === 'BRAIN_ATLAS' ? /BRAIN_ATLAS\.py/ : null)});
	assert.equal(withPattern?.verdict, 'stale-reused');
	assert.match(withPattern?.reason ?? '', /now runs "sleep infinity", which does not match \/BRAIN_ATLAS\\.py\//);
	const withoutPattern = await inspect(dir, 'BRAIN_ATLAS');
	assert.equal(withoutPattern?.verdict, 'unknown', 'no pattern and no start token: doubt means held');
});

test('orphan: the supervisor is killed, its child lives on, the lock stays live until both are gone', async t => {
	const dir = tempLocksDir(t);
	const supervisor = spawnSleep(t);
	const bot = spawnSleep(t);
	writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: supervisor.pid, startToken: startTokenOf(supervisor.pid), child: {pid: bot.pid, startToken: startTokenOf(bot.pid)}}));
	assert.equal((await inspect(dir, 'BRAIN_ATLAS'))?.verdict, 'live');
	await new Promise(resolve => {
		supervisor.once('exit', resolve);
		supervisor.kill('SIGKILL');
	});
	const orphaned = await inspect(dir, 'BRAIN_ATLAS');
	assert.deepEqual([orphaned?.verdict, orphaned?.orphaned, orphaned?.reason], ['live', true, `supervisor PID ${supervisor.pid} is gone; its child PID ${bot.pid} still runs`]);
	assert.ok(!(await acquire(dir, 'BRAIN_ATLAS')).acquired, 'no second bot beside the orphan');
	await new Promise(resolve => {
		bot.once('exit', resolve);
		bot.kill('SIGKILL');
	});
	assert.equal((await inspect(dir, 'BRAIN_ATLAS'))?.verdict, 'stale-dead');
});

test('orphan before its record: a supervisor killed before it wrote its child into the lock; the bot is found by its lock token', async t => {
	const dir = tempLocksDir(t);
	const env = {...process.env, FLEETDECK_LOCK_NAME: 'BRAIN_ATLAS', FLEETDECK_LOCK_TOKEN: '7'};
	const bot = spawn('sleep', ['infinity'], {stdio: 'ignore', env});
	const otherToken = spawn('sleep', ['infinity'], {stdio: 'ignore', env: {...env, FLEETDECK_LOCK_TOKEN: '6'}});
	t.after(() => {
		bot.kill('SIGKILL');
		otherToken.kill('SIGKILL');
	});
	// Until exec, a spawned child still has Node's environment.
	const hasToken = (pid: number, token: string) => readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`FLEETDECK_LOCK_TOKEN=${token}`);
	await pollUntil('both sleeps to have their environment', () => (hasToken(bot.pid!, '7') && hasToken(otherToken.pid!, '6') ? true : undefined));
	writeLock(dir, 'BRAIN_ATLAS', {...v1Record({pid: deadPid(), token: 7, child: null}), supervisor: {state: 'starting', restarts: 0}});
	const orphaned = await inspect(dir, 'BRAIN_ATLAS');
	assert.deepEqual([orphaned?.verdict, orphaned?.orphaned, orphaned?.record?.child?.pid], ['live', true, bot.pid]);
	assert.ok(!(await acquire(dir, 'BRAIN_ATLAS')).acquired, 'no second bot beside the orphan');

	await new Promise(resolve => {
		bot.once('exit', resolve);
		bot.kill('SIGKILL');
	});
	// A process of an older token of this lock is another story: it does not hold this record.
	assert.equal((await inspect(dir, 'BRAIN_ATLAS'))?.verdict, 'stale-dead');
	const taken = await acquire(dir, 'BRAIN_ATLAS');
	assert.ok(taken.acquired && taken.tookOver?.verdict === 'stale-dead');
	assert.equal((await release(dir, 'BRAIN_ATLAS', taken.record)).released, true);
});

test('a lock that is not a supervisor\'s is not searched for by environment', async t => {
	const dir = tempLocksDir(t);
	let searched = 0;
	writeLock(dir, 'BRAIN_ATLAS', v1Record({pid: deadPid(), token: 7, child: null}));
	const judged = await inspect(dir, 'BRAIN_ATLAS', {findLockChild: () => {
		searched++;
		return null;
	}});
	assert.equal(judged?.verdict, 'stale-dead');
	assert.equal(searched, 0);
});
