/**
 * Journal trouble is never final: a failed write is held and retried, a damaged file is moved aside
 * and replaced. Real files throughout; the one injected fault (`connect`, SQLITE_FULL from a
 * transaction) wraps a real better-sqlite3 connection, and every retry decision is the journal's own.
 */
import assert from 'node:assert/strict';
import {closeSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import {heldEventsLimit, openJournal} from '../../source/journal/open-journal.js';
import type {JournalOptions} from '../../source/journal/types.js';
import {pollUntil} from '../helpers/children.js';
import {manualClock, t0, tempDir} from './temp-journal.js';

const quickRetry = {first: 20, max: 80};

/** A real connection whose `transaction(…).immediate()` fails with `code` while `failing()` says so. */
function failingWrites(failing: () => boolean, code = 'SQLITE_FULL'): NonNullable<JournalOptions['connect']> {
	return (file, options) => {
		const db = new Database(file, options);
		return new Proxy(db, {
			get(target, property) {
				if (property === 'transaction') {
					return (work: () => unknown) => {
						const transaction = target.transaction(work);
						return Object.assign(() => transaction(), {
							immediate() {
								if (failing()) {
									throw new Database.SqliteError('database or disk is full', code);
								}

								return transaction.immediate();
							},
						});
					};
				}

				const value: unknown = Reflect.get(target, property, target);
				return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
			},
		});
	};
}

/** A journal with `count` padded events, closed (its WAL checkpointed into the file). */
function filledJournal(file: string, count: number): void {
	const journal = openJournal(file);
	journal.recordMany(Array.from({length: count}, (_, seq) => ({kind: 'health.changed' as const, message: `event ${seq} ${'x'.repeat(200)}`, account: 'A'})));
	journal.close();
}

test('damaged interior pages (garbage written into the middle of a closed journal): the next open moves it aside, kept byte for byte, and journals fresh', t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'journal.db');
	filledJournal(file, 2000);
	const pageSize = 4096;
	const pages = statSync(file).size / pageSize;
	assert.ok(pages > 40, `only ${pages} pages`);
	const fd = openSync(file, 'r+');
	for (let page = Math.floor(pages / 2); page < Math.floor(pages / 2) + 4; page++) {
		writeSync(fd, Buffer.alloc(pageSize, 0xAB), 0, pageSize, page * pageSize);
	}

	closeSync(fd);
	const damaged = readFileSync(file);
	// SQLite itself opens it without complaint: the damage waits for a statement that reaches those pages.
	const plain = new Database(file);
	assert.equal(plain.pragma('user_version', {simple: true}), 2);
	plain.close();

	const warnings: string[] = [];
	const journal = openJournal(file, {now: () => t0, onWarning: message => warnings.push(message)});
	t.after(() => journal.close());
	const movedTo = `${file}.corrupt-2026-11-22T18-00-00-000Z`;
	assert.equal(warnings.length, 1, warnings.join('\n'));
	assert.match(warnings[0]!, new RegExp(`^journal ${file} was damaged \\(quick_check: .+\\); moved it to ${movedTo} and started a fresh journal$`));
	assert.deepEqual(readFileSync(movedTo), damaged);
	assert.equal(journal.available, true);
	assert.equal(journal.record({kind: 'config.loaded', message: 'after the repair'}), 2);
	assert.deepEqual(journal.events().map(event => [event.kind, event.message]), [['journal.replaced', warnings[0]], ['config.loaded', 'after the repair']]);
	// A second open finds the fresh journal sound: nothing more is moved.
	const again = openJournal(file);
	again.close();
	assert.deepEqual(readdirSync(directory).filter(name => name.includes('.corrupt-')).sort(), [path.basename(movedTo)]);
});

test('a journal locked by another writer past the busy timeout (a real SQLITE_BUSY): events held, written in order once the lock is gone, never moved aside', async t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'journal.db');
	const clock = manualClock(t0);
	const warnings: string[] = [];
	const journal = openJournal(file, {now: clock.now, busyTimeoutMs: 30, retryDelayMs: quickRetry, onWarning: message => warnings.push(message)});
	t.after(() => journal.close());
	assert.equal(journal.record({kind: 'config.loaded', message: 'before'}), 1);

	const other = new Database(file);
	t.after(() => other.close());
	other.exec('BEGIN IMMEDIATE');
	clock.set(t0 + 1000);
	assert.equal(journal.record({kind: 'process.started', message: 'first while locked', component: 'BRAIN_A'}), null);
	clock.set(t0 + 2000);
	assert.equal(journal.recordMany([{kind: 'process.exited', message: 'second while locked', component: 'BRAIN_A'}]), 0);
	assert.equal(journal.available, false);
	assert.match(journal.warning ?? '', /write failed \(SQLITE_BUSY: database is locked\); fleetdeck keeps monitoring, holds up to 1000 events in memory and retries$/);

	other.exec('COMMIT');
	// No new event needed: the retry timer writes what is held.
	await pollUntil('the held events to be written', () => (journal.available ? true : undefined), 60_000, 10);
	assert.deepEqual(journal.events().map(event => [event.message, event.at]), [
		['before', '2026-11-22T18:00:00.000Z'],
		['first while locked', '2026-11-22T18:00:01.000Z'],
		['second while locked', '2026-11-22T18:00:02.000Z'],
	]);
	assert.equal(warnings.length, 2, warnings.join('\n'));
	assert.match(warnings[1]!, /can be written again after [\d.]+ s; wrote the 2 held events$/);
	assert.deepEqual(readdirSync(directory).filter(name => name.includes('.corrupt-')), []);
});

test('SQLITE_FULL for the first writes (injected): retried with backoff until it works, nothing lost, the journal never gives up', async t => {
	const file = path.join(tempDir(t), 'journal.db');
	let failures = 0;
	const failFor = 5;
	const journal = openJournal(file, {retryDelayMs: quickRetry, connect: failingWrites(() => failures++ < failFor)});
	t.after(() => journal.close());
	assert.equal(journal.record({kind: 'config.loaded', message: 'one'}), null);
	assert.equal(journal.record({kind: 'config.loaded', message: 'two'}), null);
	await pollUntil('the retries to get through', () => (journal.available ? true : undefined), 60_000, 10);
	assert.ok(failures > failFor, `only ${failures} attempts`);
	assert.equal(journal.record({kind: 'config.loaded', message: 'three'}), 3);
	assert.deepEqual(journal.events().map(event => event.message), ['one', 'two', 'three']);
});

test(`a long outage: at most ${heldEventsLimit} events held, the oldest dropped, and how many (and when) journaled once it works again`, t => {
	const file = path.join(tempDir(t), 'journal.db');
	const clock = manualClock(t0);
	let failing = true;
	const warnings: string[] = [];
	const journal = openJournal(file, {now: clock.now, retryDelayMs: {first: 0, max: 0}, connect: failingWrites(() => failing), onWarning: message => warnings.push(message)});
	t.after(() => journal.close());
	const extra = 5;
	for (let seq = 0; seq < heldEventsLimit + extra; seq++) {
		clock.set(t0 + seq * 1000);
		assert.equal(journal.record({kind: 'process.restarted', message: `restart ${seq}`, component: 'BRAIN_A'}), null);
	}

	failing = false;
	clock.set(t0 + 3_600_000);
	const last = journal.record({kind: 'process.restarted', message: 'after the outage', component: 'BRAIN_A'});
	assert.notEqual(last, null);
	const events = journal.events();
	assert.equal(events.length, 1 + heldEventsLimit + 1);
	const dropped = events.find(event => event.kind === 'journal.dropped');
	assert.deepEqual(dropped?.detail, {dropped: extra, from: '2026-11-22T18:00:00.000Z', to: '2026-11-22T18:00:04.000Z'});
	assert.equal(dropped?.level, 'warn');
	const restarts = events.filter(event => event.kind === 'process.restarted').map(event => event.message);
	assert.equal(restarts[0], `restart ${extra}`, 'the oldest were the ones dropped');
	assert.equal(restarts.at(-1), 'after the outage');
	assert.match(warnings.at(-1)!, /wrote the 1001 held events, 5 older ones were lost \(journaled as journal\.dropped\)$/);
});

test('SQLITE_CORRUPT from a write (injected) moves the file aside and writes the held event to the fresh journal', t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'journal.db');
	let corrupt = true;
	const warnings: string[] = [];
	const journal = openJournal(file, {now: () => t0, connect: failingWrites(() => {
		const now = corrupt;
		corrupt = false;
		return now;
	}, 'SQLITE_CORRUPT'), onWarning: message => warnings.push(message)});
	t.after(() => journal.close());
	assert.equal(journal.record({kind: 'config.loaded', message: 'written after the repair'}), 2);
	assert.equal(warnings.length, 1, warnings.join('\n'));
	assert.match(warnings[0]!, /was damaged \(SQLITE_CORRUPT: database or disk is full\); moved it to .*journal\.db\.corrupt-2026-11-22T18-00-00-000Z and started a fresh journal$/);
	assert.deepEqual(journal.events().map(event => event.kind), ['journal.replaced', 'config.loaded']);
	assert.equal(readdirSync(directory).filter(name => name.includes('.corrupt-')).length, 1);
});

test('another process moved a damaged journal aside: a journal still open on the old file follows to the fresh one', t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'journal.db');
	const staying = openJournal(file);
	t.after(() => staying.close());
	assert.equal(staying.record({kind: 'config.loaded', message: 'before the move'}), 1);
	// What the other process's move-aside does: rename the file with its WAL and index, start afresh.
	for (const suffix of ['', '-wal', '-shm']) {
		renameSync(file + suffix, `${file}.corrupt-elsewhere${suffix}`);
	}

	const other = openJournal(file);
	other.record({kind: 'journal.replaced', message: 'moved by the other process'});
	other.close();
	assert.equal(staying.record({kind: 'config.loaded', message: 'after the move'}), 2);
	assert.deepEqual(staying.events().map(event => event.message), ['moved by the other process', 'after the move']);
});

test('under umask 000 a new journal is private: its directory 0700, the database and its -wal and -shm 0600', t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'state', 'journal.db');
	const previous = process.umask(0);
	let journal: ReturnType<typeof openJournal>;
	try {
		journal = openJournal(file);
		journal.record({kind: 'config.loaded', message: 'x'});
	} finally {
		process.umask(previous);
	}

	t.after(() => journal!.close());
	assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
	for (const suffix of ['', '-wal', '-shm']) {
		assert.equal(statSync(file + suffix).mode & 0o777, 0o600, `journal.db${suffix}`);
	}
});
