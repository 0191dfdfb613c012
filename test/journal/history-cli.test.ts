/**
 * `fleetdeck history` and `fleetdeck report` as an operator runs them: on a journal beside the
 * config, with each flag, over a pipe, and on a journal file that is not a database.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test, {type TestContext} from 'node:test';
import {openJournal, type JournalEvent, type NewEvent, type ReportJson} from '../../source/journal/index.js';
import {cliPath, runCli, tempDir} from '../helpers/cli.js';

const hour = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** A config dir whose journal holds a night of BRAIN_ATLAS restarts and a cleared lock. */
function fleetWithHistory(t: TestContext): string {
	const dir = tempDir(t, 'fleetdeck-history-');
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({accounts: [{id: 'ATLAS', number: '212000584', components: [
		{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: 'BRAIN_ATLAS\\.py'},
	]}]}));
	const events: NewEvent[] = [
		{kind: 'lock.cleared', account: 'FTMO', component: 'WATCHDOG_FTMO', pid: 4799, at: ago(3 * 24 * hour), message: 'fleetdeck locks clear-stale removed WATCHDOG_FTMO.lock (stale-dead: PID 4799 is gone)', detail: {verdict: 'stale-dead'}},
		{kind: 'process.started', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 100, at: ago(10 * hour), message: 'BRAIN_ATLAS started as PID 100', detail: {command: ['python', 'BRAIN_ATLAS.py', '--password', 'hunter2-SECRET']}},
		{kind: 'process.exited', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 100, at: ago(9 * hour), message: 'BRAIN_ATLAS PID 100 ended: exit code 3 after 3600 s, the broker session expired and the bot gave up', detail: {code: 3, signal: null}},
		{kind: 'process.restarted', account: 'ATLAS', component: 'BRAIN_ATLAS', at: ago(9 * hour - 1000), message: 'BRAIN_ATLAS restarting (restart 1) after exit code 3'},
		{kind: 'process.started', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 101, at: ago(9 * hour - 2000), message: 'BRAIN_ATLAS started as PID 101'},
		{kind: 'health.changed', account: 'GL_3', at: ago(hour), message: 'GL_3 connection ok → down'},
	];
	mkdirSync(path.join(dir, '.fleetdeck'));
	const journal = openJournal(path.join(dir, '.fleetdeck', 'journal.db'));
	assert.equal(journal.recordMany(events), events.length);
	journal.close();
	return dir;
}

const kindsOf = (stdout: string) => (JSON.parse(stdout) as JournalEvent[]).map(event => `${event.kind} ${event.component ?? event.account}`);

test('history: the last 24 h by default, --since, --account, --kind (one, several, a family), --json; newest last', async t => {
	const dir = fleetWithHistory(t);
	const day = await runCli(['history', '--json'], {cwd: dir});
	assert.equal(day.code, 0, day.stderr);
	assert.deepEqual(kindsOf(day.stdout), ['process.started BRAIN_ATLAS', 'process.exited BRAIN_ATLAS', 'process.restarted BRAIN_ATLAS', 'process.started BRAIN_ATLAS', 'health.changed GL_3']);
	const [first] = JSON.parse(day.stdout) as JournalEvent[];
	assert.deepEqual(Object.keys(first!), ['id', 'at', 'host', 'kind', 'account', 'component', 'pid', 'level', 'message', 'detail']);
	assert.deepEqual(first!.detail, {command: ['python', 'BRAIN_ATLAS.py', '--password', '[redacted]']});
	assert.equal(day.stdout.includes('hunter2-SECRET'), false);

	const week = await runCli(['history', '--since', '7d', '--json'], {cwd: dir});
	assert.equal((JSON.parse(week.stdout) as JournalEvent[])[0]!.kind, 'lock.cleared');
	assert.equal((JSON.parse(week.stdout) as JournalEvent[]).length, 6);

	const atlas = await runCli(['history', '--since', '7d', '--account', 'ATLAS', '--kind', 'process.exited', '--json'], {cwd: dir});
	assert.deepEqual(kindsOf(atlas.stdout), ['process.exited BRAIN_ATLAS']);
	const several = await runCli(['history', '--since', '7d', '--kind', 'lock.cleared', '--kind', 'health', '--json'], {cwd: dir});
	assert.deepEqual(kindsOf(several.stdout), ['lock.cleared WATCHDOG_FTMO', 'health.changed GL_3']);
	const commas = await runCli(['history', '--since', '7d', '--kind', 'lock.cleared,process.restarted', '--json'], {cwd: dir});
	assert.deepEqual(kindsOf(commas.stdout), ['lock.cleared WATCHDOG_FTMO', 'process.restarted BRAIN_ATLAS']);

	// Over a pipe the text keeps every message whole: the reason for the restart is the point.
	const text = await runCli(['history', '--account', 'ATLAS'], {cwd: dir});
	assert.equal(text.code, 0, text.stderr);
	const lines = text.stdout.trimEnd().split('\n');
	assert.equal(lines.length, 4);
	assert.match(lines[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN process\.exited +BRAIN_ATLAS +100 BRAIN_ATLAS PID 100 ended: exit code 3 after 3600 s, the broker session expired and the bot gave up$/);
	assert.match((await runCli(['history', '--account', 'NOPE'], {cwd: dir})).stdout, /^No events in this window\.\n$/);
});

test('history and report refuse a bad --since, an unknown --kind or an argument with exit 64', async t => {
	const dir = fleetWithHistory(t);
	for (const args of [['history', '--since', 'yesterday'], ['history', '--since', '0h'], ['history', '--kind', 'locks'], ['history', 'ATLAS'], ['report', '--since', '7'], ['report', 'extra']]) {
		const result = await runCli(args, {cwd: dir});
		assert.equal(result.code, 64, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stdout, '', args.join(' '));
		assert.match(result.stderr, /^fleetdeck: /, args.join(' '));
	}
});

test('report --since 7d: per component restarts, crash loops, stale locks cleared, duplicates and downtime', async t => {
	const dir = fleetWithHistory(t);
	const text = await runCli(['report', '--since', '7d'], {cwd: dir});
	assert.equal(text.code, 0, text.stderr);
	const lines = text.stdout.trimEnd().split('\n');
	assert.equal(lines[0], 'Report since 7d');
	assert.match(lines[1]!, /^COMPONENT +ACCOUNT +RESTARTS +CRASH-LOOPS +STALE-CLEARED +DUPLICATES +DOWNTIME$/);
	assert.match(lines[2]!, /^BRAIN_ATLAS +ATLAS +1 +0 +0 +0 +1s$/);
	assert.match(lines[3]!, /^WATCHDOG_FTMO +FTMO +0 +0 +1 +0 +0s$/);

	const json = await runCli(['report', '--since', '7d', '--json'], {cwd: dir});
	const report = JSON.parse(json.stdout) as ReportJson;
	assert.deepEqual(Object.keys(report), ['since', 'until', 'components']);
	assert.deepEqual(report.components.map(row => [row.component, row.restarts, row.staleLocksCleared]), [['BRAIN_ATLAS', 1, 0], ['WATCHDOG_FTMO', 0, 1]]);
	const short = await runCli(['report', '--since', '24h', '--json'], {cwd: dir});
	assert.deepEqual((JSON.parse(short.stdout) as ReportJson).components.map(row => row.component), ['BRAIN_ATLAS']);
});

test('history on a journal that is not a database: said once on stderr, the file kept aside, the command works', async t => {
	const dir = tempDir(t, 'fleetdeck-history-');
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({journal: 'state/journal.db'}));
	mkdirSync(path.join(dir, 'state'));
	const garbage = 'not a database, just bytes '.repeat(100);
	writeFileSync(path.join(dir, 'state', 'journal.db'), garbage);
	const result = await runCli(['history'], {cwd: dir});
	assert.equal(result.code, 0, result.stderr);
	// The fresh journal's first event says what happened to the old one.
	assert.match(result.stdout, /^\S+ \S+ WARN journal\.replaced - - journal .*journal\.db was damaged \(SQLITE_NOTADB: file is not a database\); moved it to .*journal\.db\.corrupt-\S+ and started a fresh journal\n$/);
	const warnings = result.stderr.trimEnd().split('\n');
	assert.equal(warnings.length, 1, result.stderr);
	assert.match(warnings[0]!, /^fleetdeck: journal .*journal\.db was damaged \(SQLITE_NOTADB: file is not a database\); moved it to .*journal\.db\.corrupt-\S+ and started a fresh journal$/);
	const aside = readdirSync(path.join(dir, 'state')).filter(name => name.startsWith('journal.db.corrupt-'));
	assert.equal(aside.length, 1);
	assert.equal(readFileSync(path.join(dir, 'state', aside[0]!), 'utf8'), garbage);

	const again = await runCli(['report'], {cwd: dir});
	assert.equal(again.code, 0, again.stderr);
	assert.equal(again.stderr, '');
});

test('history | head: the reader closing the pipe early is no error, no stack trace', async t => {
	const dir = fleetWithHistory(t);
	const journal = openJournal(path.join(dir, '.fleetdeck', 'journal.db'));
	journal.recordMany(Array.from({length: 5000}, (_, index) => ({kind: 'health.changed', account: 'ATLAS', message: `sample ${index} ${'x'.repeat(80)}`})));
	journal.close();
	const child = spawn(process.execPath, [cliPath, 'history'], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	child.stdout.once('data', () => child.stdout.destroy());
	const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
	assert.equal(stderr, '');
	assert.equal(code, 0);
});
