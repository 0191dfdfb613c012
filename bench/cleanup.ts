/**
 * What the bench started is undone on every way out: its normal end, an exception, SIGINT (Ctrl-C),
 * SIGTERM and SIGHUP. An interrupted `npm run bench` once left 5,000 `sleep 3600` behind for an
 * hour. Cleanups are synchronous (kill, rmSync): the 'exit' event allows nothing else.
 */
import {constants} from 'node:os';

const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
	for (const cleanup of [...cleanups].reverse()) {
		cleanups.delete(cleanup);
		try {
			cleanup();
		} catch {}
	}
}

function install(): void {
	installed = true;
	// Also emitted after an uncaught exception or an unhandled rejection, before the process ends.
	process.on('exit', runAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			process.stderr.write(`bench: ${signal}, stopping what the bench started\n`);
			runAll();
			process.exit(128 + constants.signals[signal]);
		});
	}
}

/** Run `cleanup` when the bench ends, however it ends; the returned function runs it now instead (once). */
export function untilBenchExit(cleanup: () => void): () => void {
	if (!installed) {
		install();
	}

	cleanups.add(cleanup);
	return () => {
		if (cleanups.delete(cleanup)) {
			cleanup();
		}
	};
}
