import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {acquire, release} from '../../source/locks/index.js';
import {isStale, type VerdictCode} from '../../source/locks/types.js';
import {tempLocksDir} from '../locks/helpers.js';

const contenderScript = fileURLToPath(new URL('torture-contender.js', import.meta.url));
const contenders = 8;
/** Every contender runs until the deadline; this cap is never the limit. */
const cyclesEach = 100_000;
const stormMs = 25_000;

interface Contender {
	child: ChildProcess;
	pid: number;
	done: Promise<{code: number | null; summary: {held: number; attempts: number} | null}>;
}

function startContender(t: TestContext, args: string[]): Contender {
	const child = spawn(process.execPath, [contenderScript, ...args], {stdio: ['ignore', 'pipe', 'inherit']});
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	});
	if (child.pid === undefined) {
		throw new Error('could not start a torture contender');
	}

	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
	});
	const done = new Promise<{code: number | null; summary: {held: number; attempts: number} | null}>(resolve => {
		child.once('close', code => {
			resolve({code, summary: output.trim() === '' ? null : JSON.parse(output.trim()) as {held: number; attempts: number}});
		});
	});
	return {child, pid: child.pid, done};
}

/** The PID the lockfile names right now; 0 when there is none or it is being replaced. */
function holderOnDisk(dir: string): number {
	try {
		return (JSON.parse(readFileSync(path.join(dir, 'BOT.lock'), 'utf8')) as {pid: number}).pid;
	} catch {
		return 0;
	}
}

interface Replay {
	entries: number;
	takeovers: number;
	/** PIDs that were killed while the log shows them inside. */
	diedHolding: number[];
	/** The last of those, when nobody entered after it: only the final acquire can recover it. */
	unrecovered: number | null;
}

/**
 * Replay the log under the rules a lock must keep: one holder at a time (a new holder may enter
 * before the last one's exit only when that one was SIGKILLed), only killed holders taken over,
 * tokens strictly rising, no overlap seen from inside, no live holder's lock ever lost.
 */
function replay(lines: string[], killed: ReadonlySet<number>): Replay {
	let holder: {pid: number; token: number} | null = null;
	let lastToken = 0;
	let entries = 0;
	let takeovers = 0;
	const diedHolding: number[] = [];
	for (const [index, line] of lines.entries()) {
		const [event, first = '', second = '', third = ''] = line.split(' ');
		const where = `log line ${index + 1} "${line}"`;
		switch (event) {
			case 'takeover': {
				assert.ok(isStale(third as VerdictCode), `${where}: took over a lock that was not proven stale`);
				assert.ok(killed.has(Number(second)), `${where}: took over the lock of PID ${second}, which was never killed`);
				takeovers++;
				break;
			}

			case 'enter': {
				if (holder !== null) {
					assert.ok(killed.has(holder.pid), `${where}: PID ${first} entered while PID ${holder.pid}, alive, held the lock`);
					diedHolding.push(holder.pid);
				}

				const token = Number(second);
				assert.ok(token > lastToken, `${where}: fencing token ${token} is not above the previous ${lastToken}`);
				lastToken = token;
				holder = {pid: Number(first), token};
				entries++;
				break;
			}

			case 'exit': {
				assert.deepEqual(holder, {pid: Number(first), token: Number(second)}, `${where}: exit by a process that was not the holder`);
				holder = null;
				break;
			}

			default: {
				assert.fail(`${where}: ${event === 'overlap' ? 'two holders were inside at once' : event === 'lost' ? 'a live holder lost its lock' : 'unexpected event'}`);
			}
		}
	}

	if (holder !== null) {
		assert.ok(killed.has(holder.pid), `the log ends with PID ${holder.pid}, never killed, still inside`);
		diedHolding.push(holder.pid);
	}

	return {entries, takeovers, diedHolding, unrecovered: holder?.pid ?? null};
}

test(`lock torture: ${contenders} processes × hundreds of acquire/release cycles on one NAME with random SIGKILLs: no overlap, nothing lost, acquirable after`, {timeout: 150_000}, async t => {
	const dir = tempLocksDir(t);
	const log = path.join(dir, 'torture.log');
	const until = Date.now() + stormMs;
	const running = new Map<number, Contender>();
	const finished: Array<Contender['done']> = [];
	const spawnOne = () => {
		const contender = startContender(t, [dir, 'BOT', log, String(cyclesEach), String(until)]);
		running.set(contender.pid, contender);
		finished.push(contender.done);
		void contender.done.then(() => running.delete(contender.pid));
	};

	for (let index = 0; index < contenders; index++) {
		spawnOne();
	}

	// Random SIGKILLs: half aimed at the PID the lockfile names (a lock left behind), half at any
	// contender (mid-acquire, mid-takeover under the guard, mid-release, mid-sleep). Each victim is
	// replaced, so 8 keep contending. Killing stops early enough for the last stale lock to be taken over.
	const killed = new Set<number>();
	while (Date.now() < until - 8_000 && running.size > 0) {
		await sleep(150 + Math.random() * 250);
		const inside = running.get(holderOnDisk(dir));
		const alive = [...running.values()];
		const victim = Math.random() < 0.5 && inside ? inside : alive[Math.floor(Math.random() * alive.length)];
		if (victim && !killed.has(victim.pid)) {
			killed.add(victim.pid);
			victim.child.kill('SIGKILL');
			spawnOne();
		}
	}

	const outcomes = await Promise.all(finished);
	let held = 0;
	let attempts = 0;
	for (const {code, summary} of outcomes) {
		if (summary) {
			assert.equal(code, 0);
			held += summary.held;
			attempts += summary.attempts;
		}
	}

	const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
	const result = replay(lines, killed);
	assert.ok(killed.size >= 10, `only ${killed.size} SIGKILLs happened`);
	assert.ok(result.diedHolding.length >= 3, `only ${result.diedHolding.length} holders were killed inside`);
	// Every attempt is a full acquire (temp file, fsync, link): on 2 cores, alone, 8 contenders make
	// about 300 attempts each and 600 acquisitions in all; beside other test files, about half.
	// These floors only prove the storm really happened.
	assert.ok(result.entries >= 100, `only ${result.entries} acquisitions in the storm`);
	assert.ok(attempts >= 8 * 100, `only ${attempts} acquire attempts by the surviving contenders`);

	// Nothing is lost: the lock can be acquired after the storm. A contender killed while holding
	// the takeover guard leaves it for up to 30 s; that wait is part of the protocol.
	let final: Awaited<ReturnType<typeof acquire>> | undefined;
	const deadline = Date.now() + 45_000;
	while (!(final = await acquire(dir, 'BOT', {command: 'torture-final'})).acquired) {
		assert.ok(Date.now() < deadline, `the lock is still not acquirable 45 s after the storm: ${final.holder.verdict} (${final.holder.reason})`);
		await sleep(100);
	}

	if (result.unrecovered === null) {
		assert.ok(final.tookOver === null || isStale(final.tookOver.verdict));
	} else {
		assert.equal(final.tookOver?.record?.pid, result.unrecovered, 'the final acquire took over the last killed holder\'s lock');
	}

	assert.equal((await release(dir, 'BOT', final.record)).released, true);
	assert.deepEqual(readdirSync(dir).filter(file => file.endsWith('.lock')), []);
	const times = lines.map(line => Number(line.split(' ').at(-1)));
	const longestGap = Math.max(...times.slice(1).map((time, index) => time - times[index]!));
	t.diagnostic(`longest pause between two logged events: ${longestGap} ms`);
	t.diagnostic(`${result.entries} acquisitions (${held} by survivors, ${attempts} attempts), ${killed.size} SIGKILLs, ${result.diedHolding.length} inside the lock, ${result.takeovers} takeovers logged`);
});
