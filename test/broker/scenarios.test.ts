import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DriftTracker, type DriftItem, type DriftObservation} from '../../source/broker/drift-tracker.js';
import {assessHealth} from '../../source/broker/health.js';
import {startPoller} from '../../source/broker/poller.js';
import type {BrokerSim} from '../../fixtures/broker-sim.js';
import {account, limits, startSim, until} from './helpers.js';

/** Poller → tracker, as the deck wires them; records every observation of a new snapshot. */
function watch(t: {after(fn: () => Promise<void>): void}, sim: BrokerSim, accountId: string) {
	const tracker = new DriftTracker(limits);
	const observations: DriftObservation[] = [];
	const raised: DriftItem[] = [];
	let lastAsOf: number | null = null;
	const poller = startPoller({
		accountId,
		source: {kind: 'http', url: sim.url(accountId), timeoutSeconds: 2},
		intervalMs: 50,
		onChange: result => {
			const observation = tracker.observe(result.snapshot, Date.now());
			raised.push(...observation.raised);
			if (result.snapshot !== null && result.snapshot.asOf !== lastAsOf) {
				lastAsOf = result.snapshot.asOf;
				observations.push(observation);
			}
		},
	});
	t.after(async () => poller.stop());
	return {poller, observations, raised};
}

test('a real close by the broker: suspected, then confirmed, then resolved when the bot catches up', async t => {
	const sim = await startSim(t);
	const {observations} = watch(t, sim, 'ATLAS');
	await until(() => observations.length > 0, 'the first poll');
	sim.script('ATLAS', {action: 'close', positionId: 5011, reason: 'SL', profit: -23});
	const first = await until(() => observations.find(observation => observation.items.length > 0), 'the close to be seen');
	assert.equal(first.items[0]!.class, 'closed-externally');
	assert.equal(first.items[0]!.status, 'suspected');
	const index = observations.indexOf(first);
	const second = await until(() => observations[index + 1], 'the next poll');
	assert.equal(second.items[0]!.status, 'confirmed');
	assert.equal(second.raised[0]!.class, 'closed-externally');
	assert.equal(second.raised[0]!.detail['reason'], 'SL');

	sim.script('ATLAS', {action: 'bot-catch-up'});
	const resolved = await until(() => observations.find(observation => observation.resolved.length > 0), 'the resolution');
	assert.equal(resolved.resolved[0]!.class, 'closed-externally');
	assert.deepEqual(resolved.items, []);
});

test('a resync with ghost positions raises nothing', async t => {
	const sim = await startSim(t);
	const {observations, raised} = watch(t, sim, 'ATLAS');
	await until(() => observations.length > 0, 'the first poll');
	sim.script('ATLAS', {action: 'resync', ghosts: 2});
	await until(() => observations.filter(observation => observation.paused !== null).length >= 4, 'four polls during the resync');
	sim.script('ATLAS', {action: 'synced'});
	const count = observations.length;
	await until(() => observations.length >= count + 4, 'four polls after the sync');
	assert.deepEqual(raised, []);
	assert.ok(observations.every(observation => observation.items.length === 0));
});

test('scripted broker faults show in the health levels', async t => {
	const sim = await startSim(t);
	const {poller} = watch(t, sim, 'ATLAS');
	const health = () => assessHealth({account: account(), result: poller.latest(), serviceState: 'running', now: Date.now()});
	await until(() => health().broker.state === 'ok', 'a healthy start');

	sim.script('ATLAS', {action: 'ping', pingMs: 900});
	await until(() => health().broker.state === 'degraded', 'the ping spike');
	sim.script('ATLAS', {action: 'wrong-account', account: '365060'});
	const crossed = await until(() => (health().connection.state === 'down' ? health() : undefined), 'the cross-wire');
	assert.equal(crossed.connection.reason, 'snapshot is for account 365060, expected 212000584');
	sim.script('ATLAS', {action: 'reset'});
	sim.script('ATLAS', {action: 'disconnect'});
	await until(() => health().connection.state === 'down' && health().broker.state === 'down', 'the disconnect');
	sim.script('ATLAS', {action: 'reconnect'});
	await until(() => health().connection.state === 'ok', 'the reconnect');
	sim.script('ATLAS', {action: 'trade-allowed', terminal: false});
	await until(() => /AutoTrading/.test(health().broker.reason), 'AutoTrading off');
});
