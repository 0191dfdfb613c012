/*
 * How long one read of the process table takes here, next to one run of
 * `ps -eo pid,lstart,args` (the floor: the cheapest external way to get the same facts).
 * Prints figures and asserts nothing. Run alone: npx tsc -p . && node dist/bench/process-table.js
 */
import {execFileSync} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {readProcessTable} from '../source/procs/index.js';
import {formatTable, median, row, type BenchRow} from './table.js';

async function time(action: () => unknown): Promise<number> {
	const start = performance.now();
	await action();
	return performance.now() - start;
}

/** Median of `rounds` process-table reads against the median of `ps -eo pid,lstart,args` runs. */
export async function benchProcessTable(rounds = 20): Promise<BenchRow[]> {
	// One untimed read first: module loading and the first /proc walk are not what a poll costs.
	const processCount = (await readProcessTable()).length;
	const samples: number[] = [];
	for (let round = 0; round < rounds; round++) {
		samples.push(await time(readProcessTable));
	}

	const name = `readProcessTable (${processCount} processes)`;
	if (process.platform === 'win32') {
		return [row(name, median(samples), 'ms')];
	}

	const floors: number[] = [];
	for (let round = 0; round < 5; round++) {
		floors.push(await time(() => execFileSync('ps', ['-eo', 'pid,lstart,args'], {maxBuffer: 64 * 1024 * 1024})));
	}

	return [row(name, median(samples), 'ms', 'ps -eo pid,lstart,args', median(floors))];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	console.log(formatTable(await benchProcessTable()));
}
