import assert from 'node:assert/strict';
import {test} from 'node:test';

// Ink's colour support is decided when it loads: force it on so "no colour" is a real claim.
process.env['FORCE_COLOR'] = '1';
const {ansi, renderDeck} = await import('./harness.js');

test('with colour the deck paints; with NO_COLOR the same deck has no escape sequence at all', async t => {
	const coloured = renderDeck({color: true});
	t.after(coloured.dispose);
	const plain = renderDeck({color: false});
	t.after(plain.dispose);
	await coloured.waitFor(frame => frame.includes('ATLAS'));
	await plain.waitFor(frame => frame.includes('ATLAS'));
	assert.ok(ansi.test(coloured.frame()), 'coloured frame has escapes');
	assert.ok(!ansi.test(plain.frame()), 'NO_COLOR frame has none');
	assert.match(plain.frame(), /✖ CRIT/);
	await plain.press('s');
	await plain.waitFor(frame => frame.includes('confirm shutdown'));
	assert.ok(!ansi.test(plain.frame()));
});
