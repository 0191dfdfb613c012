/*
 * How long one read of the process table takes here, next to one run of
 * `ps -eo pid,lstart,args` (the floor: the cheapest external way to get the same facts).
 * Prints figures and asserts nothing. Run: npx tsc -p . && node dist/bench/process-table.js
 */
import {execFileSync} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {readProcessTable} from '../source/procs/index.js';

const rounds = 20;

async function time(action: () => unknown): Promise<number> {
	const start = performance.now();
	await action();
	return performance.now() - start;
}

// One untimed read first: module loading and the first /proc walk are not what a poll costs.
const processCount = (await readProcessTable()).length;
const samples: number[] = [];
for (let round = 0; round < rounds; round++) {
	samples.push(await time(readProcessTable));
}

samples.sort((a, b) => a - b);
const median = ((samples[(rounds / 2) - 1] ?? 0) + (samples[rounds / 2] ?? 0)) / 2;
const floor = process.platform === 'win32'
	? null
	: await time(() => execFileSync('ps', ['-eo', 'pid,lstart,args'], {maxBuffer: 64 * 1024 * 1024}));

console.log(`readProcessTable() (${process.platform}, ${processCount} processes): median ${median.toFixed(2)} ms of ${rounds}`);
console.log(floor === null ? 'ps -eo pid,lstart,args: not available on Windows' : `ps -eo pid,lstart,args once: ${floor.toFixed(2)} ms`);
