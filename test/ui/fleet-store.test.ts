import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import type {DeckSources} from '../../source/runtime/deck-sources.js';
import {createFleetStore, sameSnapshot} from '../../source/ui/store/fleet-store.js';
import {deferred, FakeTime, settle, type Deferred} from './fake-time.js';
import {incidentFleet, journalEvent, largeFleet} from './fixtures.js';

/** Sources whose snapshot builds finish only when the test resolves them. */
function controlledSources() {
	const builds: Array<Deferred<FleetSnapshot>> = [];
	let inFlight = 0;
	let maxInFlight = 0;
	let lockChanged: (() => void) | undefined;
	let unwatched = 0;
	const sources: DeckSources = {
		async snapshot() {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			const build = deferred<FleetSnapshot>();
			builds.push(build);
			try {
				return await build.promise;
			} finally {
				inFlight--;
			}
		},
		watchLocks(onChange) {
			lockChanged = onChange;
			return () => {
				unwatched++;
			};
		},
		recentEvents: () => [journalEvent(1, 'stale lock seen')],
		latency: () => [10, 20],
		pollSeconds: 2,
	};
	return {
		sources,
		builds,
		maxInFlight: () => maxInFlight,
		changeLocks: () => lockChanged?.(),
		unwatched: () => unwatched,
	};
}

test('the first build fills the state and notifies subscribers', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	let notified = 0;
	store.subscribe(() => notified++);
	assert.equal(store.getState().snapshot, null);
	assert.equal(world.builds.length, 1);
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	assert.equal(store.getState().snapshot?.accounts.length, 5);
	assert.deepEqual(store.getState().latency['ATLAS'], [10, 20]);
	assert.equal(store.getState().events[0]?.message, 'stale lock seen');
	assert.ok(notified >= 1);
});

test('a burst of lock changes is debounced into one build', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	for (let index = 0; index < 5; index++) {
		world.changeLocks();
		await time.advance(10);
	}

	assert.equal(world.builds.length, 1, 'nothing before the quiet period');
	await time.advance(50);
	assert.equal(world.builds.length, 2, 'one build for the whole burst');
});

test('single flight: requests during a build cause exactly one more build, never two at once', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	store.refresh();
	store.refresh();
	world.changeLocks();
	await time.advance(60);
	await time.advance(2000);
	assert.equal(world.builds.length, 1, 'still the first build');
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	assert.equal(world.builds.length, 2, 'exactly one follow-up build');
	world.builds[1]?.resolve(incidentFleet());
	await settle();
	assert.equal(world.builds.length, 2, 'and no more');
	assert.equal(world.maxInFlight(), 1);
});

test('the poll interval rebuilds', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	await time.advance(2000);
	assert.equal(world.builds.length, 2);
});

test('data turns STALE when the last good snapshot is older than three poll intervals', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	for (let elapsed = 0; elapsed < 6000; elapsed += 1000) {
		await time.advance(1000);
		for (const build of world.builds) {
			build.reject(new Error('process table unreadable'));
		}

		await settle();
	}

	assert.equal(store.getState().stale, false, 'exactly three intervals is not yet stale');
	assert.equal(store.getState().error, 'process table unreadable');
	await time.advance(1000);
	assert.equal(store.getState().stale, true);
	assert.equal(store.getState().snapshot?.accounts.length, 5, 'the last data stays on screen');
	store.refresh();
	await settle();
	world.builds.at(-1)?.resolve(incidentFleet());
	await settle();
	assert.equal(store.getState().stale, false, 'a good snapshot clears STALE');
	assert.equal(store.getState().error, null);
});

test('no snapshot at all for three intervals is STALE too', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	t.after(() => store.dispose());
	await time.advance(7000);
	assert.equal(store.getState().stale, true);
});

test('a rebuild that changes only generatedAt emits nothing and keeps the same snapshot object', async t => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time, tickMs: 60_000});
	t.after(() => store.dispose());
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	const first = store.getState();
	let notified = 0;
	store.subscribe(() => notified++);
	store.refresh();
	world.builds[1]?.resolve({...incidentFleet(), generatedAt: '2026-11-22T18:00:02.000Z'});
	await settle();
	assert.equal(notified, 0);
	assert.equal(store.getState(), first);
	store.refresh();
	world.builds[2]?.resolve(largeFleet(3));
	await settle();
	assert.equal(notified, 1);
});

test('sameSnapshot ignores generatedAt only', () => {
	const a = incidentFleet();
	assert.ok(sameSnapshot(a, {...a, generatedAt: 'later'}));
	assert.ok(!sameSnapshot(a, {...a, host: 'other'}));
	assert.ok(!sameSnapshot(a, null));
});

test('dispose clears every timer and the watcher, and nothing is emitted afterwards', async () => {
	const time = new FakeTime();
	const world = controlledSources();
	const store = createFleetStore({sources: world.sources, clock: time, timers: time});
	let notified = 0;
	store.subscribe(() => notified++);
	world.changeLocks();
	assert.ok(time.count >= 3, 'poll, clock and debounce timers are running');
	store.dispose();
	assert.equal(time.count, 0);
	assert.equal(world.unwatched(), 1);
	world.builds[0]?.resolve(incidentFleet());
	await settle();
	await time.advance(10_000);
	assert.equal(notified, 0);
	assert.equal(world.builds.length, 1);
});

test('an idle deck emits once a minute at most: the clock shows minutes, unchanged polls emit nothing', async t => {
	const time = new FakeTime();
	const sources: DeckSources = {
		snapshot: async () => incidentFleet(),
		watchLocks: () => () => {},
		recentEvents: () => [],
		latency: () => [],
		pollSeconds: 2,
	};
	const store = createFleetStore({sources, clock: time, timers: time});
	t.after(() => store.dispose());
	await time.advance(10);
	let notified = 0;
	store.subscribe(() => notified++);
	await time.advance(120_000);
	assert.ok(notified <= 2, `${notified} emits in two idle minutes (60 polls, 120 clock ticks)`);
	assert.equal(store.getState().now % 60_000, 0, 'the clock is held to the minute');
	assert.equal(store.getState().stale, false);
});
