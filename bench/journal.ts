/**
 * Journal benchmark: `node dist/bench/journal.js [--events N] [--writer-events N]`.
 * 1. Event throughput with 4 concurrent writer processes against 1 writer (the baseline, same run).
 * 2. `report` over N (default 1,000,000) events against a plain `SELECT count(*)` of the same table.
 * Prints a table and asserts nothing; `benchJournal()` is what `npm run bench` calls.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';
import Database from 'better-sqlite3';
import {openJournal, type EventKind, type NewEvent} from '../source/journal/index.js';
import type {WriterSummary} from '../test/journal/writer.js';
import {formatTable, row, type BenchRow} from './table.js';
import {untilBenchExit} from './cleanup.js';

const writerScript = fileURLToPath(new URL('../test/journal/writer.js', import.meta.url));

/** Start `writers` writer processes at once on one fresh journal; events per second over all of them. */
async function writeRate(directory: string, writers: number, eventsEach: number): Promise<number> {
	const database = path.join(directory, `writers-${writers}.db`);
	openJournal(database).close(); // Schema in place first: measure writing, not migrating.
	const summaries = await Promise.all(Array.from({length: writers}, async (_, index) => runWriter(database, `w${index}`, eventsEach)));
	const start = Math.min(...summaries.map(summary => summary.startedAt));
	const end = Math.max(...summaries.map(summary => summary.endedAt));
	const written = summaries.reduce((sum, summary) => sum + summary.written, 0);
	return written / ((end - start) / 1000);
}

async function runWriter(database: string, label: string, count: number): Promise<WriterSummary> {
	const child = spawn(process.execPath, [writerScript, database, '--label', label, '--count', String(count)], {stdio: ['ignore', 'pipe', 'inherit']});
	const stop = untilBenchExit(() => child.kill('SIGKILL'));
	child.once('exit', stop);
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
	});
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	const summary = /^summary (.*)$/m.exec(output)?.[1];
	if (code !== 0 || summary === undefined) {
		throw new Error(`writer ${label} exited with ${code}: ${output}`);
	}

	return JSON.parse(summary) as WriterSummary;
}

const components = ['quantum_server', ...['BG_INSTANT', 'BG_CHALLENGE', 'ATLAS', 'GL_3', 'FTMO'].flatMap(account => [`BRAIN_${account}`, `WATCHDOG_${account}`])];
const kindMix: Array<[EventKind, number]> = [
	['health.changed', 35], ['lock.acquired', 8], ['lock.released', 8], ['process.started', 10], ['process.exited', 10],
	['process.restarted', 8], ['stop.confirmed', 4], ['lock.cleared', 4], ['duplicate.seen', 3], ['drift.raised', 5],
	['process.crash-loop', 1], ['lock.stale', 4],
];
const weightedKinds = kindMix.flatMap(([kind, weight]) => Array.from({length: weight}, () => kind));

/** `count` events spread over the 8 days before `now`, in time order, across 11 components. */
function* syntheticEvents(count: number, now: number): Generator<NewEvent> {
	const span = 8 * 86_400_000;
	for (let index = 0; index < count; index++) {
		const component = components[index % components.length]!;
		yield {
			kind: weightedKinds[(index * 7919) % weightedKinds.length]!,
			component,
			account: component.replace(/^(BRAIN|WATCHDOG)_/, ''),
			pid: 1000 + (index % 50_000),
			message: 'synthetic',
			detail: {seq: index},
			at: new Date(now - span + Math.floor((index / count) * span)).toISOString(),
		};
	}
}

function medianMs(runs: number, work: () => unknown): number {
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		const start = performance.now();
		work();
		times.push(performance.now() - start);
	}

	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)]!;
}

/** Write rates (4 writer processes against 1) and `report` over `events` events against `count(*)`. */
export async function benchJournal(options: {events?: number; writerEvents?: number} = {}): Promise<BenchRow[]> {
	const eventCount = options.events ?? 1_000_000;
	const writerEvents = options.writerEvents ?? 2000;
	const directory = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bench-journal-'));
	const remove = untilBenchExit(() => {
		rmSync(directory, {recursive: true, force: true});
	});
	try {
		const single = await writeRate(directory, 1, writerEvents);
		const four = await writeRate(directory, 4, writerEvents);

		const database = path.join(directory, 'report.db');
		const now = Date.now();
		const journal = openJournal(database, {now: () => now});
		const fillStart = performance.now();
		journal.recordMany(syntheticEvents(eventCount, now));
		const fillMs = performance.now() - fillStart;
		const since = now - 7 * 86_400_000;
		const reportMs = medianMs(3, () => journal.report(since));
		const plain = new Database(database, {readonly: true});
		const countMs = medianMs(3, () => plain.prepare('SELECT count(*) FROM events').pluck().get());
		plain.close();
		journal.close();

		return [
			row('journal: events/s, 4 writer processes', four, 'events/s', '1 writer process', single),
			row(`journal: report over ${eventCount} events`, reportMs, 'ms', 'SELECT count(*)', countMs),
			row(`journal: fill ${eventCount} events in one transaction`, fillMs, 'ms'),
		];
	} finally {
		remove();
	}
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
	const {values} = parseArgs({args: argv, options: {events: {type: 'string', default: '1000000'}, 'writer-events': {type: 'string', default: '2000'}}});
	console.log(formatTable(await benchJournal({events: Number(values.events), writerEvents: Number(values['writer-events'])})));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	await main();
}
