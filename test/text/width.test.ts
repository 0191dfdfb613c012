import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import {displayWidth, fit, padToWidth, sliceToWidth, truncateToWidth} from '../../source/text/width.js';

test('displayWidth counts terminal cells: CJK and emoji two, combining marks none', () => {
	assert.equal(displayWidth('BRAIN_ATLAS'), 11);
	assert.equal(displayWidth('口座'), 4);
	assert.equal(displayWidth('🚀'), 2);
	assert.equal(displayWidth('👨‍👩‍👧'), 2);
	assert.equal(displayWidth('e\u0301'), 1);
	assert.equal(displayWidth('✔ …'), 3);
});

test('sliceToWidth never splits a wide character, an emoji sequence or a combining mark', () => {
	assert.equal(sliceToWidth('口座アトラス', 5), '口座');
	assert.equal(sliceToWidth('ab🚀cd', 3), 'ab');
	assert.equal(sliceToWidth('ab🚀cd', 4), 'ab🚀');
	assert.equal(sliceToWidth('x👨‍👩‍👧y', 3), 'x👨‍👩‍👧');
	assert.equal(sliceToWidth('ce\u0301z', 2), 'ce\u0301');
	assert.equal(sliceToWidth('abc', 0), '');
});

test('truncateToWidth marks the cut and stays within the width', () => {
	assert.equal(truncateToWidth('WATCHDOG_BG_CHALLENGE', 20), 'WATCHDOG_BG_CHALLEN…');
	assert.equal(truncateToWidth('short', 20), 'short');
	assert.equal(truncateToWidth('口座アトラス', 6), '口座…', 'a wide character that would straddle the edge is dropped whole');
	assert.equal(truncateToWidth('abc', 1), '…');
	assert.equal(truncateToWidth('abc', 0), '');
});

test('fit makes printable, cuts and pads to exactly the width in cells', () => {
	assert.equal(fit('WATCHDOG_BG_CHALLENGE', 20), 'WATCHDOG_BG_CHALLEN…');
	assert.equal(fit('ok', 5), 'ok   ');
	assert.equal(fit('42', 5, 'right'), '   42');
	assert.equal(fit('✔ running', 5, 'left', '~'), '✔ ru~');
	assert.equal(fit('a\u001Bb', 10), String.raw`a\x1bb` + '    ');
	assert.equal(fit('口座アトラス', 6), '口座… ');
	assert.equal(padToWidth('口', 4), '口  ');
});

test('fit always yields exactly the width, whatever the text', () => {
	fc.assert(fc.property(fc.string({unit: 'grapheme'}), fc.integer({min: 1, max: 40}), (text, width) => {
		assert.equal(displayWidth(fit(text, width)), width, JSON.stringify(text));
	}), {numRuns: 500});
});
