/**
 * The bench kills what it starts on every way out: an interrupted `npm run bench` once left 5,000
 * `sleep 3600` behind for an hour. Each test starts the bench's fleet-spawning part (fake bots
 * under locks, and filler `sleep` processes), ends it one way, and proves that no process it
 * started is left and that its temp directories are gone.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {collectOutput, pollUntil} from '../helpers/children.js';

const holder = fileURLToPath(new URL('fleet-holder.js', import.meta.url));
const linuxOnly = process.platform === 'linux' ? false : 'reads /proc';
const sleepers = 40;

type Proc = {pid: number; ppid: number; pgid: number; startToken: string};

function processTable(): Proc[] {
	const table: Proc[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}

		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (fields[0] !== 'Z') {
				table.push({pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), startToken: fields[19] ?? ''});
			}
		} catch {}
	}

	return table;
}

/** Every live descendant of `root`, with its start token (so a reused PID is not mistaken for it). */
function descendants(root: number): Proc[] {
	const table = processTable();
	const found: Proc[] = [];
	const parents = new Set([root]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const proc of table) {
			if (parents.has(proc.ppid) && !parents.has(proc.pid)) {
				parents.add(proc.pid);
				found.push(proc);
				grew = true;
			}
		}
	}

	return found;
}

function stillAlive(procs: Proc[]): Proc[] {
	const now = new Map(processTable().map(proc => [proc.pid, proc.startToken]));
	return procs.filter(proc => now.get(proc.pid) === proc.startToken);
}

function benchDirs(): Set<string> {
	return new Set(readdirSync(os.tmpdir()).filter(name => name.startsWith('fleetdeck-bench-')));
}

/** Start the holder; resolve with it, its filler group and everything it started, once all run. */
async function startHolder(t: TestContext) {
	const dirsBefore = benchDirs();
	const child = spawn(process.execPath, [holder, String(sleepers)], {stdio: ['pipe', 'pipe', 'pipe']});
	const output = collectOutput(child);
	const exited = new Promise<{code: number | null; signal: string | null}>(resolve => {
		child.on('exit', (code, signal) => resolve({code, signal}));
	});
	const pgid = await pollUntil('the bench fleet to be ready', () => {
		const match = /^ready (\d+)$/m.exec(output.stdout());
		return match ? Number(match[1]) : undefined;
	}, 30_000);
	const started = descendants(child.pid!);
	t.after(() => {
		for (const proc of stillAlive(started)) {
			try {
				process.kill(proc.pid, 'SIGKILL');
			} catch {}
		}
	});
	const fillers = started.filter(proc => proc.pgid === pgid);
	assert.ok(fillers.length >= sleepers + 1, `only ${fillers.length} fillers`);
	assert.ok(started.length >= fillers.length + 11, `the fake bots are missing: ${started.length} processes`);
	const dirs = [...benchDirs()].filter(name => !dirsBefore.has(name));
	assert.equal(dirs.length, 1, 'the fixture fleet\'s temp directory');
	// Only a SIGKILLed bench leaves it behind.
	t.after(() => {
		for (const name of dirs) {
			rmSync(path.join(os.tmpdir(), name), {recursive: true, force: true});
		}
	});
	return {child, pgid, started, fillers, dirs, exited, output: () => output.stdout() + output.stderr()};
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
	test(`${signal} to the bench: every process it started is gone, its temp directory too`, {skip: linuxOnly, timeout: 300_000}, async t => {
		const bench = await startHolder(t);
		bench.child.kill(signal);
		const ended = await bench.exited;
		assert.equal(ended.code, 128 + os.constants.signals[signal], bench.output());
		await pollUntil('every started process to be gone', () => (stillAlive(bench.started).length === 0 ? true : undefined), 60_000);
		assert.deepEqual(bench.dirs.filter(name => benchDirs().has(name)), []);
	});
}

test('an uncaught exception in the bench: every process it started is gone', {skip: linuxOnly, timeout: 300_000}, async t => {
	const bench = await startHolder(t);
	bench.child.stdin.write('throw\n');
	const ended = await bench.exited;
	assert.equal(ended.code, 1, bench.output());
	assert.match(bench.output(), /an uncaught failure/);
	await pollUntil('every started process to be gone', () => (stillAlive(bench.started).length === 0 ? true : undefined), 60_000);
	assert.deepEqual(bench.dirs.filter(name => benchDirs().has(name)), []);
});

test('SIGKILL to the bench, which it cannot catch: the filler processes still end themselves', {skip: linuxOnly, timeout: 300_000}, async t => {
	const bench = await startHolder(t);
	bench.child.kill('SIGKILL');
	await bench.exited;
	await pollUntil('every filler to be gone', () => (stillAlive(bench.fillers).length === 0 ? true : undefined), 60_000);
});
