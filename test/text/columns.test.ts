import assert from 'node:assert/strict';
import test from 'node:test';
import {columnWidth, wrap} from '../../source/text/columns.js';
import {displayWidth} from '../../source/text/width.js';

test('columnWidth measures printable text in display cells', () => {
	assert.equal(columnWidth(['ab', 'a\u001B'], 1, 10), 5);
	assert.equal(columnWidth(['口座アトラス'], 1, 20), 12, 'six CJK characters take twelve cells');
	assert.equal(columnWidth(['口座アトラス'], 1, 10), 10);
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

test('wrap measures wide characters in cells and never splits one', () => {
	const name = `BRAIN_${'口座'.repeat(40)}`;
	const text = wrap(`WARN ${name}: stale lock 🚀🚀 (stale-dead)`, 80, '      ');
	const lines = text.split('\n');
	for (const line of lines) {
		assert.ok(displayWidth(line) <= 80, `${displayWidth(line)}: ${line}`);
	}

	assert.ok(lines.length >= 3, text);
	assert.equal(lines.join('').replaceAll(' ', ''), `WARN${name}:stalelock🚀🚀(stale-dead)`, 'nothing is lost, no character is halved');
});
