import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import test, {type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import Database from 'better-sqlite3';
import {openJournal} from '../../source/journal/index.js';
import {pollUntil} from '../helpers/children.js';
import {tempDir} from './temp-journal.js';
import type {WriterSummary} from './writer.js';

const writerScript = fileURLToPath(new URL('writer.js', import.meta.url));

interface Writer {
	child: ChildProcess;
	/** Complete stdout lines so far. */
	lines: string[];
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/** Start `writer.js` (through `sh -c` when `shellPrefix` is given); killed when the test ends. */
function startWriter(t: TestContext, args: string[], shellPrefix?: string): Writer {
	const argv = [writerScript, ...args];
	const child = shellPrefix === undefined
		? spawn(process.execPath, argv, {stdio: ['ignore', 'pipe', 'pipe']})
		: spawn('sh', ['-c', `${shellPrefix}; exec "$0" "$@"`, process.execPath, ...argv], {stdio: ['ignore', 'pipe', 'pipe']});
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => {
		child.on('close', (code, signal) => resolve({code, signal}));
	});
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}

		await exited;
	});
	const writer: Writer = {child, lines: [], exited};
	let partial = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop()!;
		writer.lines.push(...parts);
	});
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		writer.lines.push(`stderr ${chunk}`);
	});
	return writer;
}

function summaryOf(writer: Writer): WriterSummary {
	const line = writer.lines.find(candidate => candidate.startsWith('summary '));
	assert.ok(line, `no summary from the writer; it printed:\n${writer.lines.join('\n')}`);
	return JSON.parse(line.slice('summary '.length)) as WriterSummary;
}

test('4 writer processes × 500 events on a new journal: none lost, none failed on a lock', async t => {
	const file = path.join(tempDir(t), 'journal.db');
	// All four open a journal that does not exist yet, so they also race to create and migrate it.
	const writers = ['a', 'b', 'c', 'd'].map(label => startWriter(t, [file, '--label', label, '--count', '500']));
	for (const writer of writers) {
		assert.deepEqual(await writer.exited, {code: 0, signal: null});
		assert.deepEqual(writer.lines.filter(line => !line.startsWith('summary ')), []);
		assert.equal(summaryOf(writer).written, 500);
	}

	const journal = openJournal(file);
	t.after(() => journal.close());
	const events = journal.events();
	assert.equal(events.length, 2000);
	const keys = new Set(events.map(event => `${String(event.detail.writer)}:${String(event.detail.seq)}`));
	assert.equal(keys.size, 2000);
	assert.equal(new Set(events.map(event => event.id)).size, 2000);
});

test('a writer SIGKILLed mid-stream loses nothing it had committed', async t => {
	const file = path.join(tempDir(t), 'journal.db');
	const writer = startWriter(t, [file, '--label', 'doomed', '--print-ids']);
	// Killed after 300 commits, counted, however long a loaded machine takes to make them.
	await pollUntil('300 commits by the writer', () => (writer.lines.length >= 300 ? true : undefined), 120_000, 20);

	writer.child.kill('SIGKILL');
	assert.deepEqual(await writer.exited, {code: null, signal: 'SIGKILL'});
	const committed = writer.lines.map(line => /^committed (\d+)$/.exec(line)?.[1]).filter(id => id !== undefined).map(Number);
	assert.ok(committed.length >= 300);

	const journal = openJournal(file);
	t.after(() => journal.close());
	assert.equal(journal.available, true, journal.warning ?? '');
	const stored = new Set(journal.events().map(event => event.id));
	assert.deepEqual(committed.filter(id => !stored.has(id)), [], 'committed ids missing after the kill');
	const check = new Database(file, {readonly: true});
	t.after(() => check.close());
	assert.equal(check.pragma('integrity_check', {simple: true}), 'ok');
});

test('a disk that fills up mid-stream and stays full: one warning, the writer keeps running, committed events stay, the held one is written or said lost', async t => {
	const file = path.join(tempDir(t), 'journal.db');
	// A file-size limit (1 MiB; sh counts 512-byte blocks) makes the WAL write fail as a full disk does.
	const writer = startWriter(t, [file, '--label', 'full', '--pad', '2000'], 'ulimit -f 2048');
	assert.deepEqual(await writer.exited, {code: 0, signal: null});
	const warnings = writer.lines.filter(line => line.startsWith('warning '));
	assert.equal(warnings.length, 2, writer.lines.join('\n'));
	assert.match(warnings[0]!, /write failed \(SQLITE_(FULL|IOERR)[^)]*\); fleetdeck keeps monitoring, holds up to 1000 events in memory and retries$/);
	// The writer stops at the first failure, holding that event; the last try at close either finds
	// room (a fresh connection checkpoints the WAL first) or says the event is lost.
	assert.match(warnings[1]!, /(: 1 event could not be written before closing and is lost| can be written again after [\d.]+ s; wrote the 1 held event)$/);
	const heldWritten = warnings[1]!.includes('wrote the 1 held event') ? 1 : 0;
	const summary = summaryOf(writer);
	assert.equal(summary.available, false);
	assert.ok(summary.written > 10, `only ${summary.written} events fit`);

	const journal = openJournal(file);
	t.after(() => journal.close());
	assert.equal(journal.events().length, summary.written + heldWritten);
});
