import assert from 'node:assert/strict';
import {test} from 'node:test';
import {diffPositions, type FieldChange} from '../../source/broker/drift.js';
import type {DriftClass} from '../../source/vocabulary.js';
import {iso, limits, position, snapshotAt, t0, type Wire} from './helpers.js';

interface Row {
	name: string;
	mutate: (snapshot: Wire) => void;
	expect: Array<[DriftClass, number]>;
	message?: RegExp;
	detail?: Record<string, unknown>;
}

const rows: Row[] = [
	{name: 'in sync', mutate: () => {}, expect: []},
	{name: 'bot holds what the broker closed', mutate: s => { s.positions!.broker = []; }, expect: [['closed-externally', 5011]], message: /BTCUSD #5011 was closed at the broker; the bot still holds it/},
	{
		name: 'closed by SL with the deal',
		mutate: s => {
			s.positions!.broker = [];
			s.deals = [{positionId: 5011, reason: 'SL', profit: -23, time: iso(t0 - 5000)}];
		},
		expect: [['closed-externally', 5011]],
		message: /closed at the broker by SL, P&L -23\.00/,
		detail: {reason: 'SL', profit: -23, closedAt: iso(t0 - 5000)},
	},
	{name: 'a manual trade', mutate: s => { s.positions!.broker!.push(position(5020, {symbol: 'EURUSD', side: 'sell'})); }, expect: [['opened-manually', 5020]], message: /EURUSD #5020 sell 0.1 was opened outside the bot/},
	{
		name: 'SL moved by hand',
		mutate: s => { s.positions!.broker![0]!.sl = 60_500; },
		expect: [['modified-externally', 5011]],
		message: /SL bot 61000, broker 60500/,
		detail: {changes: [{field: 'sl', bot: 61_000, broker: 60_500} satisfies FieldChange]},
	},
	{name: 'TP and volume changed', mutate: s => { Object.assign(s.positions!.broker![0]!, {tp: 67_000, volume: 0.05}); }, expect: [['modified-externally', 5011]], message: /TP bot 66000, broker 67000; volume bot 0.1, broker 0.05/},
	{name: 'SL removed at the broker: modified and missing', mutate: s => { s.positions!.broker![0]!.sl = 0; }, expect: [['missing-sl', 5011], ['modified-externally', 5011]]},
	{name: 'no SL on either side: missing only', mutate: s => { s.positions!.broker![0]!.sl = null; s.positions!.bot![0]!.sl = 0; }, expect: [['missing-sl', 5011]]},
	{name: 'float noise is not a change', mutate: s => { s.positions!.broker![0]!.sl = 61_000.000_000_01; }, expect: []},
	{name: 'not updated for more than a day', mutate: s => { s.positions!.broker![0]!.updatedAt = iso(t0 - 26 * 3_600_000); }, expect: [['stale', 5011]], message: /not updated for 26 h \(limit 24 h\)/},
	{name: 'age falls back to openedAt', mutate: s => { Object.assign(s.positions!.broker![0]!, {updatedAt: null, openedAt: iso(t0 - 90_000_000)}); }, expect: [['stale', 5011]]},
	{name: 'a changed ticket matches by identifier', mutate: s => { s.positions!.broker![0]!.ticket = 7777; }, expect: []},
	{name: 'identifier on one side only matches by ticket', mutate: s => { delete s.positions!.bot![0]!.identifier; s.positions!.broker![0]!.identifier = 4000; }, expect: []},
	{name: 'nothing while resyncing', mutate: s => { s.connection!.state = 'resyncing'; s.positions!.broker = [position(9001)]; }, expect: []},
	{name: 'nothing while the terminal is disconnected', mutate: s => { s.terminal!.connected = false; s.positions!.broker = []; }, expect: []},
	{name: 'nothing without the bot list', mutate: s => { delete s.positions!.bot; }, expect: []},
	{name: 'nothing without connection.state (a resync cannot be ruled out)', mutate: s => { delete s.connection; s.positions!.broker = []; }, expect: []},
];

for (const row of rows) {
	test(`drift: ${row.name}`, () => {
		const differences = diffPositions(snapshotAt(t0, row.mutate), limits, t0);
		assert.deepEqual(
			differences.map(difference => [difference.class, difference.positionId]).sort(),
			[...row.expect].sort(),
		);
		if (row.message) {
			assert.match(differences[0]!.message, row.message);
		}

		if (row.detail) {
			for (const [key, value] of Object.entries(row.detail)) {
				assert.deepEqual(differences[0]!.detail[key], value, key);
			}
		}
	});
}
