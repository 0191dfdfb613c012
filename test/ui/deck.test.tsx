import assert from 'node:assert/strict';
import {test} from 'node:test';
import {accountView, fleet, incidentFleet, journalEvent} from './fixtures.js';
import {keys, renderDeck} from './harness.js';

/** The account the selection marker is on. */
function selectedRow(frame: string): string | undefined {
	return frame.split('\n').find(line => /^› \S/.test(line))?.slice(2).trim().split(/\s+/)[0];
}

test('header: host, clock, overall level and the three health levels', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('CRIT'));
	const header = deck.frame().split('\n')[0] ?? '';
	assert.match(header, /fleetdeck deck-host \d\d:\d\d /);
	assert.match(header, /✖ CRIT/);
	assert.match(header, /svc ✔ ok {2}conn ▲ degraded {2}brk ✔ ok/);
});

test('accounts table: one row per account, worst first, with every column as words', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	const lines = deck.frame().split('\n');
	assert.match(lines[1] ?? '', /ACCOUNT\s+BRAIN\s+WATCHDOG\s+DUPS\s+LOCKS\s+HEALTH\s+DRIFT\s+LEVEL/);
	const rows = lines.filter(line => /^(› | {2})[A-Z]/.test(line) && !line.includes('ACCOUNT')).map(line => line.slice(2).split(/\s+/)[0]);
	assert.deepEqual(rows, ['ATLAS', 'GL_3', 'BG_CHALLENGE', 'BG_INSTANT', 'FTMO']);
	const atlas = lines.find(line => line.includes('ATLAS')) ?? '';
	assert.match(atlas, /◆ duplicate\s+● running\s+x3\s+2\/2\s+✔ ok\s+1\s+✖ CRIT/);
	assert.match(lines.find(line => line.includes('GL_3')) ?? '', /✖ stale-lock\s+-\s+1 stale/);
	assert.match(lines.find(line => line.includes('FTMO')) ?? '', /n\/a/);
});

test('services row and events strip', async t => {
	const deck = renderDeck({events: [journalEvent(1, 'WATCHDOG_GL_3 holder PID 30006 is gone', 'warn')]});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('services'));
	assert.match(deck.frame(), /services {2}quantum_server ● running/);
	assert.match(deck.frame(), /WARN +WATCHDOG_GL_3 lock\.stale: WATCHDOG_GL_3 holder PID 30006 is gone/);
});

test('↑/↓ and j/k move the selection, which sticks to the account across re-sorts', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	assert.equal(selectedRow(deck.frame()), 'ATLAS');
	await deck.press(keys.down);
	await deck.waitFor(frame => selectedRow(frame) === 'GL_3');
	await deck.press('j', 'j');
	await deck.waitFor(frame => selectedRow(frame) === 'BG_INSTANT');
	await deck.press('k');
	await deck.waitFor(frame => selectedRow(frame) === 'BG_CHALLENGE');
	await deck.press(keys.up);
	await deck.waitFor(frame => selectedRow(frame) === 'GL_3');
	await deck.press(keys.down);
	// BG_CHALLENGE turns critical and sorts to the top: the selection follows it, not the row.
	const snapshot = incidentFleet();
	snapshot.accounts = snapshot.accounts.map(account => (account.id === 'BG_CHALLENGE' ? {...account, level: 'crit' as const} : account));
	await deck.setSnapshot(snapshot);
	await deck.waitFor(frame => frame.split('\n')[2]?.includes('BG_CHALLENGE') ?? false, 'the re-sort');
	assert.equal(selectedRow(deck.frame()), 'BG_CHALLENGE');
});

test('a selected account that disappears hands the selection to the row in its place', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('j');
	await deck.waitFor(frame => selectedRow(frame) === 'GL_3');
	const snapshot = incidentFleet();
	snapshot.accounts = snapshot.accounts.filter(account => account.id !== 'GL_3');
	await deck.setSnapshot(snapshot);
	await deck.waitFor(frame => !frame.includes('GL_3'));
	assert.equal(selectedRow(deck.frame()), 'BG_CHALLENGE');
});

test('Enter opens the detail: components, processes, locks, health, latency, positions and drift; Esc closes it', async t => {
	const deck = renderDeck({size: {columns: 100, rows: 60}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('Processes'));
	const frame = deck.frame();
	assert.match(frame, /◆ duplicate\s+BRAIN_ATLAS\s+brain\s+3 instances/);
	assert.match(frame, /BRAIN_ATLAS\s+19248\s+19248\s+1\.5%\s+50\.0M\s+1h02m\s+holder\s+python BRAIN_ATLAS\.py/);
	assert.match(frame, /BRAIN_ATLAS\s+19258\s+19258\s+1\.5%\s+50\.0M\s+1h02m\s+-/);
	assert.match(frame, /BRAIN_ATLAS\s+✔ live\s+PID 19248\s+PID 19248 holds it/);
	assert.match(frame, /connection\s+✔ ok/);
	assert.match(frame, /poll latency [▁▂▃▄▅▆▇█]{5}\s+last 38 ms, max 80 ms/);
	assert.match(frame, /positions: bot 2 · broker 2/);
	assert.match(frame, /closed-externally\s+confirmed\s+#5011 BTCUSD\s+closed by SL/);
	await deck.press(keys.escape);
	await deck.waitFor(frame => !frame.includes('Processes'));
});

test('the detail follows the selection and scrolls when focused with Tab', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press(keys.enter, 'j');
	await deck.waitFor(frame => frame.includes('GL_3 107245'));
	await deck.press(keys.tab);
	await deck.waitFor(frame => frame.includes('› detail'));
	await deck.press('j', 'j');
	await deck.waitFor(frame => !frame.includes('GL_3 107245'), 'the detail to scroll');
	assert.equal(selectedRow(deck.frame()), 'GL_3', 'the selection stays');
	await deck.press(keys.tab);
	await deck.waitFor(frame => frame.includes('› events'));
	await deck.press(keys.tab);
	await deck.waitFor(frame => !frame.includes('› events') && !frame.includes('› detail'));
});

test('Tab without the detail cycles accounts and events; j/k then scroll the strip', async t => {
	const events = Array.from({length: 10}, (_, index) => journalEvent(index + 1, `event number ${index + 1}`));
	const deck = renderDeck({events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('event number 10'));
	await deck.press(keys.tab, 'k', 'k');
	await deck.waitFor(frame => frame.includes('events (2 back)'));
	assert.ok(!deck.frame().includes('event number 10'));
	assert.equal(selectedRow(deck.frame()), 'ATLAS', 'j/k scrolled the strip, not the table');
});

test('? shows every key from the keymap; Esc closes it', async t => {
	const deck = renderDeck({size: {columns: 120, rows: 40}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('?');
	await deck.waitFor(frame => frame.includes('help (Esc'));
	for (const text of ['Ctrl-C', 'launch everything missing', 'clear stale locks', 'stop duplicates', 'safe shutdown of everything', 'refresh now', 'filter accounts', 'events view', 'any other key', 'quit; no bot is stopped']) {
		assert.ok(deck.frame().includes(text), text);
	}

	await deck.press(keys.escape);
	await deck.waitFor(frame => !frame.includes('help (Esc'));
	await deck.press('?');
	await deck.waitFor(frame => frame.includes('help (Esc'));
	await deck.press('?');
	await deck.waitFor(frame => frame.includes('ACCOUNT'));
});

test('help scrolls on a short terminal', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('?');
	await deck.waitFor(frame => frame.includes('Ctrl-C'));
	await deck.press('j', 'j', 'j');
	await deck.waitFor(frame => !frame.includes('Ctrl-C') && frame.includes('quit; no bot is stopped'));
});

test('/ filters the accounts; Enter keeps the filter, Esc clears it', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('/');
	await deck.waitFor(frame => frame.includes('filter accounts: /_'));
	await deck.press('b', 'g', '_', 'x', keys.backspace);
	await deck.waitFor(frame => frame.includes('/bg__'));
	assert.ok(!deck.frame().includes('ATLAS'));
	assert.ok(deck.frame().includes('BG_INSTANT') && deck.frame().includes('BG_CHALLENGE'));
	await deck.press('i');
	await deck.waitFor(frame => !frame.includes('BG_CHALLENGE'));
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('filter "bg_i"'));
	assert.equal(selectedRow(deck.frame()), 'BG_INSTANT');
	await deck.press('/', 'zzz');
	await deck.waitFor(frame => frame.includes('no account matches "bg_izzz"'));
	await deck.press(keys.escape);
	await deck.waitFor(frame => frame.includes('ATLAS') && frame.includes('FTMO'));
	assert.ok(!deck.frame().includes('filter "'));
});

test('filter matches broker logins and component names too', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('/', '2120', keys.enter);
	await deck.waitFor(frame => !frame.includes('FTMO'));
	assert.ok(deck.frame().includes('ATLAS'));
});

test('e opens the events view with its own filter; Esc goes back', async t => {
	const events = [journalEvent(1, 'BRAIN_ATLAS started'), journalEvent(2, 'WATCHDOG_GL_3 holder is gone', 'crit')];
	const deck = renderDeck({events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('e');
	await deck.waitFor(frame => frame.includes('events view (2 events)'));
	assert.ok(!deck.frame().includes('ACCOUNT'));
	assert.match(deck.frame(), /CRIT +WATCHDOG_GL_3 lock\.stale: WATCHDOG_GL_3 holder is gone/);
	await deck.press('/', 'gone', keys.enter);
	await deck.waitFor(frame => frame.includes('events view (1 events, filter "gone")'));
	assert.ok(!deck.frame().includes('BRAIN_ATLAS started'));
	await deck.press(keys.escape);
	await deck.waitFor(frame => frame.includes('ACCOUNT'));
	assert.ok(deck.frame().includes('BRAIN_ATLAS started'), 'the strip is not filtered by the events filter');
	await deck.press('e');
	await deck.waitFor(frame => frame.includes('events view'));
	await deck.press('e');
	await deck.waitFor(frame => frame.includes('ACCOUNT'));
});

test('r refreshes at once', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	const before = deck.builds();
	await deck.press('r');
	await deck.waitFor(() => deck.builds() === before + 1, 'a rebuild');
});

test('STALE banner when data is older than three poll intervals', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	assert.ok(!deck.frame().includes('STALE'));
	// No build ever completes again: every rebuild hangs.
	deck.fleet.refresh();
	await deck.setSnapshot(new Promise(() => {}) as never);
	await deck.time.advance(7000);
	await deck.waitFor(frame => frame.includes('STALE: no fresh data for over 6 s'));
});

test('q quits without running anything; Ctrl-C quits too', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	await deck.press('q');
	assert.equal(deck.quits.count, 1);
	await deck.press(keys.ctrlC);
	assert.equal(deck.quits.count, 2);
	assert.equal(deck.controller.planned.length, 0);
	assert.equal(deck.controller.executed.length, 0);
});

test('an empty fleet says what is being watched', async t => {
	const deck = renderDeck({snapshot: {...fleet([]), health: null, services: []}});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('no accounts (watching /fleet/.locks)'));
	assert.match(deck.frame(), /health n\/a/);
	await deck.press('l', keys.enter);
	assert.equal(deck.controller.planned.length, 0, 'l needs a selected account');
});

test('a disabled account and drift only suspected read as such', async t => {
	const suspect = accountView('ATLAS', '212000584', {drift: [{class: 'missing-sl', status: 'suspected', positionId: 7, symbol: 'EURUSD', message: 'no stop-loss'}]});
	const deck = renderDeck({snapshot: fleet([{...suspect, enabled: false}])});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ATLAS'));
	assert.match(deck.frame(), /ATLAS .* 1\? /);
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('(disabled)'));
});
