import assert from 'node:assert/strict';
import {test} from 'node:test';
import {startPoller, type Clock, type Poller} from '../../source/broker/poller.js';
import {fetchSnapshot, type FetchOutcome, type SnapshotFetcher} from '../../source/broker/sources.js';
import type {StatusSource} from '../../source/config/types.js';
import {snapshotAt, startSim, t0, until} from './helpers.js';

/** Timers that fire only when the test says so. */
class FakeClock implements Clock {
	time = t0;
	delays: number[] = [];
	private readonly timers = new Map<number, {at: number; callback: () => void}>();
	private nextId = 1;

	now(): number {
		return this.time;
	}

	setTimeout(callback: () => void, ms: number): unknown {
		this.delays.push(ms);
		const id = this.nextId++;
		this.timers.set(id, {at: this.time + ms, callback});
		return id;
	}

	clearTimeout(handle: unknown): void {
		this.timers.delete(handle as number);
	}

	get pending(): number {
		return this.timers.size;
	}

	/** Fires the next timer and lets the poll it starts finish. */
	async fireNext(): Promise<void> {
		const [id, timer] = [...this.timers].sort(([, a], [, b]) => a.at - b.at)[0]!;
		this.timers.delete(id);
		this.time = Math.max(this.time, timer.at);
		timer.callback();
		await new Promise(resolve => setImmediate(resolve));
	}
}

const source: StatusSource = {kind: 'http', url: 'http://127.0.0.1:1/ATLAS/status', timeoutSeconds: 1};

test('backoff doubles while the source fails, is capped, and snaps back on success', async () => {
	const clock = new FakeClock();
	let failing = true;
	const fetch: SnapshotFetcher = async () => (failing ? {ok: false, error: 'HTTP 500', latencyMs: 1} : {ok: true, snapshot: snapshotAt(clock.now()), latencyMs: 1});
	const results: Array<{error: string | null; failures: number}> = [];
	const poller = startPoller({accountId: 'ATLAS', source, intervalMs: 100, maxBackoffMs: 800, clock, random: () => 1, fetch, onChange: result => results.push({error: result.error, failures: result.consecutiveFailures})});
	for (let poll = 0; poll < 6; poll++) {
		await clock.fireNext();
	}

	assert.deepEqual(clock.delays, [0, 100, 200, 400, 800, 800, 800]);
	assert.deepEqual(results.map(result => result.failures), [1, 2, 3, 4, 5, 6]);
	failing = false;
	await clock.fireNext();
	assert.equal(clock.delays.at(-1), 100, 'back on the interval at once');
	assert.equal(poller.latest()?.error, null);
	assert.equal(poller.latest()?.consecutiveFailures, 0);
	assert.ok(poller.latest()?.snapshot, 'the snapshot is kept');
	await poller.stop();
	assert.equal(clock.pending, 0, 'stop leaves no timer');
});

test('jitter spreads retries between half and all of the backoff', async () => {
	const clock = new FakeClock();
	const fetch: SnapshotFetcher = async () => ({ok: false, error: 'down', latencyMs: 1});
	const poller = startPoller({accountId: 'ATLAS', source, intervalMs: 100, clock, random: () => 0, fetch});
	await clock.fireNext();
	await clock.fireNext();
	assert.deepEqual(clock.delays, [0, 50, 100]);
	await poller.stop();
});

test('a failed poll keeps the last snapshot for the STALE view', async () => {
	const clock = new FakeClock();
	const outcomes: FetchOutcome[] = [{ok: true, snapshot: snapshotAt(t0), latencyMs: 3}, {ok: false, error: 'no answer', latencyMs: 1000}];
	const poller = startPoller({accountId: 'ATLAS', source, intervalMs: 100, clock, fetch: async () => outcomes.shift()!});
	await clock.fireNext();
	await clock.fireNext();
	assert.equal(poller.latest()?.error, 'no answer');
	assert.equal(poller.latest()?.snapshot?.asOf, t0);
	assert.equal(poller.latest()?.latencyMs, 1000);
	await poller.stop();
});

test('a listener that throws neither stops the polling nor escapes as an unhandled rejection', async () => {
	const clock = new FakeClock();
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown) => rejections.push(reason);
	process.on('unhandledRejection', onRejection);
	try {
		let calls = 0;
		const poller = startPoller({accountId: 'ATLAS', source, intervalMs: 100, clock, fetch: async () => ({ok: true, snapshot: snapshotAt(clock.now()), latencyMs: 1}), onChange: () => {
			calls++;
			throw new Error('journal write failed');
		}});
		await clock.fireNext();
		await clock.fireNext();
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(calls, 2, 'still polling');
		assert.deepEqual(rejections, []);
		await poller.stop();
	} finally {
		process.off('unhandledRejection', onRejection);
	}
});

test('a hung account delays no other account, and its poller stays single-flight', async t => {
	const sim = await startSim(t);
	sim.script('ATLAS', {action: 'fault', fault: 'hang'});
	let concurrent = 0;
	let maxConcurrent = 0;
	const counting: SnapshotFetcher = async (statusSource, options) => {
		concurrent += 1;
		maxConcurrent = Math.max(maxConcurrent, concurrent);
		try {
			return await fetchSnapshot(statusSource, options);
		} finally {
			concurrent -= 1;
		}
	};

	const updates = new Map<string, number>();
	const pollers: Poller[] = ['ATLAS', 'GL_3', 'FTMO'].map(accountId =>
		startPoller({
			accountId,
			source: {kind: 'http', url: sim.url(accountId), timeoutSeconds: 30},
			intervalMs: 50,
			fetch: accountId === 'ATLAS' ? counting : fetchSnapshot,
			onChange: () => updates.set(accountId, (updates.get(accountId) ?? 0) + 1),
		}),
	);
	t.after(async () => Promise.all(pollers.map(async poller => poller.stop())));

	await until(() => (updates.get('GL_3') ?? 0) >= 5 && (updates.get('FTMO') ?? 0) >= 5, 'the healthy accounts to poll 5 times');
	assert.equal(updates.get('ATLAS'), undefined, 'the hung request is still out');
	assert.equal(sim.stats('ATLAS').requests, 1, 'single flight: no second request while one hangs');
	assert.equal(maxConcurrent, 1);
	assert.ok(pollers[1]!.latest()?.snapshot);

	await Promise.all(pollers.map(async poller => poller.stop()));
	await until(async () => (await sim.connections()) === 0, 'every socket to close after stop()');
	const requests = sim.stats('GL_3').requests;
	await new Promise(resolve => setTimeout(resolve, 200));
	assert.equal(sim.stats('GL_3').requests, requests, 'no poll after stop()');
});

test('every fault shows as the poll error, and the poller recovers when it clears', async t => {
	const sim = await startSim(t);
	// 2 s: long enough that an answer that is due (a 500, bad JSON) shows as itself on a loaded
	// machine, short enough that the hang and the slow answer (6 s) show as timeouts.
	const poller = startPoller({accountId: 'ATLAS', source: {kind: 'http', url: sim.url('ATLAS'), timeoutSeconds: 2}, intervalMs: 50, maxBackoffMs: 200});
	t.after(async () => poller.stop());
	await until(() => poller.latest()?.snapshot, 'the first snapshot');

	const faults: Array<[action: Parameters<typeof sim.script>[1], expected: RegExp]> = [
		[{action: 'fault', fault: 'http-500'}, /HTTP 500/],
		[{action: 'fault', fault: 'invalid-json'}, /not valid JSON/],
		[{action: 'fault', fault: 'oversize'}, /byte cap/],
		[{action: 'fault', fault: 'hang'}, /no answer .* within 2 s/],
		[{action: 'fault', fault: 'slow', delayMs: 6000}, /no answer .* within 2 s/],
		[{action: 'fault', fault: 'reset'}, /reset|hang up/],
	];
	for (const [action, expected] of faults) {
		sim.script('ATLAS', action);
		const error = await until(() => poller.latest()?.error ?? undefined, `the ${JSON.stringify(action)} error`);
		assert.match(error, expected);
		assert.ok(poller.latest()?.snapshot, 'the last good snapshot is kept');
		sim.script('ATLAS', {action: 'fault', fault: 'none'});
		await until(() => poller.latest()?.error === null, `recovery after ${JSON.stringify(action)}`);
		assert.equal(poller.latest()?.consecutiveFailures, 0);
	}
});
