import assert from 'node:assert/strict';
import test from 'node:test';
import {columnWidth, fit, printable, wrap} from '../../source/report/columns.js';

test('printable shows control characters as escapes, never raw', () => {
	assert.equal(printable('esc\u001B[2Jclear'), String.raw`esc\x1b[2Jclear`);
	assert.equal(printable('fake\nCRIT ATLAS ok'), String.raw`fake\nCRIT ATLAS ok`);
	assert.equal(printable('tab\there'), 'tab here');
	assert.equal(printable('c1\u009Bx del\u007F'), String.raw`c1\x9bx del\x7f`);
	assert.equal(printable('BRAIN_ATLAS ünïcode ✔'), 'BRAIN_ATLAS ünïcode ✔');
});

test('fit cuts with an ellipsis and pads to the exact width, by characters', () => {
	assert.equal(fit('WATCHDOG_BG_CHALLENGE', 20), 'WATCHDOG_BG_CHALLEN…');
	assert.equal(fit('ok', 5), 'ok   ');
	assert.equal(fit('42', 5, 'right'), '   42');
	assert.equal(fit('✔ running', 5, 'left', '~'), '✔ ru~');
	assert.equal(fit('a\u001Bb', 10), String.raw`a\x1bb` + '    ');
	assert.equal(columnWidth(['ab', 'a\u001B'], 1, 10), 5);
});

test('wrap keeps every line within the width and indents continuations', () => {
	const text = wrap('CRIT 3 copies of BRAIN_ATLAS are running (6 processes; instances 19248, 19310, 19377); the lock is held by PID 19248', 40, '      ');
	for (const line of text.split('\n')) {
		assert.ok(line.length <= 40, line);
	}

	assert.match(text, /\n {6}\S/);
});

test('wrap cuts a word longer than a line, so no line is wider than the width', () => {
	const name = `BRAIN_${'X'.repeat(122)}`;
	const text = wrap(`WARN ${name}: stale lock (stale-dead): PID 7 is gone; /very/long/${'d'.repeat(90)}/.locks`, 80, '      ');
	const lines = text.split('\n');
	for (const line of lines) {
		assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
	}

	assert.ok(lines.length >= 4, text);
	assert.equal(lines.join('').replaceAll(' ', ''), `WARN${name}:stalelock(stale-dead):PID7isgone;/very/long/${'d'.repeat(90)}/.locks`, 'nothing is lost');
	assert.match(lines[1] ?? '', /^ {6}\S/);
});
