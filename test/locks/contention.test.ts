import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {inspect} from '../../source/locks/index.js';
import {isStale, type VerdictCode} from '../../source/locks/types.js';
import {pollUntil} from '../helpers/children.js';
import {deadPid, tempLocksDir, v1Record, waitUntil, writeLock} from './helpers.js';

const contenderScript = fileURLToPath(new URL('contender.js', import.meta.url));

interface Contender {
	child: ChildProcess;
	pid: number;
	exited: Promise<number | null>;
	stderr: string[];
}

function startContender(t: TestContext, args: string[]): Contender {
	const child = spawn(process.execPath, [contenderScript, ...args], {stdio: ['pipe', 'pipe', 'pipe']});
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	});
	const stderr: string[] = [];
	child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
	const exited = new Promise<number | null>(resolve => {
		child.once('exit', code => {
			resolve(code);
		});
	});
	if (child.pid === undefined) {
		throw new Error('could not start a contender');
	}

	return {child, pid: child.pid, exited, stderr};
}

function readLog(file: string): string[] {
	return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/**
 * Replay the shared log: at most one holder at a time; a new holder may enter before the previous
 * one's exit only if that one was SIGKILLed (its lock, which nobody else releases, was proven stale
 * and removed); only killed PIDs are ever taken over; tokens strictly rise. Returns the PIDs that
 * died holding the lock, and how many takeovers were logged.
 */
function checkLog(lines: string[], killed: ReadonlySet<number>): {diedHolding: number[]; entries: number; takeovers: number} {
	let holder: {pid: number; token: number} | null = null;
	let lastToken = 0;
	let entries = 0;
	let takeovers = 0;
	const diedHolding: number[] = [];
	for (const [index, line] of lines.entries()) {
		const [event, first = '', second = '', third = ''] = line.split(' ');
		const pid = Number(first);
		const where = `log line ${index + 1} "${line}"`;
		switch (event) {
			case 'takeover': {
				assert.ok(isStale(third as VerdictCode), `${where}: took over a lock that was not stale`);
				assert.ok(killed.has(Number(second)), `${where}: took over the lock of PID ${second}, which was never killed`);
				takeovers++;
				break;
			}

			case 'enter': {
				if (holder !== null) {
					assert.ok(killed.has(holder.pid), `${where}: PID ${pid} entered while PID ${holder.pid} (alive) still held the lock`);
					diedHolding.push(holder.pid);
				}

				const token = Number(second);
				assert.ok(token > lastToken, `${where}: token ${token} is not above the previous holder's ${lastToken}`);
				lastToken = token;
				holder = {pid, token};
				entries++;
				break;
			}

			case 'exit': {
				assert.deepEqual(holder, {pid, token: Number(second)}, `${where}: exit by a process that was not the holder`);
				holder = null;
				break;
			}

			default: {
				assert.fail(`${where}: unexpected event`);
			}
		}
	}

	assert.equal(holder, null, `the log ends with PID ${holder?.pid} holding the lock: it was killed and its lock never taken over`);
	return {diedHolding, entries, takeovers};
}

test('8 processes contend for one lock while holders are SIGKILLed: never two holders, every dead holder taken over, tokens rise', {timeout: 300_000}, async t => {
	const dir = tempLocksDir(t);
	const log = path.join(dir, 'contention.log');
	const stopFile = path.join(dir, 'stop');
	const contenders = new Map<number, Contender>();
	const spawnOne = () => {
		const contender = startContender(t, ['loop', dir, 'BOT', log, stopFile]);
		contenders.set(contender.pid, contender);
	};

	for (let index = 0; index < 8; index++) {
		spawnOne();
	}

	const entered = () => readLog(log).filter(line => line.startsWith('enter ')).length;
	const killed = new Set<number>();
	let killedInside = 0;
	let entriesAtLastKill = 0;
	// Kill whoever the log shows inside, a few acquisitions apart (counted, not timed: a loaded
	// machine makes the test longer, never thinner), until 6 are dead and one of them died holding.
	while (killed.size < 6 || killedInside < 1) {
		const victim = await pollUntil(`a holder to kill after ${entered()} acquisitions (${killed.size} killed)`, () => {
			const last = readLog(log).at(-1)?.split(' ');
			const inside = last?.[0] === 'enter' ? contenders.get(Number(last[1])) : undefined;
			return inside && !killed.has(inside.pid) && entered() >= entriesAtLastKill + 3 ? inside : undefined;
		}, 120_000, 20);
		victim.child.kill('SIGKILL');
		killed.add(victim.pid);
		spawnOne();
		await victim.exited;
		entriesAtLastKill = entered();
		// Dead, it writes no more: its last line says whether it died inside the lock.
		if (readLog(log).findLast(line => line.split(' ')[1] === String(victim.pid))?.startsWith('enter ')) {
			killedInside++;
		}
	}

	// The last victim's lock must be taken over before everyone stops: someone enters after it.
	await pollUntil('an acquisition after the last kill', () => (entered() > entriesAtLastKill && entered() >= 20 ? true : undefined), 120_000, 20);
	writeFileSync(stopFile, '');
	const codes = await Promise.all([...contenders.values()].map(async contender => [contender.pid, await contender.exited] as const));
	for (const [pid, code] of codes) {
		if (!killed.has(pid)) {
			assert.equal(code, 0, `contender ${pid} failed: ${contenders.get(pid)?.stderr.join('')}`);
		}
	}

	const {diedHolding, entries, takeovers} = checkLog(readLog(log), killed);
	assert.ok(entries >= 20, `only ${entries} acquisitions happened`);
	assert.ok(diedHolding.length >= 1, `no holder was killed while holding (killed ${killed.size})`);
	// Not every recovery is logged as a takeover by the next holder: the contender that removed the
	// stale lock can lose the following link() to a plain acquire. diedHolding ≥ 1 with a clean
	// replay is the proof that dead holders' locks were recovered; takeovers are only counted.
	t.diagnostic(`${takeovers} takeovers logged, ${diedHolding.length} holders killed while holding`);
	t.diagnostic(`${entries} acquisitions, ${killed.size} kills, ${diedHolding.length} while holding, ${takeovers} takeovers logged`);
	const left = await inspect(dir, 'BOT');
	assert.ok(left === null || isStale(left.verdict), `after everyone stopped the lock is ${left?.verdict}: ${left?.reason}`);
});

/** One line of a child's stdout at a time. */
function lineReader(child: ChildProcess): () => Promise<string> {
	const queue: string[] = [];
	const waiting: Array<(line: string) => void> = [];
	createInterface({input: child.stdout!}).on('line', line => {
		const next = waiting.shift();
		if (next) {
			next(line);
		} else {
			queue.push(line);
		}
	});
	return async () => {
		const queued = queue.shift();
		return queued ?? new Promise<string>(resolve => waiting.push(resolve));
	};
}

test('contenders racing to take over the same stale lock: exactly one ends up holding it, every round', {timeout: 300_000}, async t => {
	const dir = tempLocksDir(t);
	const racers = Array.from({length: 4}, () => {
		const contender = startContender(t, ['race', dir, 'BOT']);
		return {...contender, next: lineReader(contender.child)};
	});
	for (const racer of racers) {
		assert.equal(await racer.next(), 'ready');
	}

	for (let round = 1; round <= 8; round++) {
		const staleToken = round * 100;
		writeLock(dir, 'BOT', v1Record({name: 'BOT', pid: deadPid(), startToken: '1', token: staleToken}));
		for (const racer of racers) {
			racer.child.stdin!.write('acquire\n');
		}

		const results = await Promise.all(racers.map(async racer => JSON.parse(await racer.next()) as {pid: number; acquired: boolean; token?: number; tookOver?: string | null; holderPid?: number; verdict?: string}));
		const winners = results.filter(result => result.acquired);
		assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
		const winner = winners[0]!;
		assert.ok((winner.token ?? 0) > staleToken, `round ${round}: token ${winner.token} not above the stale ${staleToken}`);
		assert.ok(winner.tookOver === 'stale-dead' || winner.tookOver === null);
		for (const loser of results.filter(result => !result.acquired)) {
			assert.deepEqual({holderPid: loser.holderPid, verdict: loser.verdict}, {holderPid: winner.pid, verdict: 'live'}, `round ${round}`);
		}

		const holder = racers.find(racer => racer.pid === winner.pid)!;
		holder.child.stdin!.write('release\n');
		assert.deepEqual(JSON.parse(await holder.next()), {pid: winner.pid, released: true});
	}

	for (const racer of racers) {
		racer.child.stdin!.end();
	}

	await waitUntil(() => racers.every(racer => racer.child.exitCode !== null), 'every racer exits');
	assert.deepEqual(racers.map(racer => racer.child.exitCode), [0, 0, 0, 0]);
});
