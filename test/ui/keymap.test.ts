import assert from 'node:assert/strict';
import {test} from 'node:test';
import {barEntries, keymap, keymapMarkdown, resolveKey, type KeyContext} from '../../source/ui/keymap.js';
import {computeLayout} from '../../source/ui/layout.js';
import {colorWanted, createTheme, unicodeLocale} from '../../source/ui/theme.js';

const deck: KeyContext = {view: 'deck', pane: 'accounts', detailOpen: false, selected: true, busy: false};
const symbols = createTheme({color: false, unicode: true}).symbols;

test('the README key list comes from the keymap and names every key', () => {
	const markdown = keymapMarkdown();
	assert.match(markdown, /^\| Key \| Action \| When \|\n\| --- \| --- \| --- \|\n/);
	for (const key of ['`↑` `k`', '`↓` `j`', '`Enter`', '`Esc`', '`Tab`', '`l`', '`L`', '`c`', '`d`', '`s`', '`S`', '`r`', '`/`', '`e`', '`?`', '`q`', '`y`', '`Ctrl-C`']) {
		assert.ok(markdown.includes(`| ${key}`), key);
	}

	assert.equal(markdown.trim().split('\n').length, keymap.length + 2);
});

test('keys resolve by context: the same key means different things in different views', () => {
	assert.equal(resolveKey('return', deck)?.intent, 'open-detail');
	assert.equal(resolveKey('return', {...deck, view: 'confirm'})?.intent, 'cancel');
	assert.equal(resolveKey('y', {...deck, view: 'confirm'})?.intent, 'confirm');
	assert.equal(resolveKey('escape', {...deck, view: 'confirm'})?.intent, 'cancel');
	assert.equal(resolveKey('q', {...deck, view: 'filter'})?.intent, 'filter-type');
	assert.equal(resolveKey('escape', {...deck, detailOpen: true})?.intent, 'close');
	assert.equal(resolveKey('escape', deck), undefined);
	assert.equal(resolveKey('S', {...deck, busy: true}), undefined, 'no second action while one runs');
	assert.equal(resolveKey('s', {...deck, selected: false}), undefined, 'account actions need an account');
	assert.equal(resolveKey('ctrl+c', {...deck, view: 'confirm'})?.intent, 'interrupt');
});

test('the status bar lists what applies now, pairs merged', () => {
	const labels = barEntries(deck, symbols).map(entry => `${entry.keys} ${entry.label}`);
	assert.deepEqual(labels.slice(0, 2), ['↑↓ select', 'Enter open']);
	assert.ok(labels.includes('S shutdown all'));
	assert.ok(!labels.some(label => label.includes('close')));
	const confirming = barEntries({...deck, view: 'confirm'}, symbols).map(entry => `${entry.keys} ${entry.label}`);
	assert.deepEqual(confirming, ['y yes, run it', 'any other key cancel']);
});

test('colour and locale detection', () => {
	assert.equal(colorWanted({}, false), true);
	assert.equal(colorWanted({NO_COLOR: '1'}, false), false);
	assert.equal(colorWanted({NO_COLOR: ''}, false), true, 'an empty NO_COLOR does not count');
	assert.equal(colorWanted({}, true), false);
	assert.equal(unicodeLocale({LANG: 'en_US.UTF-8'}), true);
	assert.equal(unicodeLocale({LANG: 'en_US.utf8'}), true);
	assert.equal(unicodeLocale({LANG: 'C'}), false);
	assert.equal(unicodeLocale({}), false);
	assert.equal(unicodeLocale({LC_ALL: 'C', LANG: 'en_US.UTF-8'}), false, 'LC_ALL wins');
	assert.equal(unicodeLocale({LC_CTYPE: 'C.UTF-8', LANG: 'C'}), true);
});

test('layout keeps one row free and gives the space out sensibly', () => {
	for (const rows of [10, 24, 60]) {
		for (const detailOpen of [false, true]) {
			const layout = computeLayout({rows, header: 2, status: 2, accounts: 200, services: true, detailOpen, progressSteps: detailOpen ? 5 : null});
			const used = 2 + 2 + layout.table + layout.services + layout.progress + layout.detail + layout.events;
			assert.ok(used <= rows - 1, `${rows} rows: ${used}`);
			assert.ok(layout.table >= 2);
		}
	}

	const small = computeLayout({rows: 24, header: 1, status: 1, accounts: 5, services: true, detailOpen: false, progressSteps: null});
	assert.equal(small.table, 6, 'title and five rows');
});
