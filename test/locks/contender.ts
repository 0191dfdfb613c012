/**
 * A lock contender for the multi-process tests (run as a child process, not a test file).
 *
 *   node contender.js loop DIR NAME LOG STOP_FILE
 *     acquire → append "enter PID TOKEN" → hold briefly → append "exit PID TOKEN" → release, until
 *     STOP_FILE exists (the test says when, by what it has seen happen, never by the clock); a
 *     takeover appends "takeover PID OLD_PID VERDICT" first, a failed release "lost …".
 *   node contender.js race DIR NAME
 *     per stdin line: "acquire" prints the result as one JSON line; "release" releases what it holds.
 */
import {appendFileSync, existsSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {setTimeout as sleep} from 'node:timers/promises';
import {acquire, release} from '../../source/locks/index.js';
import type {LockRecord} from '../../source/locks/types.js';

async function loop(dir: string, name: string, log: string, stopFile: string): Promise<void> {
	const write = (line: string) => {
		appendFileSync(log, `${line}\n`);
	};

	while (!existsSync(stopFile)) {
		const result = await acquire(dir, name, {command: 'contender'});
		if (!result.acquired) {
			await sleep(2 + Math.random() * 8);
			continue;
		}

		const {pid, token} = result.record;
		if (result.tookOver) {
			write(`takeover ${pid} ${result.tookOver.record?.pid ?? '?'} ${result.tookOver.verdict}`);
		}

		write(`enter ${pid} ${token}`);
		await sleep(15 + Math.random() * 30);
		write(`exit ${pid} ${token}`);
		const released = await release(dir, name, result.record);
		if (!released.released) {
			write(`lost ${pid} ${released.reason}`);
		}

		await sleep(Math.random() * 5);
	}
}

async function race(dir: string, name: string): Promise<void> {
	let held: LockRecord | null = null;
	process.stdout.write('ready\n');
	for await (const line of createInterface({input: process.stdin})) {
		if (line === 'acquire') {
			const result = await acquire(dir, name, {command: 'contender'});
			held = result.acquired ? result.record : null;
			const report = result.acquired
				? {pid: process.pid, acquired: true, token: result.record.token, tookOver: result.tookOver?.verdict ?? null}
				: {pid: process.pid, acquired: false, holderPid: result.holder.record?.pid ?? null, verdict: result.holder.verdict};
			process.stdout.write(`${JSON.stringify(report)}\n`);
		} else if (line === 'release' && held) {
			const outcome = await release(dir, name, held);
			held = null;
			process.stdout.write(`${JSON.stringify({pid: process.pid, released: outcome.released})}\n`);
		}
	}
}

const [mode, dir = '', name = '', log = '', stopFile = ''] = process.argv.slice(2);
if (mode === 'loop') {
	await loop(dir, name, log, stopFile);
} else if (mode === 'race') {
	await race(dir, name);
} else {
	process.stderr.write('usage: contender.js loop DIR NAME LOG STOP_FILE | race DIR NAME\n');
	process.exitCode = 64;
}
