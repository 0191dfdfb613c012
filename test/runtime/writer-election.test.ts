import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {loadConfig, watcherLockName} from '../../source/config/index.js';
import {ConfigError} from '../../source/config/errors.js';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import {openJournal} from '../../source/journal/index.js';
import type {Journal} from '../../source/journal/types.js';
import {createFileLockStore} from '../../source/runtime/adapters/file-lock-store.js';
import {createMemoryEventLog} from '../../source/runtime/adapters/memory-event-log.js';
import {createWriterElection, type WriterElection} from '../../source/runtime/writer-election.js';
import {strayLocks} from '../../source/ui/services-row/index.js';
import {tempDir, writeLock} from '../helpers/cli.js';
import {lock, now} from '../helpers/fleet-data.js';
import {FakeHost} from './fake-host.js';

function setup(t: TestContext): {locksDir: string; journal: Journal} {
	const dir = tempDir(t);
	const locksDir = path.join(dir, '.locks');
	mkdirSync(locksDir);
	const journal = openJournal(path.join(dir, 'journal.db'));
	t.after(() => {
		journal.close();
	});
	return {locksDir, journal};
}

function election(t: TestContext, locksDir: string, journal: Journal, by: string, clock?: {now: number}): WriterElection {
	const created = createWriterElection({locks: createFileLockStore(locksDir), journal, by, minIntervalMs: 1000, now: clock ? () => clock.now : undefined});
	t.after(async () => created.close());
	return created;
}

function lockRecord(locksDir: string): {pid: number; token: number} {
	return JSON.parse(readFileSync(path.join(locksDir, `${watcherLockName}.lock`), 'utf8')) as {pid: number; token: number};
}

test('one writer at a time: the second stands by, naming the holder, and takes over once the first releases', async t => {
	const {locksDir, journal} = setup(t);
	const first = election(t, locksDir, journal, 'the watcher');
	const second = election(t, locksDir, journal, 'the deck');
	assert.deepEqual(await first.refresh(), {writer: true});
	const standing = await second.refresh();
	assert.equal(standing.writer, false);
	assert.ok(!standing.writer && standing.holder?.record?.pid === process.pid && standing.holder.verdict === 'live', `the holder is named: ${JSON.stringify(standing)}`);
	assert.equal(lockRecord(locksDir).pid, process.pid);

	await first.close();
	assert.equal(existsSync(path.join(locksDir, `${watcherLockName}.lock`)), false, 'closing released the lock');
	assert.deepEqual(await second.refresh({force: true}), {writer: true});
	assert.equal(first.standing().writer, false);
	const messages = journal.events({}).map(event => `${event.kind} ${event.message}`);
	assert.equal(messages.filter(message => message.startsWith('lock.acquired')).length, 2, messages.join('\n'));
	assert.ok(messages.some(message => /^lock\.released fleetdeck-watch\.lock released by the watcher/.test(message)), messages.join('\n'));
	assert.ok(messages.some(message => /^lock\.acquired fleetdeck-watch\.lock taken by the deck/.test(message)), messages.join('\n'));
});

test('a writer lock left by a killed watcher is taken over on proof, and the clearing journaled', async t => {
	const {locksDir, journal} = setup(t);
	const gone = spawn(process.execPath, ['-e', '']);
	await new Promise(resolve => gone.once('exit', resolve));
	writeLock(locksDir, watcherLockName, gone.pid!, {startToken: '1'});
	const deck = election(t, locksDir, journal, 'the deck');
	assert.deepEqual(await deck.refresh(), {writer: true});
	assert.equal(lockRecord(locksDir).pid, process.pid);
	const cleared = journal.events({kinds: ['lock.cleared']});
	assert.equal(cleared.length, 1);
	assert.match(cleared[0]?.message ?? '', new RegExp(`the deck \\(PID ${process.pid}\\) taking it over removed fleetdeck-watch\\.lock \\(stale-dead`));
});

test('a writer whose lock was removed from under it notices at its next try and takes it again', async t => {
	const {locksDir, journal} = setup(t);
	const clock = {now: 0};
	const writer = election(t, locksDir, journal, 'the watcher', clock);
	assert.deepEqual(await writer.refresh(), {writer: true});
	const token = lockRecord(locksDir).token;
	rmSync(path.join(locksDir, `${watcherLockName}.lock`));
	assert.deepEqual(await writer.refresh(), {writer: true}, 'within the interval nothing is tried');
	clock.now += 1000;
	assert.deepEqual(await writer.refresh(), {writer: true});
	assert.ok(lockRecord(locksDir).token > token, 'a new lock, with a higher fencing token');
	const released = journal.events({kinds: ['lock.released']});
	assert.equal(released.length, 1);
	assert.match(released[0]?.message ?? '', /no longer held by the watcher .*removed or replaced by someone else/);
});

test('tries are spaced by the interval: a deck rebuilding on every lock change does not set off its own heartbeat', async t => {
	const {locksDir, journal} = setup(t);
	const clock = {now: 0};
	const holder = election(t, locksDir, journal, 'the watcher');
	await holder.refresh();
	const deck = election(t, locksDir, journal, 'the deck', clock);
	assert.equal((await deck.refresh()).writer, false);
	await holder.close();
	assert.equal((await deck.refresh()).writer, false, 'the standing of the last try, within the interval');
	clock.now += 999;
	assert.equal((await deck.refresh()).writer, false);
	clock.now += 1;
	assert.equal((await deck.refresh()).writer, true);
	const heartbeatAt = readFileSync(path.join(locksDir, `${watcherLockName}.lock`), 'utf8');
	await deck.refresh();
	assert.equal(readFileSync(path.join(locksDir, `${watcherLockName}.lock`), 'utf8'), heartbeatAt, 'no rewrite within the interval');
});

test('without a locks directory nobody is the writer, and nothing throws', async t => {
	const {locksDir, journal} = setup(t);
	rmSync(locksDir, {recursive: true});
	const deck = election(t, locksDir, journal, 'the deck');
	const standing = await deck.refresh();
	assert.ok(!standing.writer && /the locks directory .* does not exist yet/.test(standing.why), JSON.stringify(standing));
	assert.equal(existsSync(locksDir), false, 'a deck creates no directory');
});

test('the writer lock cannot collide with a component: a config naming one so is refused', t => {
	const dir = tempDir(t);
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({services: [{name: 'FleetDeck-Watch', command: ['python', 'x.py'], match: 'x\\.py'}]}));
	assert.throws(() => loadConfig({cwd: dir}), (error: unknown) => error instanceof ConfigError && /services\[0\]\.name/.test(error.message) && /fleetdeck's own watcher/.test(error.message));
});

test('without a config the writer lock is no component: it is neither listed as a service nor a shutdown target', t => {
	const dir = tempDir(t);
	const config = loadConfig({cwd: dir});
	const locks = [lock(watcherLockName, 'live', {pid: 4242}), lock('quantum_server', 'stale-dead', {pid: 4343})];
	const snapshot = buildSnapshot({config, locks, locksError: null, processes: [], now, host: 'h', selfPid: 1});
	assert.deepEqual(snapshot.services.map(service => service.name), ['quantum_server']);
	assert.deepEqual(snapshot.accounts, []);
	assert.deepEqual(snapshot.locks.map(view => view.name), [watcherLockName, 'quantum_server'], 'the lock itself is still shown');
	assert.equal(snapshot.level, 'warn', 'only the stale lock of quantum_server is a problem');
});

test('the deck lists the writer lock among other locks only when it is stale (litter to clear)', t => {
	const config = loadConfig({cwd: tempDir(t)});
	const strays = (verdict: 'live' | 'stale-dead') => strayLocks(buildSnapshot({config, locks: [lock(watcherLockName, verdict, {pid: 4242}), lock('OLD_BOT', 'stale-dead')], locksError: null, processes: [], now, host: 'h', selfPid: 1})).map(view => view.name);
	assert.deepEqual(strays('live'), []);
	assert.deepEqual(strays('stale-dead'), [watcherLockName]);
});

test('on in-memory ports: one writer among stores playing two processes; when the writer dies, the other takes over on proof and says so', async t => {
	const fake = new FakeHost();
	const events = createMemoryEventLog({now: () => fake.now});
	const watcherProcess = fake.spawn();
	const watcher = createWriterElection({locks: fake.store(watcherProcess), journal: events, by: 'the watcher', minIntervalMs: 0, now: () => fake.now});
	const deck = createWriterElection({locks: fake.store(), journal: events, by: 'the deck', minIntervalMs: 0, now: () => fake.now});
	t.after(async () => {
		await deck.close();
	});
	assert.deepEqual(await watcher.refresh(), {writer: true});
	const standing = await deck.refresh();
	assert.ok(!standing.writer && standing.holder?.verdict === 'live' && standing.holder.record?.pid === watcherProcess.pid, JSON.stringify(standing));

	// Killed outright: no release, its lock stays behind naming a PID the process table no longer has.
	fake.kill(watcherProcess.pid);
	assert.deepEqual(await deck.refresh(), {writer: true});
	assert.deepEqual(events.all.map(event => event.kind), ['lock.acquired', 'lock.cleared', 'lock.acquired']);
	assert.match(events.all[1]?.message ?? '', /the deck .* taking it over removed fleetdeck-watch\.lock \(stale-dead/);
	assert.match(events.all[2]?.message ?? '', /taken by the deck .*token 2\)/);
	const held = await fake.store().inspect(watcherLockName);
	assert.equal(held?.verdict, 'live');
	assert.equal(held?.record?.token, 2);
	await deck.close();
	assert.equal(await fake.store().inspect(watcherLockName), null, 'closing released it');
	assert.equal(events.events({kinds: ['lock.released']}).length, 1);
});
