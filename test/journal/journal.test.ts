import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import {openJournal, parseSince, schedulePruning, schemaVersion, type NewEvent} from '../../source/journal/index.js';
import {day, manualClock, minute, t0, tempDir} from './temp-journal.js';

const iso = (at: number) => new Date(at).toISOString();

test('events round-trip with defaults filled in, filtered and newest last', t => {
	const journal = openJournal(path.join(tempDir(t), 'nested', 'dir', 'journal.db'), {now: () => t0, host: 'deck'});
	t.after(() => journal.close());
	assert.equal(journal.available, true);
	assert.equal(journal.warning, null);
	const first = journal.record({kind: 'lock.acquired', component: 'BRAIN_ATLAS', account: 'ATLAS', pid: 19_248, message: 'lock taken', detail: {fencingToken: 3}});
	journal.record({kind: 'health.changed', account: 'GL_3', message: 'broker down', level: 'crit', at: iso(t0 - minute)});
	journal.record({kind: 'lock.cleared', component: 'BRAIN_GL_3', account: 'GL_3', message: 'stale lock cleared', at: iso(t0 - 2 * minute)});
	assert.equal(first, 1);

	const all = journal.events();
	assert.deepEqual(all.map(event => event.kind), ['lock.cleared', 'health.changed', 'lock.acquired']);
	assert.deepEqual(all[2], {
		id: 1, at: iso(t0), host: 'deck', kind: 'lock.acquired', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 19_248, level: 'info',
		message: 'lock taken', detail: {fencingToken: 3},
	});
	assert.equal(all[0]!.level, 'warn'); // lock.cleared's default level.
	assert.deepEqual(all[1]!.detail, {});

	assert.deepEqual(journal.events({account: 'GL_3'}).map(event => event.id), [3, 2]);
	assert.deepEqual(journal.events({kinds: ['lock']}).map(event => event.id), [3, 1]);
	assert.deepEqual(journal.events({kinds: ['health.changed', 'lock.cleared']}).map(event => event.id), [3, 2]);
	assert.deepEqual(journal.events({component: 'BRAIN_ATLAS'}).map(event => event.id), [1]);
	assert.deepEqual(journal.events({since: t0 - minute}).map(event => event.id), [2, 1]);
	assert.deepEqual(journal.events({until: t0 - minute}).map(event => event.id), [3, 2]);
	assert.deepEqual(journal.events({limit: 2}).map(event => event.id), [2, 1]);
	assert.deepEqual(journal.events({since: t0 + 1}), []);
	assert.equal(journal.recordMany([{kind: 'config.loaded', message: 'a'}, {kind: 'config.loaded', message: 'b'}]), 2);
	assert.equal(journal.events({kinds: ['config']}).length, 2);
});

test('secrets never reach the database file', t => {
	const file = path.join(tempDir(t), 'journal.db');
	const journal = openJournal(file);
	journal.record({kind: 'config.loaded', message: 'config loaded', detail: {broker: {password: 'hunter2-SECRET', apiKey: 'AKIA-SECRET'}}});
	// What the `run` supervisor journals: the bot's command line in the message and its argv under `command`.
	journal.record({kind: 'supervisor.started', component: 'BRAIN_ATLAS', message: 'supervisor PID 1 started for BRAIN_ATLAS: python BRAIN_ATLAS.py --password argv-SECRET --api-key=flag-SECRET'});
	journal.record({kind: 'process.started', component: 'BRAIN_ATLAS', message: 'BRAIN_ATLAS started as PID 2', detail: {command: ['python', 'BRAIN_ATLAS.py', '--password', 'argv-SECRET', '--api-key=flag-SECRET'], env: {MT5_KEY: 'env-SECRET'}}});
	const [, started, bot] = journal.events();
	assert.equal(started!.message, 'supervisor PID 1 started for BRAIN_ATLAS: python BRAIN_ATLAS.py --password [redacted] --api-key=[redacted]');
	assert.deepEqual(bot!.detail, {command: ['python', 'BRAIN_ATLAS.py', '--password', '[redacted]', '--api-key=[redacted]'], env: {MT5_KEY: '[redacted]'}});
	journal.close();
	const bytes = readdirSync(path.dirname(file)).map(name => readFileSync(path.join(path.dirname(file), name)).toString('latin1')).join('');
	assert.doesNotMatch(bytes, /hunter2-SECRET|AKIA-SECRET|argv-SECRET|flag-SECRET|env-SECRET/);
});

test('health samples: the last N of an account, oldest first, compact levels', t => {
	const journal = openJournal(path.join(tempDir(t), 'journal.db'));
	t.after(() => journal.close());
	for (let index = 0; index < 10; index++) {
		journal.sample({account: 'ATLAS', at: iso(t0 + index * 2000), service: 'ok', connection: index % 2 === 0 ? 'ok' : 'degraded', broker: 'unknown', latencyMs: 30 + index});
		journal.sample({account: 'FTMO', at: iso(t0 + index * 2000), service: 'down', connection: 'down', broker: 'down', latencyMs: null});
	}

	const last = journal.samples('ATLAS', 3);
	assert.deepEqual(last, [
		{account: 'ATLAS', at: iso(t0 + 14_000), service: 'ok', connection: 'degraded', broker: 'unknown', latencyMs: 37},
		{account: 'ATLAS', at: iso(t0 + 16_000), service: 'ok', connection: 'ok', broker: 'unknown', latencyMs: 38},
		{account: 'ATLAS', at: iso(t0 + 18_000), service: 'ok', connection: 'degraded', broker: 'unknown', latencyMs: 39},
	]);
	assert.equal(journal.samples('FTMO', 100).length, 10);
	assert.equal(journal.samples('FTMO', 1)[0]!.latencyMs, null);
	assert.deepEqual(journal.samples('NOBODY', 5), []);
});

test('report: counts per component and downtime from exit or stop to the next start', t => {
	const clock = manualClock(t0);
	const journal = openJournal(path.join(tempDir(t), 'journal.db'), {now: clock.now});
	t.after(() => journal.close());
	const at = (seconds: number) => iso(t0 + seconds * 1000);
	const brain = {component: 'BRAIN_ATLAS', account: 'ATLAS'};
	const watchdog = {component: 'WATCHDOG_ATLAS', account: 'ATLAS'};
	const events: NewEvent[] = [
		{...brain, kind: 'process.exited', message: 'before the window', at: at(-100)},
		{...brain, kind: 'process.started', message: 'up', at: at(0)},
		{...brain, kind: 'process.exited', message: 'crashed', at: at(10)},
		{...brain, kind: 'lock.cleared', message: 'stale lock cleared', at: at(12)},
		{...brain, kind: 'stop.confirmed', message: 'supervisor confirmed gone', at: at(15)}, // Same down period.
		{...brain, kind: 'process.restarted', message: 'restarted', at: at(60)}, // Down 50 s.
		{...brain, kind: 'duplicate.seen', message: 'second instance', at: at(70)},
		{...brain, kind: 'process.exited', message: 'crashed', at: at(100)}, // Still down at the end: 100 s.
		{...brain, kind: 'process.crash-loop', message: 'gave up', at: at(101)},
		{...watchdog, kind: 'process.started', message: 'up', at: at(5)},
		{...watchdog, kind: 'process.restarted', message: 'restarted', at: at(6)},
		{...watchdog, kind: 'stop.requested', message: 'not counted', at: at(7)},
		{kind: 'lock.cleared', message: 'no component: not in the report', at: at(8)},
	];
	journal.recordMany(events);
	clock.set(t0 + 200_000);
	assert.deepEqual(journal.report(t0 - 10_000), [
		{component: 'BRAIN_ATLAS', account: 'ATLAS', restarts: 1, crashLoops: 1, staleLocksCleared: 1, duplicatesSeen: 1, downtimeMs: 150_000},
		{component: 'WATCHDOG_ATLAS', account: 'ATLAS', restarts: 1, crashLoops: 0, staleLocksCleared: 0, duplicatesSeen: 0, downtimeMs: 0},
	]);
	// From before the first exit: it has no start before it in the window, and still opens a down period.
	assert.equal(journal.report(t0 - 200_000)[0]!.downtimeMs, 150_000 + 100_000);
	assert.deepEqual(journal.report(t0 + 150_000), []);
	assert.deepEqual(journal.report(parseSince('7d', clock.now())).map(row => row.component), ['BRAIN_ATLAS', 'WATCHDOG_ATLAS']);
});

test('prune removes rows past retention in batches, by an injected clock', t => {
	const clock = manualClock(t0);
	const journal = openJournal(path.join(tempDir(t), 'journal.db'), {now: clock.now});
	t.after(() => journal.close());
	const old = (index: number): NewEvent => ({kind: 'health.changed', account: 'ATLAS', message: `old ${index}`, at: iso(t0 - 91 * day + index)});
	journal.recordMany(Array.from({length: 1234}, (_, index) => old(index)));
	journal.recordMany([{kind: 'health.changed', message: 'recent', at: iso(t0 - 89 * day)}, {kind: 'health.changed', message: 'now'}]);
	for (const account of ['ATLAS', 'FTMO']) {
		for (let index = 0; index < 600; index++) {
			journal.sample({account, at: iso(t0 - 8 * day + index), service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 5});
		}

		journal.sample({account, at: iso(t0 - 6 * day), service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 5});
	}

	assert.deepEqual(journal.prune(), {events: 1234, samples: 1200});
	assert.deepEqual(journal.events().map(event => event.message), ['recent', 'now']);
	assert.equal(journal.samples('ATLAS', 1000).length, 1);
	assert.deepEqual(journal.prune(), {events: 0, samples: 0});

	clock.set(t0 + 2 * day);
	assert.deepEqual(journal.prune(), {events: 1, samples: 2});
	assert.equal(journal.available, true);
});

test('retention is configurable', t => {
	const journal = openJournal(path.join(tempDir(t), 'journal.db'), {now: () => t0, retentionDays: {events: 1, samples: 1}});
	t.after(() => journal.close());
	journal.record({kind: 'config.loaded', message: 'two days ago', at: iso(t0 - 2 * day)});
	journal.record({kind: 'config.loaded', message: 'an hour ago', at: iso(t0 - 60 * minute)});
	journal.sample({account: 'ATLAS', at: iso(t0 - 2 * day), service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 1});
	assert.deepEqual(journal.prune(), {events: 1, samples: 1});
});

test('migration: an empty file becomes a current journal', t => {
	const file = path.join(tempDir(t), 'journal.db');
	writeFileSync(file, '');
	const journal = openJournal(file);
	t.after(() => journal.close());
	assert.equal(journal.available, true);
	assert.equal(journal.warning, null);
	assert.equal(journal.record({kind: 'config.loaded', message: 'ok'}), 1);
	const db = new Database(file, {readonly: true});
	t.after(() => db.close());
	assert.equal(db.pragma('user_version', {simple: true}), schemaVersion);
	assert.equal(db.pragma('journal_mode', {simple: true}), 'wal');
});

test('migration: a version-1 journal is upgraded in place and keeps its events', t => {
	const file = path.join(tempDir(t), 'journal.db');
	const v1 = new Database(file);
	v1.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL, account TEXT,
		component TEXT, pid INTEGER, level TEXT NOT NULL, message TEXT NOT NULL, detail TEXT);
		CREATE INDEX events_at ON events (at);`);
	v1.prepare('INSERT INTO events (at, host, kind, account, component, pid, level, message, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
		.run(t0, 'old-host', 'process.restarted', 'ATLAS', 'BRAIN_ATLAS', 42, 'warn', 'restarted by v1', '{"code":1}');
	v1.pragma('user_version = 1');
	v1.close();

	const journal = openJournal(file, {now: () => t0 + minute});
	t.after(() => journal.close());
	assert.equal(journal.available, true, journal.warning ?? '');
	assert.deepEqual(journal.events().map(event => [event.host, event.message, event.detail]), [['old-host', 'restarted by v1', {code: 1}]]);
	assert.equal(journal.report(t0 - 1)[0]!.restarts, 1); // Needs the index migration 2 adds.
	journal.sample({account: 'ATLAS', service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 1}); // Needs migration 2's table.
	assert.equal(journal.samples('ATLAS', 5).length, 1);
	const db = new Database(file, {readonly: true});
	t.after(() => db.close());
	assert.equal(db.pragma('user_version', {simple: true}), schemaVersion);
});

test('a journal from a newer fleetdeck is left alone, with one warning, and one for the event it could not write', t => {
	const file = path.join(tempDir(t), 'journal.db');
	const newer = new Database(file);
	newer.pragma(`user_version = ${schemaVersion + 5}`);
	newer.close();
	const warnings: string[] = [];
	const journal = openJournal(file, {onWarning: message => warnings.push(message)});
	assert.equal(journal.available, false);
	assert.match(journal.warning ?? '', /schema version 7 is newer than this fleetdeck understands \(2\)/);
	assert.equal(journal.record({kind: 'config.loaded', message: 'dropped'}), null);
	assert.deepEqual(journal.events(), []);
	assert.deepEqual(journal.report(0), []);
	assert.deepEqual(journal.prune(), {events: 0, samples: 0});
	journal.close();
	assert.equal(warnings.length, 2, warnings.join('\n'));
	assert.match(warnings[1]!, /: 1 event could not be written before closing and is lost$/);
	assert.deepEqual(readdirSync(path.dirname(file)).filter(name => name.includes('corrupt')), []);
});

test('a corrupt journal is moved aside, kept byte for byte, and a fresh one started', t => {
	const directory = tempDir(t);
	const file = path.join(directory, 'journal.db');
	const garbage = Buffer.from('this is not a database '.repeat(200));
	writeFileSync(file, garbage);
	const warnings: string[] = [];
	const journal = openJournal(file, {now: () => t0, onWarning: message => warnings.push(message)});
	t.after(() => journal.close());
	const movedTo = `${file}.corrupt-2026-11-22T18-00-00-000Z`;
	assert.equal(journal.available, true);
	assert.deepEqual(warnings, [`journal ${file} was damaged (SQLITE_NOTADB: file is not a database); moved it to ${movedTo} and started a fresh journal`]);
	assert.equal(journal.warning, warnings[0]);
	assert.deepEqual(readFileSync(movedTo), garbage);
	assert.equal(journal.record({kind: 'config.loaded', message: 'fresh'}), 2);
	// The first event of the fresh journal is the move, as said on stderr.
	assert.deepEqual(journal.events().map(event => [event.kind, event.message, event.detail]), [
		['journal.replaced', warnings[0], {movedTo}],
		['config.loaded', 'fresh', {}],
	]);
});

test('a journal that cannot be opened holds its events, never throws, and says at close what was lost', t => {
	const directory = tempDir(t);
	writeFileSync(path.join(directory, 'not-a-directory'), '');
	const warnings: string[] = [];
	const journal = openJournal(path.join(directory, 'not-a-directory', 'journal.db'), {onWarning: message => warnings.push(message)});
	assert.equal(journal.available, false);
	for (let index = 0; index < 3; index++) {
		assert.equal(journal.record({kind: 'config.loaded', message: 'dropped'}), null);
		journal.sample({account: 'ATLAS', service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 1});
	}

	assert.deepEqual(journal.samples('ATLAS', 5), []);
	journal.close();
	assert.deepEqual(warnings.length, 2, warnings.join('\n'));
	assert.match(warnings[0]!, /not-a-directory\/journal\.db cannot be opened \(.*\); fleetdeck keeps monitoring, holds up to 1000 events in memory and retries$/);
	assert.match(warnings[1]!, /not-a-directory\/journal\.db: 3 events could not be written before closing and are lost$/);
});

/** What opening a journal and writing one event gave, seen by `uid` (this process when absent). */
function openAndWrite(file: string, uid?: number): {available: boolean; warning: string | null; id: number | null} | {notRun: string} {
	if (uid === undefined) {
		const journal = openJournal(file);
		const outcome = {available: journal.available, warning: journal.warning, id: journal.record({kind: 'config.loaded', message: 'x'})};
		journal.close();
		return outcome;
	}

	const script = `import {openJournal} from ${JSON.stringify(new URL('../../source/journal/index.js', import.meta.url).href)};
		const journal = openJournal(process.argv[1]);
		console.log(JSON.stringify({available: journal.available, warning: journal.warning, id: journal.record({kind: 'config.loaded', message: 'x'})}));`;
	const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {uid, gid: uid, encoding: 'utf8', timeout: 20_000});
	if (child.error || child.status !== 0) {
		return {notRun: `could not run as uid ${uid}: ${child.error?.message ?? child.stderr}`};
	}

	return JSON.parse(child.stdout) as {available: boolean; warning: string | null; id: number | null};
}

test('a journal in a read-only directory cannot be opened: one warning, nothing created', t => {
	const root = tempDir(t);
	chmodSync(root, 0o755);
	const directory = path.join(root, 'readonly');
	mkdirSync(directory);
	chmodSync(directory, 0o555);
	try {
		// Root ignores directory permissions, so as root the check runs as `nobody` instead.
		const outcome = openAndWrite(path.join(directory, 'journal.db'), process.getuid?.() === 0 ? 65_534 : undefined);
		if ('notRun' in outcome) {
			t.skip(`running as root and ${outcome.notRun}: chmod cannot be observed`);
			return;
		}

		assert.deepEqual(outcome, {
			available: false,
			warning: `journal ${directory}/journal.db cannot be opened (EACCES: permission denied, open '${directory}/journal.db'); fleetdeck keeps monitoring, holds up to 1000 events in memory and retries`,
			id: null,
		});
		assert.deepEqual(readdirSync(directory), []);
	} finally {
		chmodSync(directory, 0o755); // So the temp directory can be removed.
	}
});

test('schedulePruning prunes by the configured retention after its first delay, then on its interval, until stopped', async t => {
	const clock = manualClock(t0);
	const journal = openJournal(path.join(tempDir(t), 'journal.db'), {now: clock.now, retentionDays: {events: 30, samples: 7}});
	t.after(() => journal.close());
	journal.recordMany([{kind: 'health.changed', message: 'month old', at: iso(t0 - 31 * day)}, {kind: 'health.changed', message: 'recent', at: iso(t0 - 29 * day)}]);
	// Node's mock timers are the fake clock for schedulePruning's timers: each tick runs exactly
	// the timers due in it, so "not yet", "now" and "never again" are facts, not races.
	t.mock.timers.enable({apis: ['setTimeout', 'setInterval']});
	const stop = schedulePruning(journal, {everyMs: 20, firstAfterMs: 10});
	t.after(stop);
	const messages = () => journal.events({since: 0}).map(event => event.message);
	t.mock.timers.tick(9);
	assert.deepEqual(messages(), ['month old', 'recent'], 'nothing pruned before the first delay');
	t.mock.timers.tick(1);
	assert.deepEqual(messages(), ['recent']);

	clock.set(t0 + 2 * day);
	t.mock.timers.tick(20);
	assert.deepEqual(messages(), [], 'pruned again on the interval');
	stop();
	journal.record({kind: 'health.changed', message: 'old, after the stop', at: iso(clock.now() - 60 * day)});
	t.mock.timers.tick(20 * 100);
	assert.deepEqual(messages(), ['old, after the stop'], 'nothing prunes once stopped');
});
