/**
 * A journal writer in its own process, for the concurrency, crash and disk-full tests and the
 * benchmark: `node writer.js DB --label L [--count N] [--pad BYTES] [--print-ids]`.
 *
 * Writes `--count` events (0: until killed or the journal gives up), each with detail
 * `{writer: L, seq}`. Prints `committed <id>` after each commit with `--print-ids`, `warning <text>`
 * for each journal warning, and finally `summary <json>` (a `WriterSummary`).
 */
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {openJournal} from '../../source/journal/index.js';

export interface WriterSummary {
	label: string;
	written: number;
	available: boolean;
	/** First and last write, epoch ms with fractions (comparable across processes). */
	startedAt: number;
	endedAt: number;
}

const {positionals, values} = parseArgs({
	allowPositionals: true,
	options: {
		label: {type: 'string', default: 'writer'},
		count: {type: 'string', default: '0'},
		pad: {type: 'string', default: '0'},
		'print-ids': {type: 'boolean', default: false},
	},
});

// A test runner globbing `test/**` may start this file with no arguments: nothing to do then.
const [database] = positionals;
if (database !== undefined) {
	const count = Number(values.count);
	const pad = 'x'.repeat(Number(values.pad));
	const journal = openJournal(database, {onWarning: message => process.stdout.write(`warning ${message}\n`)});
	const startedAt = performance.timeOrigin + performance.now();
	let written = 0;
	for (let seq = 0; (count === 0 || seq < count) && journal.available; seq++) {
		const id = journal.record({
			kind: 'health.changed',
			account: values.label,
			message: `sample event ${seq}`,
			detail: pad === '' ? {writer: values.label, seq} : {writer: values.label, seq, pad},
		});
		if (id !== null) {
			written++;
			if (values['print-ids']) {
				process.stdout.write(`committed ${id}\n`);
			}
		}
	}

	const summary: WriterSummary = {
		label: values.label,
		written,
		available: journal.available,
		startedAt,
		endedAt: performance.timeOrigin + performance.now(),
	};
	journal.close();
	process.stdout.write(`summary ${JSON.stringify(summary)}\n`);
}
