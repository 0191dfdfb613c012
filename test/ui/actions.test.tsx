import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {ActionKind, Scope} from '../../source/control/types.js';
import {FakeController, launchStep, plan} from './fixtures.js';
import {keys, renderDeck, type DeckHarness} from './harness.js';

async function ready(deck: DeckHarness): Promise<void> {
	await deck.waitFor(frame => frame.includes('ATLAS'));
}

const cases: Array<{key: string; kind: ActionKind; scope: Scope}> = [
	{key: 'l', kind: 'launch', scope: {accounts: ['ATLAS']}},
	{key: 'L', kind: 'launch', scope: 'all'},
	{key: 'c', kind: 'clear-stale', scope: 'all'},
	{key: 'd', kind: 'stop-duplicates', scope: {accounts: ['ATLAS']}},
	{key: 's', kind: 'shutdown', scope: {accounts: ['ATLAS']}},
	{key: 'S', kind: 'shutdown', scope: 'all'},
];

for (const {key, kind, scope} of cases) {
	test(`${key} asks the controller for a ${kind} plan over ${JSON.stringify(scope)}`, async t => {
		const deck = renderDeck();
		t.after(deck.dispose);
		await ready(deck);
		await deck.press(key);
		await deck.waitFor(() => deck.controller.planned.length === 1, 'the plan call');
		assert.deepEqual(deck.controller.planned[0], {kind, scope});
	});
}

test('a launch plan runs at once with a progress view that keeps turning, then reports in the events strip', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('l');
	await deck.waitFor(frame => frame.includes('launch: 0/2 steps'));
	assert.equal(deck.controller.executed.length, 1);
	assert.match(deck.frame(), /- pending {2}start WATCHDOG_ATLAS/);
	deck.controller.progress?.({stepId: '1', status: 'running', message: 'starting fleetdeck run WATCHDOG_ATLAS'});
	await deck.waitFor(frame => /⠋ running {2}start WATCHDOG_ATLAS {2}starting fleetdeck run/.test(frame));
	await deck.time.advance(100);
	await deck.waitFor(frame => frame.includes('⠙ running'), 'the spinner to turn');
	await deck.press('j');
	await deck.waitFor(frame => /^› GL_3/m.test(frame), 'the deck to stay responsive');
	deck.controller.progress?.({stepId: '1', status: 'done', message: 'PID 4242'});
	await deck.waitFor(frame => frame.includes('launch: 1/2 steps'));
	const before = deck.builds();
	deck.controller.finish();
	await deck.waitFor(frame => frame.includes('deck: launch finished'));
	assert.ok(!deck.frame().includes('steps'), 'the progress view is gone');
	await deck.waitFor(() => deck.builds() > before, 'a refresh after the action');
});

test('a destructive plan shows its summary and every step, and waits', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('s');
	await deck.waitFor(frame => frame.includes('confirm shutdown'));
	const frame = deck.frame();
	assert.match(frame, /shutdown stop BRAIN_ATLAS PID 19248, stop WATCHDOG_ATLAS PID 19301; open/);
	assert.match(frame, /1\. stop BRAIN_ATLAS PID 19248/);
	assert.match(frame, /2\. stop WATCHDOG_ATLAS PID 19301/);
	assert.match(frame, /y yes, run it {4}any other key cancel \(default: No\)/);
	assert.equal(deck.controller.executed.length, 0);
});

for (const [name, key] of [['n', 'n'], ['Esc', keys.escape], ['Enter', keys.enter], ['x', 'x'], ['q', 'q'], ['Y', 'Y'], ['space', ' '], ['↓', keys.down]] as const) {
	test(`${name} cancels the confirmation and nothing is executed`, async t => {
		const deck = renderDeck();
		t.after(deck.dispose);
		await ready(deck);
		await deck.press('S');
		await deck.waitFor(frame => frame.includes('confirm shutdown'));
		await deck.press(key);
		await deck.waitFor(frame => frame.includes('shutdown cancelled: nothing was done'));
		assert.equal(deck.controller.executed.length, 0);
		assert.equal(deck.quits.count, 0, 'a cancelling key does nothing else');
		assert.ok(deck.frame().includes('ACCOUNT'));
	});
}

test('y confirms and executes exactly the plan shown', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('d');
	await deck.waitFor(frame => frame.includes('confirm stop-duplicates'));
	await deck.press('y');
	await deck.waitFor(frame => frame.includes('stop-duplicates: 0/2 steps'));
	assert.equal(deck.controller.executed.length, 1);
	assert.deepEqual(deck.controller.executed[0]?.scope, {accounts: ['ATLAS']});
	deck.controller.finish(false);
	await deck.waitFor(frame => frame.includes('CRIT') && frame.includes('PID still there'));
});

test('an empty plan says "nothing to do" in the events strip', async t => {
	const controller = new FakeController((kind, scope) => plan(kind, scope, []));
	const deck = renderDeck({controller});
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('c');
	await deck.waitFor(frame => frame.includes('deck: clear-stale: nothing to do'));
	assert.equal(controller.executed.length, 0);
	assert.ok(!deck.frame().includes('confirm'));
});

test('q during an action says so and asks again; the second q quits', async t => {
	const deck = renderDeck();
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('L');
	await deck.waitFor(frame => frame.includes('launch: 0/2 steps'));
	await deck.press('q');
	await deck.waitFor(frame => frame.includes('an action is still running; press q again to quit'));
	assert.equal(deck.quits.count, 0);
	assert.match(deck.frame(), /q again quits/);
	await deck.press('q');
	assert.equal(deck.quits.count, 1);
});

test('action keys do not apply while an action runs and leave the status bar', async t => {
	const controller = new FakeController((kind, scope) => plan(kind, scope, [launchStep('1', 'BRAIN_ATLAS')]));
	const deck = renderDeck({controller});
	t.after(deck.dispose);
	await ready(deck);
	await deck.press('L');
	await deck.waitFor(frame => frame.includes('launch: 0/1 steps'));
	assert.ok(!/\bS shutdown all\b/.test(deck.frame()));
	await deck.press('S', 's', 'c');
	assert.equal(controller.planned.length, 1);
	controller.finish();
	await deck.waitFor(frame => /S shutdown all/.test(frame));
});
