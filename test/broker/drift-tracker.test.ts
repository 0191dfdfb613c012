import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DriftTracker, driftLevel, tombstoneMs} from '../../source/broker/drift-tracker.js';
import {iso, limits, position, snapshotAt, t0, type Wire} from './helpers.js';

const closedBySl = (s: Wire) => {
	s.positions!.broker = [];
	s.deals = [{positionId: 5011, reason: 'SL', profit: -23}];
};

const summary = (items: Array<{class: string; status: string}>) => items.map(item => `${item.class}:${item.status}`);

test('a difference is suspected on the first poll, confirmed on the second, resolved when the bot catches up', () => {
	const tracker = new DriftTracker(limits);
	const first = tracker.observe(snapshotAt(t0, closedBySl), t0);
	assert.deepEqual(summary(first.items), ['closed-externally:suspected']);
	assert.deepEqual(first.raised, []);

	const second = tracker.observe(snapshotAt(t0 + 2000, closedBySl), t0 + 2000);
	assert.deepEqual(summary(second.items), ['closed-externally:confirmed']);
	assert.deepEqual(summary(second.raised), ['closed-externally:confirmed']);
	assert.match(second.raised[0]!.message, /by SL, P&L -23\.00/);
	assert.equal(driftLevel(second.items), 'warn');

	const third = tracker.observe(snapshotAt(t0 + 4000, closedBySl), t0 + 4000);
	assert.deepEqual(third.raised, [], 'raised once only');

	const caughtUp = tracker.observe(snapshotAt(t0 + 6000, s => { closedBySl(s); s.positions!.bot = []; }), t0 + 6000);
	assert.deepEqual(caughtUp.items, []);
	assert.deepEqual(summary(caughtUp.resolved), ['closed-externally:confirmed']);
	assert.equal(driftLevel(caughtUp.items), 'ok');
});

test('ghost positions during a resync raise nothing, and the synced view replaces them', () => {
	const tracker = new DriftTracker(limits);
	const resyncing = (s: Wire) => {
		s.connection!.state = 'resyncing';
		s.positions!.broker = [position(9001, {symbol: 'XAUUSD', sl: 0})];
	};

	for (let poll = 0; poll < 4; poll++) {
		const observation = tracker.observe(snapshotAt(t0 + poll * 1000, resyncing), t0 + poll * 1000);
		assert.deepEqual(observation.items, []);
		assert.deepEqual(observation.raised, []);
		assert.match(observation.paused ?? '', /resyncing/);
	}

	for (let poll = 4; poll < 7; poll++) {
		const observation = tracker.observe(snapshotAt(t0 + poll * 1000, s => { s.connection!.lastSyncAt = iso(t0 + poll * 1000); }), t0 + poll * 1000);
		assert.deepEqual(observation.items, []);
		assert.equal(observation.paused, null);
	}
});

test('a one-poll glitch is never raised', () => {
	const tracker = new DriftTracker(limits);
	assert.equal(tracker.observe(snapshotAt(t0, s => { s.positions!.broker = []; }), t0).items.length, 1);
	const next = tracker.observe(snapshotAt(t0 + 1000), t0 + 1000);
	assert.deepEqual(next.items, []);
	assert.deepEqual(next.resolved, [], 'a suspicion that goes away resolves nothing');
});

test('re-reading the same snapshot is not a second poll, and older data is ignored', () => {
	const tracker = new DriftTracker(limits);
	const snapshot = snapshotAt(t0, closedBySl);
	tracker.observe(snapshot, t0);
	assert.deepEqual(summary(tracker.observe(snapshot, t0 + 2000).items), ['closed-externally:suspected']);
	assert.deepEqual(summary(tracker.observe(snapshotAt(t0 - 1000, closedBySl), t0 + 2500).items), ['closed-externally:suspected']);
	assert.deepEqual(summary(tracker.observe(null, t0 + 3000).items), ['closed-externally:suspected'], 'a failed poll changes nothing');
});

test('a resync breaks the run of consecutive polls', () => {
	const tracker = new DriftTracker(limits);
	tracker.observe(snapshotAt(t0, s => { s.positions!.broker![0]!.sl = 60_000; }), t0);
	tracker.observe(snapshotAt(t0 + 1000, s => { s.connection!.state = 'resyncing'; }), t0 + 1000);
	const after = tracker.observe(snapshotAt(t0 + 2000, s => { s.positions!.broker![0]!.sl = 60_000; }), t0 + 2000);
	assert.deepEqual(summary(after.items), ['modified-externally:suspected']);
});

test('a confirmed difference stays shown through a resync and goes when the synced view lacks it', () => {
	const tracker = new DriftTracker(limits);
	const manual = (s: Wire) => { s.positions!.broker!.push(position(5020, {symbol: 'EURUSD'})); };
	tracker.observe(snapshotAt(t0, manual), t0);
	assert.deepEqual(summary(tracker.observe(snapshotAt(t0 + 1000, manual), t0 + 1000).raised), ['opened-manually:confirmed']);
	assert.equal(driftLevel(tracker.observe(snapshotAt(t0 + 1500, manual), t0 + 1500).items), 'info', 'a manual trade is shown, not alarmed');
	const resync = tracker.observe(snapshotAt(t0 + 2000, s => { s.connection!.state = 'resyncing'; s.positions!.broker = []; }), t0 + 2000);
	assert.deepEqual(summary(resync.items), ['opened-manually:confirmed']);
	assert.deepEqual(resync.resolved, []);
	const synced = tracker.observe(snapshotAt(t0 + 3000, s => { s.connection!.lastSyncAt = iso(t0 + 3000); }), t0 + 3000);
	assert.deepEqual(synced.items, []);
	assert.deepEqual(summary(synced.resolved), ['opened-manually:confirmed']);
});

test('a closed position cannot be resurrected by late broker data for 5 minutes', () => {
	const tracker = new DriftTracker(limits);
	const closedAndForgotten = (s: Wire) => {
		closedBySl(s);
		s.positions!.bot = [];
	};

	tracker.observe(snapshotAt(t0), t0);
	assert.deepEqual(tracker.observe(snapshotAt(t0 + 1000, closedAndForgotten), t0 + 1000).items, []);
	// The publisher's position cache lags: the closed position shows up again at the broker.
	const lateBroker = (s: Wire) => { s.positions!.bot = []; };
	for (const at of [t0 + 2000, t0 + 3000]) {
		assert.deepEqual(tracker.observe(snapshotAt(at, lateBroker), at).items, [], 'no opened-manually ghost');
	}

	const muchLater = t0 + 1000 + tombstoneMs + 1;
	assert.deepEqual(summary(tracker.observe(snapshotAt(muchLater, lateBroker), muchLater).items), ['opened-manually:suspected'], 'the tombstone expires');
});

test('a position missing from the broker list without a deal is not buried: when it is listed again, the drift resolves', () => {
	const tracker = new DriftTracker(limits);
	const missing = (s: Wire) => { s.positions!.broker = []; };
	tracker.observe(snapshotAt(t0, missing), t0);
	assert.deepEqual(summary(tracker.observe(snapshotAt(t0 + 1000, missing), t0 + 1000).items), ['closed-externally:confirmed']);
	// positions_get() glitched for two polls; the position was never closed (no deal) and is listed again.
	const back = tracker.observe(snapshotAt(t0 + 2000), t0 + 2000);
	assert.deepEqual(back.items, []);
	assert.deepEqual(summary(back.resolved), ['closed-externally:confirmed']);
});

test('a position the broker dropped and the bot then forgot is buried: late broker data cannot bring it back', () => {
	const tracker = new DriftTracker(limits);
	const missing = (s: Wire) => { s.positions!.broker = []; };
	tracker.observe(snapshotAt(t0, missing), t0);
	tracker.observe(snapshotAt(t0 + 1000, missing), t0 + 1000);
	const caughtUp = tracker.observe(snapshotAt(t0 + 2000, s => { missing(s); s.positions!.bot = []; }), t0 + 2000);
	assert.deepEqual(summary(caughtUp.resolved), ['closed-externally:confirmed']);
	for (const at of [t0 + 3000, t0 + 4000]) {
		assert.deepEqual(tracker.observe(snapshotAt(at, s => { s.positions!.bot = []; }), at).items, [], 'no opened-manually ghost');
	}
});

test('a partial-close deal for a position still listed does not bury it', () => {
	const tracker = new DriftTracker(limits);
	const partial = (s: Wire) => { s.deals = [{positionId: 5011, reason: 'TP', profit: 5}]; };
	tracker.observe(snapshotAt(t0, partial), t0);
	const next = tracker.observe(snapshotAt(t0 + 1000, s => { partial(s); s.positions!.bot!.push(position(5030)); s.positions!.broker!.push(position(5030)); }), t0 + 1000);
	assert.deepEqual(next.items, []);
});

test('missing-sl is the loudest drift', () => {
	const tracker = new DriftTracker({...limits, driftPersistPolls: 1});
	const observation = tracker.observe(snapshotAt(t0, s => { s.positions!.broker![0]!.sl = 0; s.positions!.bot![0]!.sl = 0; }), t0);
	assert.deepEqual(summary(observation.raised), ['missing-sl:confirmed']);
	assert.equal(driftLevel(observation.items), 'crit');
});

test('a snapshot for another account (cross-wired terminals) is not judged: its positions are not this account\'s drift', () => {
	const atlas = {number: '212000584', server: null};
	const tracker = new DriftTracker(limits, atlas);
	const otherAccount = (s: Wire) => {
		s.account = '365060';
		s.positions!.bot = [];
		s.positions!.broker = [position(6012, {symbol: 'XAUUSD'})];
	};

	for (const at of [t0, t0 + 2000, t0 + 4000]) {
		const observation = tracker.observe(snapshotAt(at, otherAccount), at);
		assert.deepEqual(observation.items, []);
		assert.match(observation.paused ?? '', /snapshot is for account 365060, expected 212000584/);
	}

	// The same tracker judges again once the terminal is this account's.
	tracker.observe(snapshotAt(t0 + 6000, closedBySl), t0 + 6000);
	const confirmed = tracker.observe(snapshotAt(t0 + 8000, closedBySl), t0 + 8000);
	assert.deepEqual(summary(confirmed.items), ['closed-externally:confirmed']);
});
