import assert from 'node:assert/strict';
import {test} from 'node:test';
import {diffPositions} from '../../source/broker/drift.js';
import {DriftTracker, driftLevel} from '../../source/broker/drift-tracker.js';
import {findDuplicateTrades, formatVolume} from '../../source/broker/duplicate-trades.js';
import type {DriftClass} from '../../source/vocabulary.js';
import {account, iso, limits, position, snapshotAt, t0, type Wire, type WirePosition} from './helpers.js';

const opened = t0 - 600_000;
/** The bot's own BTCUSD buy, magic 123, and a copy of it opened `afterMs` later. */
const trade = (id: number, afterMs: number, patch: Partial<WirePosition> = {}) => position(id, {magic: 123, openedAt: iso(opened + afterMs), updatedAt: iso(opened + afterMs), ...patch});

interface Row {
	name: string;
	bot: WirePosition[];
	broker: WirePosition[];
	expect: Array<[DriftClass, number]>;
	message?: string;
	magic?: number;
}

const rows: Row[] = [
	{
		name: 'a second copy two seconds after the bot\'s',
		bot: [trade(7001, 0)],
		broker: [trade(7001, 0), trade(7002, 2000)],
		expect: [['duplicate-trade', 7002]],
		message: 'BTCUSD buy 0.10 opened twice within 2 s (#7001, #7002); the bot holds #7001; another copy of the bot may be trading',
	},
	{
		name: 'three copies name every id',
		bot: [trade(7001, 0)],
		broker: [trade(7003, 1500), trade(7001, 0), trade(7002, 800)],
		expect: [['duplicate-trade', 7002]],
		message: 'BTCUSD buy 0.10 opened 3 times within 2 s (#7001, #7002, #7003); the bot holds #7001; another copy of the bot may be trading',
	},
	{
		name: 'the held copy need not be the first',
		bot: [trade(7002, 2000)],
		broker: [trade(7001, 0), trade(7002, 2000)],
		expect: [['duplicate-trade', 7001]],
		message: 'BTCUSD buy 0.10 opened twice within 2 s (#7001, #7002); the bot holds #7002; another copy of the bot may be trading',
	},
	{name: 'outside the window: the bot\'s magic, not held', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 61_000)], expect: [['opened-by-bot-unheld', 7002]]},
	{name: 'exactly at the window is within it', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 60_000)], expect: [['duplicate-trade', 7002]]},
	{name: 'a different magic is another bot\'s trade', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000, {magic: 456})], expect: [['opened-manually', 7002]]},
	{name: 'the other side is not a copy', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000, {side: 'sell'})], expect: [['opened-by-bot-unheld', 7002]]},
	{name: 'another symbol is not a copy', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000, {symbol: 'ETHUSD'})], expect: [['opened-by-bot-unheld', 7002]]},
	{name: 'the bot holds both: it scaled in', bot: [trade(7001, 0), trade(7002, 2000)], broker: [trade(7001, 0), trade(7002, 2000)], expect: []},
	{name: 'the bot holds none: manual trades without magic', bot: [], broker: [trade(7001, 0, {magic: null}), trade(7002, 2000, {magic: null})], expect: [['opened-manually', 7001], ['opened-manually', 7002]]},
	{name: 'without magic on the wire, symbol and side decide', bot: [trade(7001, 0, {magic: undefined})], broker: [trade(7001, 0, {magic: undefined}), trade(7002, 2000, {magic: undefined})], expect: [['duplicate-trade', 7002]]},
	{name: 'no openedAt: no window to judge', bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000, {openedAt: null})], expect: [['opened-by-bot-unheld', 7002]]},
	{
		name: 'the configured magic marks an unheld position as the bot\'s when the bot holds nothing',
		bot: [],
		broker: [trade(7002, 2000)],
		magic: 123,
		expect: [['opened-by-bot-unheld', 7002]],
		message: 'BTCUSD #7002 buy 0.1 carries the bot\'s magic 123 but the bot does not hold it',
	},
	{name: 'magic 0 is MetaTrader\'s manual trade, never the bot\'s', bot: [trade(7001, 0, {magic: 0})], broker: [trade(7001, 0, {magic: 0}), trade(7002, 90_000, {magic: 0})], expect: [['opened-manually', 7002]]},
];

for (const row of rows) {
	test(`duplicate trades: ${row.name}`, () => {
		const snapshot = snapshotAt(t0, s => { s.positions = {bot: row.bot, broker: row.broker}; });
		const differences = diffPositions(snapshot, limits, t0, row.magic ?? null);
		assert.deepEqual(differences.map(difference => [difference.class, difference.positionId]).sort(), [...row.expect].sort());
		if (row.message !== undefined) {
			assert.equal(differences[0]!.message, row.message);
		}
	});
}

test('the window is configurable', () => {
	const snapshot = snapshotAt(t0, s => { s.positions = {bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 20_000)]}; });
	assert.equal(diffPositions(snapshot, {...limits, duplicateTradeWindowSeconds: 10}, t0)[0]?.class, 'opened-by-bot-unheld');
	assert.equal(diffPositions(snapshot, {...limits, duplicateTradeWindowSeconds: 30}, t0)[0]?.class, 'duplicate-trade');
});

test('clusters start at their first opening: openings 50 s apart in a chain are not one trade', () => {
	const snapshot = snapshotAt(t0, s => { s.positions = {bot: [trade(7001, 0), trade(7003, 100_000)], broker: [trade(7001, 0), trade(7002, 50_000), trade(7003, 100_000)]}; });
	const found = findDuplicateTrades(snapshot.positions!.broker!, snapshot.positions!.bot!, 60);
	assert.deepEqual(found.map(duplicate => duplicate.ids), [[7001, 7002]]);
});

test('volumes read as a terminal shows them', () => {
	assert.deepEqual([0.1, 1, 0.125, 2.5].map(formatVolume), ['0.10', '1.00', '0.125', '2.50']);
});

const copied = (s: Wire) => { s.positions = {bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000)]}; };

test('a duplicate trade is raised only after driftPersistPolls polls, as crit, and resolves when the copy closes', () => {
	const tracker = new DriftTracker(limits, account());
	const first = tracker.observe(snapshotAt(t0, copied), t0);
	assert.deepEqual(first.items.map(item => `${item.class}:${item.status}`), ['duplicate-trade:suspected']);
	assert.deepEqual(first.raised, []);
	assert.equal(driftLevel(first.items), 'ok');

	const second = tracker.observe(snapshotAt(t0 + 2000, copied), t0 + 2000);
	assert.deepEqual(second.raised.map(item => [item.class, item.severity]), [['duplicate-trade', 'crit']]);
	assert.equal(driftLevel(second.items), 'crit');

	const closed = tracker.observe(snapshotAt(t0 + 4000, s => { s.positions = {bot: [trade(7001, 0)], broker: [trade(7001, 0)]}; }), t0 + 4000);
	assert.deepEqual(closed.items, []);
	assert.deepEqual(closed.resolved.map(item => item.class), ['duplicate-trade']);
});

test('nothing is judged while the account resynchronizes, and a pause restarts the count', () => {
	const tracker = new DriftTracker(limits, account());
	assert.equal(tracker.observe(snapshotAt(t0, copied), t0).items.length, 1);
	const paused = tracker.observe(snapshotAt(t0 + 2000, s => { copied(s); s.connection!.state = 'resyncing'; }), t0 + 2000);
	assert.deepEqual(paused.items, []);
	assert.match(paused.paused ?? '', /resyncing/);
	const after = tracker.observe(snapshotAt(t0 + 4000, s => { copied(s); s.connection!.lastSyncAt = iso(t0 + 4000); }), t0 + 4000);
	assert.deepEqual(after.items.map(item => item.status), ['suspected']);
	assert.deepEqual(after.raised, []);
});

test('the tracker reads the configured magic from the account', () => {
	const tracker = new DriftTracker({...limits, driftPersistPolls: 1}, account({broker: {...account().broker!, magic: 123}}));
	const unheld = (s: Wire) => { s.positions = {bot: [], broker: [trade(7002, 2000)]}; };
	assert.deepEqual(tracker.observe(snapshotAt(t0, unheld), t0).raised.map(item => [item.class, item.severity]), [['opened-by-bot-unheld', 'warn']]);
	const plain = new DriftTracker({...limits, driftPersistPolls: 1}, account());
	assert.deepEqual(plain.observe(snapshotAt(t0, unheld), t0).items.map(item => item.class), ['opened-manually']);
});
