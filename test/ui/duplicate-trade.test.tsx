import assert from 'node:assert/strict';
import {test} from 'node:test';
import {accountView, fleet} from './fixtures.js';
import {keys, renderDeck} from './harness.js';

test('the deck shows a duplicate trade in the account\'s drift, with its message', async t => {
	const message = 'BTCUSD buy 0.10 opened twice within 2 s (#7001, #7002); the bot holds #7001; another copy of the bot may be trading';
	const atlas = accountView('ATLAS', '212000584', {level: 'crit', drift: [{class: 'duplicate-trade', status: 'confirmed', positionId: 7002, symbol: 'BTCUSD', message}]});
	const deck = renderDeck({snapshot: fleet([atlas]), size: {columns: 200, rows: 60}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('duplicate-trade'));
	assert.match(deck.frame(), /duplicate-trade\s+confirmed\s+#7002 BTCUSD\s+BTCUSD buy 0\.10 opened twice within 2 s \(#7001, #7002\); the bot holds #7001/);
});
