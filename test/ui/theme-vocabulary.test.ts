import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createTheme, isLevelTone} from '../../source/ui/theme.js';
import {componentStates, healthStateLevels, healthStates, levels, levelWords, verdictCodes} from '../../source/vocabulary.js';

/**
 * The theme's tables are keyed by the vocabulary's types, so a missing entry fails the build;
 * this checks what the compiler cannot: every member reads without colour (a word and a symbol
 * of its own) in both symbol sets, and gets a colour when colour is on.
 */

const themes = [true, false].flatMap(unicode => [true, false].map(color => createTheme({color, unicode})));

test('every level, health state, component state and verdict has a word, a symbol and a tone in every theme', () => {
	for (const theme of themes) {
		const where = `unicode ${theme.unicode}, colour ${theme.color}`;
		const badges = [
			...levels.map(level => ({member: `level ${level}`, badge: theme.level(level)})),
			...healthStates.map(state => ({member: `health ${state}`, badge: theme.health(state)})),
			...componentStates.map(state => ({member: `state ${state}`, badge: theme.component(state)})),
			...verdictCodes.map(code => ({member: `verdict ${code}`, badge: theme.verdict(code)})),
		];
		for (const {member, badge} of badges) {
			assert.ok(badge.word.trim().length > 0, `${member} (${where}): a word`);
			assert.ok(badge.symbol.trim().length > 0, `${member} (${where}): a symbol`);
			assert.equal(theme.paint(badge.tone) === undefined, !theme.color, `${member} (${where}): coloured exactly when colour is on`);
			if (!theme.unicode) {
				assert.match(badge.symbol, /^[\x21-\x7E]+$/, `${member}: ASCII without a UTF-8 locale`);
			}
		}
	}
});

test('levels read apart without colour, and a health state looks like the level it counts as', () => {
	for (const theme of themes) {
		const level = levels.map(member => theme.level(member));
		assert.equal(new Set(level.map(badge => badge.symbol)).size, levels.length, 'one symbol per level');
		assert.deepEqual(level.map(badge => badge.word), levels.map(member => levelWords[member]), 'the same words as --once');
		for (const state of healthStates) {
			const health = theme.health(state);
			const counted = theme.level(healthStateLevels[state]);
			assert.deepEqual({tone: health.tone, symbol: health.symbol}, {tone: counted.tone, symbol: counted.symbol}, `health ${state}`);
			assert.equal(health.word, state);
		}
	}
});

test('isLevelTone tells the level tones from the plain styles', () => {
	assert.deepEqual(levels.filter(level => isLevelTone(level)), [...levels]);
	assert.equal(isLevelTone('muted'), false);
	assert.equal(isLevelTone('accent'), false);
	assert.equal(isLevelTone('plain'), false);
});
