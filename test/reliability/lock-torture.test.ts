import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {guardStaleMs} from '../../source/locks/guard.js';
import {acquire, release} from '../../source/locks/index.js';
import {isStale, type VerdictCode} from '../../source/locks/types.js';
import {pollUntil} from '../helpers/children.js';
import {tempLocksDir} from '../locks/helpers.js';

const contenderScript = fileURLToPath(new URL('torture-contender.js', import.meta.url));
const contenders = 8;
/** Each contender, once the storm is over, makes at least this many acquire attempts before it stops. */
const attemptsEach = 100;
/**
 * The storm lasts until it has done this much, however long that takes on the machine it runs on:
 * SIGKILLs, SIGKILLs that landed inside the lock (a lock left behind), acquisitions.
 */
const storm = {kills: 10, killedInside: 3, entries: 100};
/** A hang guard only: a storm that has not done its work by then never will. */
const stormGuardMs = 240_000;

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

test(`lock torture: ${contenders} processes × hundreds of acquire/release cycles on one NAME with random SIGKILLs: no overlap, nothing lost, acquirable after`, {timeout: 600_000}, async t => {
	const dir = tempLocksDir(t);
	const log = path.join(dir, 'torture.log');
	const stopFile = path.join(dir, 'storm-over');
	const running = new Map<number, Contender>();
	const finished: Array<Contender['done']> = [];
	const spawnOne = () => {
		const contender = startContender(t, [dir, 'BOT', log, stopFile, String(attemptsEach)]);
		running.set(contender.pid, contender);
		finished.push(contender.done);
		void contender.done.then(() => running.delete(contender.pid));
	};

	for (let index = 0; index < contenders; index++) {
		spawnOne();
	}

	const logLines = () => {
		try {
			return readFileSync(log, 'utf8').trimEnd().split('\n');
		} catch {
			return [];
		}
	};

	const entered = () => logLines().filter(line => line.startsWith('enter ')).length;

	// Random SIGKILLs: half aimed at the PID the lockfile names (a lock left behind), half at any
	// contender (mid-acquire, mid-takeover under the guard, mid-release, mid-sleep). Each victim is
	// replaced, so 8 keep contending. The rhythm is set by the contenders' progress, one kill per
	// few acquisitions, never by the clock: on a loaded machine the storm runs longer, not thinner.
	const killed = new Set<number>();
	let killedInside = 0;
	const guard = Date.now() + stormGuardMs;
	while (killed.size < storm.kills || killedInside < storm.killedInside || entered() < storm.entries) {
		const progress = `${entered()} acquisitions, ${killed.size} SIGKILLs, ${killedInside} inside the lock`;
		assert.ok(Date.now() < guard, `the storm did only ${progress} in ${stormGuardMs / 1000} s`);
		const due = entered() + 1 + Math.floor(Math.random() * 8);
		await pollUntil(`acquisition ${due} (${progress})`, () => (entered() >= due ? true : undefined), stormGuardMs, 10);
		const inside = running.get(holderOnDisk(dir));
		const alive = [...running.values()];
		const victim = Math.random() < 0.5 && inside ? inside : alive[Math.floor(Math.random() * alive.length)];
		if (victim && !killed.has(victim.pid)) {
			killed.add(victim.pid);
			victim.child.kill('SIGKILL');
			spawnOne();
			// Dead, it writes no more: its last line says whether it died inside the lock.
			await victim.done;
			if (logLines().findLast(line => line.split(' ')[1] === String(victim.pid))?.startsWith('enter ')) {
				killedInside++;
			}
		}
	}

	writeFileSync(stopFile, '');
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
	assert.ok(killed.size >= storm.kills, `only ${killed.size} SIGKILLs happened`);
	assert.ok(result.diedHolding.length >= storm.killedInside, `only ${result.diedHolding.length} holders were killed inside`);
	// The storm ran until it had done this much; the replay, not the count above, is the proof.
	assert.ok(result.entries >= storm.entries, `only ${result.entries} acquisitions in the storm`);
	// Every survivor reported, each after its own attemptsEach attempts at least.
	assert.ok(attempts >= contenders * attemptsEach, `only ${attempts} acquire attempts by the surviving contenders`);

	// Nothing is lost: the lock can be acquired after the storm. A contender killed while holding
	// the takeover guard leaves it for up to 30 s; that wait is part of the protocol. The deadline
	// past it is a hang guard.
	let final: Awaited<ReturnType<typeof acquire>> | undefined;
	const finalGuardMs = guardStaleMs + 90_000;
	const deadline = Date.now() + finalGuardMs;
	while (!(final = await acquire(dir, 'BOT', {command: 'torture-final'})).acquired) {
		assert.ok(Date.now() < deadline, `the lock is still not acquirable ${finalGuardMs / 1000} s after the storm: ${final.holder.verdict} (${final.holder.reason})`);
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
