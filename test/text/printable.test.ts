import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import {printable} from '../../source/text/printable.js';

/** Every character a terminal may act on: C0, DEL, C1, bidi embeddings/overrides/isolates. */
// eslint-disable-next-line no-control-regex
const acted = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('printable shows control characters as visible escapes, never raw', () => {
	assert.equal(printable('esc\u001B[2Jclear'), String.raw`esc\x1b[2Jclear`);
	assert.equal(printable('fake\nCRIT ATLAS ok'), String.raw`fake\nCRIT ATLAS ok`);
	assert.equal(printable('cr\rtab\there'), String.raw`cr\rtab\there`);
	assert.equal(printable('bel\u0007 nul\u0000'), String.raw`bel\x07 nul\x00`);
	assert.equal(printable('c1\u009Bx osc\u009D del\u007F'), String.raw`c1\x9bx osc\x9d del\x7f`);
	assert.equal(printable('BRAIN_ATLAS ünïcode ✔ 口座 🚀'), 'BRAIN_ATLAS ünïcode ✔ 口座 🚀');
});

test('printable defuses OSC 52 (clipboard), OSC 0/2 (title), CSI and SGR sequences', () => {
	assert.equal(printable('\u001B]52;c;ZWNobyBwd25lZA==\u0007'), String.raw`\x1b]52;c;ZWNobyBwd25lZA==\x07`);
	assert.equal(printable('\u001B]0;owned\u001B\\'), '\\x1b]0;owned\\x1b\\');
	assert.equal(printable('\u001B]2;owned\u0007'), String.raw`\x1b]2;owned\x07`);
	assert.equal(printable('\u001B[31mred\u001B[0m'), String.raw`\x1b[31mred\x1b[0m`);
});

test('printable escapes bidi overrides and isolates, so a name reads as it is stored', () => {
	assert.equal(printable('BRAIN_\u202EyppaH'), 'BRAIN_\\u202eyppaH');
	for (const code of [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]) {
		assert.equal(printable(String.fromCodePoint(code)), `\\u${code.toString(16)}`);
	}

	assert.equal(printable('\u200F\u061C'), '\u200F\u061C', 'marks without override power stay');
});

test('printable escapes lone surrogates and keeps paired ones', () => {
	assert.equal(printable('a\uD800b'), 'a\\ud800b');
	assert.equal(printable('a\uDC00'), 'a\\udc00');
	assert.equal(printable('\uD83D\uDE80'), '🚀');
});

test('printable output never holds a character a terminal acts on, and escaping twice changes nothing', () => {
	fc.assert(fc.property(fc.string({unit: 'binary'}), text => {
		const once = printable(text);
		assert.ok(!acted.test(once), JSON.stringify(once));
		assert.equal(printable(once), once);
		assert.ok(!loneSurrogate.test(once), JSON.stringify(once));
	}), {numRuns: 500});
});
