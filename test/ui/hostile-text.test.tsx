import assert from 'node:assert/strict';
import {test} from 'node:test';
import {planClearStale} from '../../source/control/plan.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {displayWidth} from '../../source/text/width.js';
import {accountView, FakeController, fleet, journalEvent} from './fixtures.js';
import {keys, renderDeck, type DeckHarness} from './harness.js';

/**
 * Text anyone on the host can put in front of the deck: a lockfile's name, a verdict's reason, a
 * status publisher's account fields. Each payload, reaching the terminal raw, would act: OSC 52
 * writes the operator's clipboard, OSC 0/2 retitle the window, CSI clears the screen, SGR paints
 * it, a newline or CR forges a row, BEL beeps, a bidi override makes a name read backwards.
 */
const osc52 = '\u001B]52;c;cm0gLXJmIH4K\u0007';
const title0 = '\u001B]0;owned\u0007';
const title2 = '\u001B]2;owned\u001B\\';
const csi = '\u001B[2J\u001B[H';
const sgr = '\u001B[5;31m';
const c1Csi = '\u009B2J';
const payload = `${osc52}${title0}${title2}${csi}${sgr}${c1Csi}\nCRIT FAKE ROW\r\u0007\u202Eevil\u2066`;

/** Every byte a terminal would act on; LF is allowed only as the frame's own row separator. */
// eslint-disable-next-line no-control-regex
const acted = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

function hostileFleet(): FleetSnapshot {
	const account = accountView(`ATLAS${payload}`, `2120${payload}`, {
		level: 'crit',
		watchdog: {state: 'stale-lock', level: 'crit', instances: 0, verdict: 'stale-dead'},
		drift: [{class: 'closed-externally', status: 'confirmed', positionId: 5011, symbol: `BTC${payload}`, message: `closed by ${payload}`}],
	});
	const [watchdog, brain] = account.components;
	// A lockfile whose name and reason carry the payload, judged stale so `c` offers to remove it.
	watchdog!.name = `WATCHDOG${payload}`;
	watchdog!.lock = {...watchdog!.lock!, name: `WATCHDOG${payload}`, reason: `PID 30009 is gone ${payload}`};
	brain!.processes[0]!.command = `python BRAIN.py ${payload}`;
	account.health!.connection = {state: 'down', reason: `snapshot is for account ${payload}`};
	account.health!.error = `status fetch failed ${payload}`;
	const snapshot = fleet([account, accountView('GL_3', '107245')]);
	snapshot.host = `host${payload}`;
	snapshot.locks = [{...watchdog!.lock!, name: `STRAY${payload}`, verdict: 'stale-dead', account: null}];
	return snapshot;
}

function checkFrame(frame: string, screen: string): void {
	const lines = frame.split('\n');
	assert.ok(lines.length <= 23, `${screen}: ${lines.length} lines`);
	for (const line of lines) {
		assert.ok(displayWidth(line) <= 80, `${screen}: ${displayWidth(line)} cells: ${line}`);
		assert.doesNotMatch(line, /^\W*CRIT FAKE ROW/, `${screen}: a newline in the data drew a row`);
	}

	const raw = acted.exec(frame);
	assert.equal(raw, null, `${screen}: raw U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} reached the terminal`);
}

async function show(deck: DeckHarness, screen: string, sequence: string[], marker: string): Promise<string> {
	await deck.press(...sequence);
	await deck.waitFor(frame => frame.includes(marker), screen);
	checkFrame(deck.frame(), screen);
	return deck.frame();
}

test('lock names, reasons, account fields, commands and events with OSC 52, OSC 0/2, CSI, SGR, \\n, \\r, BEL and bidi overrides are drawn escaped, within the frame', async t => {
	const snapshot = hostileFleet();
	const events = [journalEvent(1, `lock removed ${payload}`, 'warn'), journalEvent(2, `second ${payload}`), journalEvent(3, 'x\nCRIT FAKE ROW\r\u0007\u202Eevil\u2066')];
	const deck = renderDeck({snapshot, events});
	t.after(deck.dispose);

	const table = await show(deck, 'table', [], 'ACCOUNT');
	assert.match(table, /ATLAS\\x1b\]52/, 'the account id is shown, its ESC as \\x1b');
	assert.match(table, /host\\x1b/);
	assert.match(table, /STRAY\\x1b/, 'the stray lock in the services row');
	assert.match(table, /second \\x1b]52;c;cm0gLXJmIH4K\\x07/, 'the journal message in the events strip');

	const detail = await show(deck, 'detail', [keys.enter], 'Processes');
	assert.match(detail, /WATCHDOG\\x1b/, 'the lock name');
	assert.match(detail, /holder python BRAIN\./, 'the process command, cut to the pane');

	const scrolled = await show(deck, 'detail scrolled', [keys.tab, ...Array.from({length: 12}, () => 'j')], 'detail');
	assert.match(scrolled, /is gone \\x1b|account \\x1b|closed by \\x1b|fetch failed \\x1b/, 'reasons and broker text further down');

	const eventsView = await show(deck, 'events view', [keys.escape, keys.tab, 'e'], 'events view');
	assert.match(eventsView, /x\\nCRIT FAKE ROW\\r\\x07\\u202eevil\\u2066/, 'newline, CR, BEL and bidi characters as visible escapes');
});

test('the confirmation for clearing such a lock names it escaped, and the frame keeps its rows', async t => {
	const snapshot = hostileFleet();
	const controller = new FakeController((kind, scope) => planClearStale(snapshot, scope));
	const deck = renderDeck({snapshot, controller});
	t.after(deck.dispose);
	await show(deck, 'table', [], 'ACCOUNT');
	const confirm = await show(deck, 'confirm', ['c'], 'confirm clear-stale');
	assert.match(confirm, /remove stale lock WATCHDOG\\x1b\]52;c;cm0gLXJmIH4K\\x07/);
	assert.equal(controller.planned.length, 1);
	const [step] = planClearStale(snapshot, 'all').steps;
	assert.equal(step?.kind === 'clear' ? step.target.lock : null, `WATCHDOG${payload}`, 'the action still targets the lock by its real name');
	await show(deck, 'progress', ['y'], 'steps');
	controller.finish();
	await deck.waitFor(frame => frame.includes('clear-stale finished'));
	checkFrame(deck.frame(), 'after the action');
});
