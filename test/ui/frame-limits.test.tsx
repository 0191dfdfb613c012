import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FakeController, launchStep, plan} from './fixtures.js';
import {incidentFleet, journalEvent, largeFleet} from './fixtures.js';
import {ansi, keys, renderDeck, type DeckHarness} from './harness.js';

/** Drive the deck through every screen, checking each frame. */
async function everyScreen(deck: DeckHarness, check: (frame: string, screen: string) => void): Promise<void> {
	const steps: Array<[string, string[], string]> = [
		['table', [], 'ACCOUNT'],
		['detail', [keys.enter], 'Processes'],
		['detail scrolled', [keys.tab, 'j', 'j', 'j'], 'detail'],
		['help', ['?'], 'help (Esc'],
		['help scrolled', ['j', 'j', 'j'], 'quit;'],
		['events view', [keys.escape, 'e'], 'events view'],
		['filter', ['/', 'stale'], 'filter events'],
		['confirm', [keys.enter, keys.escape, keys.tab, 'S'], 'confirm shutdown'],
		['progress', ['y'], 'steps'],
	];
	for (const [screen, sequence, marker] of steps) {
		await deck.press(...sequence);
		await deck.waitFor(frame => frame.includes(marker), screen);
		check(deck.frame(), screen);
	}

	deck.controller.finish();
	await deck.waitFor(frame => frame.includes('shutdown finished'));
	check(deck.frame(), 'after the action');
}

const manySteps = new FakeController((kind, scope) => plan(kind, scope, Array.from({length: 60}, (_, index) => launchStep(String(index), `BRAIN_ACCT_${index}`)), true));
const events = Array.from({length: 40}, (_, index) => journalEvent(index + 1, `stale lock number ${index + 1} with a long explanation that does not fit in eighty columns at all`));

for (const [name, snapshot, controller] of [['5 accounts', incidentFleet(), undefined], ['200 accounts, a 60-step plan', largeFleet(200), manySteps]] as const) {
	test(`80×24 with ${name}: every frame has at most 23 lines, none wider than 80 columns`, async t => {
		const deck = renderDeck({snapshot, events, controller: controller ?? new FakeController()});
		t.after(deck.dispose);
		await deck.waitFor(frame => frame.includes('ACCOUNT'));
		await everyScreen(deck, (frame, screen) => {
			const lines = frame.split('\n');
			assert.ok(lines.length <= 23, `${screen}: ${lines.length} lines`);
			for (const line of lines) {
				assert.ok([...line].length <= 80, `${screen}: ${[...line].length} columns: ${line}`);
			}
		});
	});
}

test('ASCII mode: no symbol outside ASCII on any screen', async t => {
	const deck = renderDeck({unicode: false, events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ACCOUNT'));
	await everyScreen(deck, (frame, screen) => {
		// eslint-disable-next-line no-control-regex
		const foreign = [...frame].filter(char => !/[\u0000-\u007F]/.test(char));
		assert.deepEqual(foreign, [], screen);
	});
	await deck.press(keys.enter);
	await deck.waitFor(frame => frame.includes('Processes'));
	assert.match(deck.frame(), /# duplicate/);
	assert.match(deck.frame(), /x CRIT/);
});

test('NO_COLOR theme: no escape sequence in any frame', async t => {
	const deck = renderDeck({color: false, events});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ACCOUNT'));
	await everyScreen(deck, (frame, screen) => {
		assert.ok(!ansi.test(frame), screen);
	});
});

test('200×60-class terminals get more rows of everything', async t => {
	const small = renderDeck({snapshot: largeFleet(200), events, size: {columns: 100, rows: 24}});
	t.after(small.dispose);
	const large = renderDeck({snapshot: largeFleet(200), events, size: {columns: 100, rows: 60}});
	t.after(large.dispose);
	await small.waitFor(frame => frame.includes('ACCT_000'));
	await large.waitFor(frame => frame.includes('ACCT_000'));
	const count = (frame: string, pattern: RegExp) => frame.split('\n').filter(line => pattern.test(line)).length;
	assert.ok(large.frame().split('\n').length <= 59);
	assert.ok(large.frame().split('\n').length > 50, 'uses the height');
	assert.ok(count(large.frame(), /ACCT_/) > count(small.frame(), /ACCT_/));
	assert.ok(count(large.frame(), /stale lock number/) > count(small.frame(), /stale lock number/));
	assert.match(large.frame(), /ACCT_000 100000/, 'a wide account column shows the broker login too');
});

test('the selection scrolls the table on a long list', async t => {
	const deck = renderDeck({snapshot: largeFleet(200)});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ACCT_000'));
	for (let index = 0; index < 30; index++) {
		await deck.press('j');
	}

	await deck.waitFor(frame => /^› ACCT_030/m.test(frame));
	assert.ok(!deck.frame().includes('ACCT_000'));
});

test('follows terminal resizes', async t => {
	const deck = renderDeck({snapshot: largeFleet(100), size: null});
	t.after(deck.dispose);
	await deck.waitFor(frame => frame.includes('ACCT_000'));
	const before = deck.frame().split('\n').length;
	assert.ok(before <= 23, 'no rows reported: 24 assumed');
	Object.assign(deck.stdout, {rows: 40});
	deck.stdout.emit('resize');
	await deck.waitFor(frame => frame.split('\n').length > before, 'a taller frame');
	assert.ok(deck.frame().split('\n').length <= 39);
});
