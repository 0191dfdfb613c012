/**
 * What running the deck in tmux turned up (test/e2e/deck.test.ts), each pinned down here with
 * injected state and time.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Controller} from '../../source/control/types.js';
import {keyPresses} from '../../source/ui/keymap.js';
import {computeLayout} from '../../source/ui/layout.js';
import {asciiText} from '../../source/ui/line.js';
import {createActionStore} from '../../source/ui/store/action-store.js';
import {settle} from './fake-time.js';
import {accountView, componentView, fleet, incidentFleet, journalEvent, launchStep, plan} from './fixtures.js';
import {keys, renderDeck} from './harness.js';

function selectedRow(frame: string): string | undefined {
	return frame.split('\n').find(line => /^› \S/.test(line))?.slice(2).trim().split(/\s+/)[0];
}

const noKey = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};

test('keys that arrive in one read (tmux, SSH, key repeat) are split into single presses', () => {
	assert.deepEqual(keyPresses('jj\r', noKey), ['j', 'j', 'return']);
	assert.deepEqual(keyPresses('y\r', noKey), ['y', 'return']);
	assert.deepEqual(keyPresses('a\tb\u007F', noKey), ['a', 'tab', 'b', 'backspace']);
	assert.deepEqual(keyPresses('j', noKey), ['j']);
	assert.deepEqual(keyPresses('', {...noKey, downArrow: true}), ['down']);
	assert.deepEqual(keyPresses('c', {...noKey, ctrl: true}), ['ctrl+c']);
});

test('jj and k+Enter in one read move the selection and open the detail', async t => {
	const deck = renderDeck({size: {columns: 100, rows: 40}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('jj');
	await deck.waitFor(frame => selectedRow(frame) === 'BG_CHALLENGE', 'two moves');
	await deck.press('k\r');
	await deck.waitFor(frame => selectedRow(frame) === 'GL_3' && frame.includes('Processes'), 'a move and the detail');
});

test('typed-together confirmations: "y⏎" confirms, "xy" cancels, and "dy" never confirms unseen', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('dy');
	await deck.waitFor(frame => frame.includes('confirm stop-duplicates'), 'the dialog, still waiting');
	assert.equal(deck.controller.executed.length, 0, 'a y sent before the dialog was shown confirms nothing');
	await deck.press('xy');
	await deck.waitFor(frame => frame.includes('stop-duplicates cancelled'));
	assert.equal(deck.controller.executed.length, 0, 'the first key cancelled; the y after it found no dialog');
	await deck.press('s');
	await deck.waitFor(frame => frame.includes('confirm shutdown'));
	await deck.press('y\r');
	await deck.waitFor(() => deck.controller.executed.length === 1, 'the shutdown to run');
	deck.controller.finish();
	await deck.waitFor(frame => frame.includes('shutdown finished'));
	assert.ok(!deck.frame().includes('shutdown cancelled'), 'the Enter after y cancelled nothing');
});

test('the selection stays on ATLAS through d, y and its drop back down the table', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	// No key pressed yet: the top row (ATLAS, CRIT) is what the operator sees selected.
	assert.equal(selectedRow(deck.frame()), 'ATLAS');
	await deck.press('d');
	await deck.waitFor(frame => frame.includes('confirm stop-duplicates'));
	await deck.press('y');
	await deck.waitFor(() => deck.controller.executed.length === 1, 'the plan to run');
	assert.deepEqual(deck.controller.planned[0]?.scope, {accounts: ['ATLAS']});
	const healed = incidentFleet();
	healed.accounts = healed.accounts.map(account => (account.id === 'ATLAS' ? accountView('ATLAS', '212000584') : account));
	deck.controller.finish();
	await deck.setSnapshot(healed);
	await deck.waitFor(frame => frame.split('\n')[2]?.startsWith('  GL_3') === true, 'ATLAS to sort down');
	assert.equal(selectedRow(deck.frame()), 'ATLAS');
});

test('layout: the events strip takes the rows nothing else needs; the detail grows to its content', () => {
	for (const rows of [24, 30, 60]) {
		const layout = computeLayout({rows, header: 1, status: 2, accounts: 5, services: true, detailOpen: false, progressSteps: null});
		assert.equal(1 + 2 + layout.table + layout.services + layout.events, rows - 1, `${rows} rows, all used`);
	}

	const open = computeLayout({rows: 60, header: 1, status: 1, accounts: 5, services: true, detailOpen: true, detailWanted: 20, progressSteps: null});
	assert.equal(open.detail, 20, 'the whole detail');
	assert.equal(1 + 1 + open.table + open.services + open.detail + open.events, 59, 'the rest to the events');
	const short = computeLayout({rows: 24, header: 1, status: 2, accounts: 5, services: true, detailOpen: true, detailWanted: 40, progressSteps: null});
	assert.equal(1 + 2 + short.table + short.services + short.detail + short.events, 23);
	assert.ok(short.events >= 2 && short.detail >= 5);
});

test('at 100×30 the deck fills 29 rows with history instead of leaving blank ones', async t => {
	const events = Array.from({length: 40}, (_, index) => journalEvent(index + 1, `event number ${index + 1}`));
	const deck = renderDeck({size: {columns: 100, rows: 30}, events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('event number 40'));
	assert.equal(deck.frame().split('\n').length, 29);
	assert.ok(deck.frame().includes('event number 23'), 'eighteen events shown, not five');
});

test('at 200×60 the open detail shows whole, and the events take the rest', async t => {
	const events = Array.from({length: 60}, (_, index) => journalEvent(index + 1, `event number ${index + 1}`));
	const deck = renderDeck({size: {columns: 200, rows: 60}, events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('Positions and drift'));
	const frame = deck.frame();
	assert.ok(!frame.includes('more)'), 'nothing of the detail hidden');
	assert.match(frame, /closed-externally/);
	assert.equal(frame.split('\n').length, 59);
});

test('the status bar never clips its last key at the edge (100 columns)', async t => {
	const deck = renderDeck({size: {columns: 100, rows: 30}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	const bar = deck.frame().split('\n').slice(-2);
	assert.match(bar[0] ?? '', /S shutdown all$/);
	assert.ok(bar.every(line => !line.endsWith('…')), bar.join('\n'));
});

test('a result notice names its action once', async () => {
	const controller: Controller = {
		plan: async (kind, scope) => plan(kind, scope, [launchStep('1', 'BRAIN_ATLAS')]),
		execute: async () => ({kind: 'launch', ok: true, summary: 'launch: 1 done, 0 skipped, 0 failed', steps: []}),
	};
	const store = createActionStore({controller});
	try {
		store.request('launch', 'all');
		await settle();
		assert.equal(store.getState().notices.at(-1)?.message, 'launch: 1 done, 0 skipped, 0 failed');
	} finally {
		store.dispose();
	}
});

test('ASCII mode turns arrows and ellipses from journal messages into ASCII', async t => {
	assert.equal(asciiText('down → ok… ✓'), 'down -> ok... ?');
	assert.equal(asciiText('plain'), 'plain');
	const deck = renderDeck({unicode: false, size: {columns: 120, rows: 24}, events: [journalEvent(1, 'ATLAS service down → ok: the brain runs… once')]});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	assert.match(deck.frame(), /down -> ok: the brain runs\.\.\. once/);
	await deck.press('?');
	await deck.waitFor(frame => frame.includes('help (Esc'));
	assert.match(deck.frame(), /Up\/Down scroll/);
	// eslint-disable-next-line no-control-regex
	assert.deepEqual([...deck.frame()].filter(char => !/[\u0000-\u007F]/.test(char)), []);
});

test('locks of no configured component are shown, so c never clears a lock the operator has not seen', async t => {
	const stray = componentView('OLD_BOT', 'other', null, {verdict: 'stale-dead', pid: 4242}).lock!;
	const deck = renderDeck({snapshot: {...fleet([accountView('ATLAS', '212000584')]), services: [], locks: [stray]}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	assert.match(deck.frame(), /^other locks {2}OLD_BOT ✖ stale-dead$/m);
	await deck.setSnapshot({...incidentFleet(), locks: [stray]});
	await deck.waitFor(frame => /services {2}quantum_server ● running {2}other locks {2}OLD_BOT ✖ stale-dead/.test(frame));
});
