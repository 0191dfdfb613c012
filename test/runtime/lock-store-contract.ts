import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import type {LockRecord} from '../../source/locks/types.js';
import type {HostFacts} from '../../source/procs/types.js';
import type {LockStore} from '../../source/runtime/ports.js';

/** A lock store under test, and what the contract needs to stage the world around it. */
export interface LockStoreHarness {
	/** The store under test, acting for a live process. */
	store: LockStore;
	/** Another store on the same locks, acting for another live process where the store can play one (else the same process). */
	contender(): LockStore;
	/** The identity the store records for its own process. */
	self: {pid: number; startToken: string | null};
	/** The host records must name to be judged here (not `remote`). */
	host: HostFacts;
	/** The identity of a process proven gone. */
	gone(): Promise<{pid: number; startToken: string | null}>;
	/** Store `raw` under NAME as another writer would, last written `ageMs` ago. */
	plant(name: string, raw: string | Buffer, ageMs?: number): void;
	/** Resolves once `condition` holds (polled), or rejects naming `what`. */
	waitUntil(condition: () => boolean, what: string): Promise<void>;
}

/** A v1 record of a holder of the test's choosing, on the harness's host. */
function record(harness: LockStoreHarness, name: string, holder: {pid: number; startToken: string | null}, token: number): string {
	const value: LockRecord = {
		v: 1, name, pid: holder.pid, account: null, hostname: harness.host.hostname, bootId: harness.host.bootId, startToken: holder.startToken,
		createdAt: new Date().toISOString(), heartbeatAt: null, token, command: null, child: null,
	};
	return `${JSON.stringify(value)}\n`;
}

async function plantStale(harness: LockStoreHarness, name: string, token: number): Promise<void> {
	harness.plant(name, record(harness, name, await harness.gone(), token));
}

/**
 * The LockStore contract (source/runtime/ports/lock-store.ts), one test per promise, run against
 * every implementation: passing it is what makes a store a LockStore.
 */
export function lockStoreContract(kind: string, makeHarness: (t: TestContext) => Promise<LockStoreHarness> | LockStoreHarness): void {
	test(`${kind}: acquire takes a free name, and the lock is judged live, held by the acquirer`, async t => {
		const harness = await makeHarness(t);
		const result = await harness.store.acquire('BRAIN_ATLAS', {account: 'ATLAS'});
		assert.ok(result.acquired, JSON.stringify(result));
		assert.equal(result.record.pid, harness.self.pid);
		assert.equal(result.record.account, 'ATLAS');
		assert.equal(result.tookOver, null);
		const judged = await harness.store.inspect('BRAIN_ATLAS');
		assert.equal(judged?.verdict, 'live', judged?.reason);
		assert.deepEqual(judged?.holders.map(holder => holder.pid), [harness.self.pid]);
		assert.equal(await harness.store.inspect('BRAIN_GL_3'), null, 'no lock, no inspection');
	});

	test(`${kind}: an acquire while the lock is held returns the holder, judged live, and leaves the lock alone`, async t => {
		const harness = await makeHarness(t);
		const first = await harness.store.acquire('BRAIN_ATLAS');
		assert.ok(first.acquired);
		const second = await harness.contender().acquire('BRAIN_ATLAS');
		assert.ok(!second.acquired, JSON.stringify(second));
		assert.equal(second.holder.verdict, 'live', second.holder.reason);
		assert.equal(second.holder.record?.token, first.record.token);
		assert.equal((await harness.store.inspect('BRAIN_ATLAS'))?.record?.token, first.record.token, 'the holder still holds it');
	});

	test(`${kind}: the fencing token grows with every acquire, across a release and a takeover`, async t => {
		const harness = await makeHarness(t);
		const first = await harness.store.acquire('BRAIN_ATLAS');
		assert.ok(first.acquired);
		assert.ok((await harness.store.release('BRAIN_ATLAS', first.record)).released);
		const second = await harness.contender().acquire('BRAIN_ATLAS');
		assert.ok(second.acquired);
		assert.ok(second.record.token > first.record.token, `${second.record.token} > ${first.record.token}`);
		// A holder that died holding token 100 (the counter never saw it): the next token is above it.
		harness.plant('BRAIN_GL_3', record(harness, 'BRAIN_GL_3', await harness.gone(), 100));
		const third = await harness.store.acquire('BRAIN_GL_3');
		assert.ok(third.acquired, JSON.stringify(third));
		assert.equal(third.tookOver?.verdict, 'stale-dead');
		assert.ok(third.record.token > 100, `${third.record.token} > 100`);
	});

	test(`${kind}: release and heartbeat act only for the holder (pid, start token and token)`, async t => {
		const harness = await makeHarness(t);
		const taken = await harness.store.acquire('BRAIN_ATLAS');
		assert.ok(taken.acquired);
		const held = {pid: taken.record.pid, startToken: taken.record.startToken, token: taken.record.token};
		const impostor = {...held, token: held.token + 1};
		const refused = await harness.store.release('BRAIN_ATLAS', impostor);
		assert.equal(refused.released, false);
		assert.match(refused.reason, /not by PID .*left alone/);
		assert.equal(await harness.store.heartbeat('BRAIN_ATLAS', impostor), false);
		assert.equal((await harness.store.inspect('BRAIN_ATLAS'))?.record?.heartbeatAt, null, 'the impostor refreshed nothing');
		assert.equal(await harness.store.heartbeat('BRAIN_ATLAS', held, {child: {pid: held.pid, startToken: held.startToken}}), true);
		const beaten = await harness.store.inspect('BRAIN_ATLAS');
		assert.notEqual(beaten?.record?.heartbeatAt, null);
		assert.equal(beaten?.record?.child?.pid, held.pid);
		assert.equal(beaten?.record?.token, held.token, 'a heartbeat keeps the token');
		assert.ok((await harness.store.release('BRAIN_ATLAS', held)).released);
		assert.equal(await harness.store.inspect('BRAIN_ATLAS'), null);
		assert.equal((await harness.store.release('BRAIN_ATLAS', held)).released, false, 'nothing left to release');
		assert.equal(await harness.store.heartbeat('BRAIN_ATLAS', held), false);
	});

	test(`${kind}: a lock proven stale is taken over; told not to, acquire only reports it`, async t => {
		const harness = await makeHarness(t);
		await plantStale(harness, 'BRAIN_ATLAS', 7);
		const reported = await harness.store.acquire('BRAIN_ATLAS', {takeOverStale: false});
		assert.ok(!reported.acquired && reported.holder.verdict === 'stale-dead', JSON.stringify(reported));
		assert.equal((await harness.store.inspect('BRAIN_ATLAS'))?.record?.token, 7, 'left in place');
		const taken = await harness.store.acquire('BRAIN_ATLAS');
		assert.ok(taken.acquired, JSON.stringify(taken));
		assert.equal(taken.tookOver?.record?.token, 7);
		assert.equal((await harness.store.inspect('BRAIN_ATLAS'))?.verdict, 'live');
	});

	test(`${kind}: contenders that all see one stale lock never both end up holding it`, async t => {
		const harness = await makeHarness(t);
		await plantStale(harness, 'BRAIN_ATLAS', 3);
		const contenders = [harness.store, ...Array.from({length: 7}, () => harness.contender())];
		const results = await Promise.all(contenders.map(async store => store.acquire('BRAIN_ATLAS')));
		const winners = results.filter(result => result.acquired);
		assert.equal(winners.length, 1, JSON.stringify(results.map(result => (result.acquired ? 'acquired' : result.holder.verdict))));
		const judged = await harness.store.inspect('BRAIN_ATLAS');
		assert.equal(judged?.verdict, 'live');
		assert.equal(judged?.record?.token, winners[0]?.acquired ? winners[0].record.token : Number.NaN, 'the lock on record is the winner\'s');
	});

	test(`${kind}: unreadable records are writing while young and stale-unreadable once old; clearing removes only what is proven stale`, async t => {
		const harness = await makeHarness(t);
		harness.plant('YOUNG', '{"v":1,"na');
		harness.plant('OLD', '{"v":1,"na', 60_000);
		await plantStale(harness, 'DEAD', 2);
		const mine = await harness.store.acquire('MINE');
		assert.ok(mine.acquired);
		assert.deepEqual((await harness.store.list()).map(lock => `${lock.name} ${lock.verdict}`), ['DEAD stale-dead', 'MINE live', 'OLD stale-unreadable', 'YOUNG writing']);
		const kept = await harness.store.clearStaleLock('MINE');
		assert.equal(kept.result, 'kept');
		assert.equal((await harness.store.clearStaleLock('ABSENT')).result, 'missing');
		const cleared = await harness.store.clearStale();
		assert.deepEqual(cleared.removed.map(lock => lock.name), ['DEAD', 'OLD']);
		assert.deepEqual(cleared.kept.map(lock => lock.name), ['MINE', 'YOUNG']);
		assert.deepEqual(cleared.failed, []);
		assert.deepEqual((await harness.store.list()).map(lock => lock.name), ['MINE', 'YOUNG']);
	});

	test(`${kind}: clearAll removes every lock, live ones included; a dry run removes none`, async t => {
		const harness = await makeHarness(t);
		assert.ok((await harness.store.acquire('MINE')).acquired);
		await plantStale(harness, 'DEAD', 2);
		const dry = await harness.store.clearAll({dryRun: true});
		assert.deepEqual(dry.removed.map(lock => lock.name), ['DEAD', 'MINE']);
		assert.equal((await harness.store.list()).length, 2);
		const forced = await harness.store.clearAll();
		assert.deepEqual(forced.removed.map(lock => lock.name), ['DEAD', 'MINE']);
		assert.deepEqual(await harness.store.list(), []);
	});

	test(`${kind}: watch reports a lock taken and released, and nothing once stopped`, async t => {
		const harness = await makeHarness(t);
		let changes = 0;
		let ready = false;
		const stop = harness.store.watch(() => changes++, {onReady: () => (ready = true)});
		await harness.waitUntil(() => ready, 'the watch is ready');
		const taken = await harness.store.acquire('BRAIN_ATLAS');
		assert.ok(taken.acquired);
		await harness.waitUntil(() => changes > 0, 'the acquire is reported');
		const seen = changes;
		await harness.store.release('BRAIN_ATLAS', taken.record);
		await harness.waitUntil(() => changes > seen, 'the release is reported');
		stop();
		const stoppedAt = changes;
		// A second watch is the witness: once it has seen the next change, the stopped one would have too.
		let witnessed = 0;
		let witnessReady = false;
		const stopWitness = harness.store.watch(() => witnessed++, {onReady: () => (witnessReady = true)});
		t.after(stopWitness);
		await harness.waitUntil(() => witnessReady, 'the witness is ready');
		assert.ok((await harness.store.acquire('BRAIN_ATLAS')).acquired);
		await harness.waitUntil(() => witnessed > 0, 'the witness sees the acquire');
		assert.equal(changes, stoppedAt, 'a stopped watch reports nothing');
	});
}
