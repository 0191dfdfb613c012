import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createActionStore} from '../../source/ui/store/action-store.js';
import {FakeTime, settle} from './fake-time.js';
import {FakeController, launchStep, plan} from './fixtures.js';

function setup(controller = new FakeController()) {
	const time = new FakeTime();
	let settled = 0;
	const store = createActionStore({controller, clock: time, timers: time, onSettled: () => settled++});
	return {time, controller, store, settled: () => settled};
}

test('an empty plan says "nothing to do" and executes nothing', async () => {
	const {controller, store} = setup(new FakeController((kind, scope) => plan(kind, scope, [{id: '1', kind: 'skip', component: 'BRAIN_ATLAS', account: 'ATLAS', why: 'already-running', state: 'running', holderPid: 19_248}])));
	store.request('launch', {accounts: ['ATLAS']});
	await settle();
	assert.equal(controller.executed.length, 0);
	assert.equal(store.getState().action.phase, 'idle');
	assert.match(store.getState().notices.at(-1)?.message ?? '', /nothing to do/);
});

test('a destructive plan waits for confirmation; cancel runs nothing', async () => {
	const {controller, store} = setup();
	store.request('shutdown', 'all');
	await settle();
	assert.equal(store.getState().action.phase, 'confirming');
	store.cancel();
	assert.equal(store.getState().action.phase, 'idle');
	assert.equal(controller.executed.length, 0);
	assert.match(store.getState().notices.at(-1)?.message ?? '', /cancelled/);
});

test('confirm runs the plan with progress, a turning spinner, result notices and a refresh', async () => {
	const {controller, store, time, settled} = setup();
	store.request('shutdown', {accounts: ['ATLAS']});
	await settle();
	store.confirm();
	await settle();
	const {action} = store.getState();
	assert.equal(action.phase, 'running');
	controller.progress?.({stepId: '1', status: 'waiting', message: 'waiting for PID 19248 to exit (3 s of 30 s)'});
	await time.advance(300);
	const running = store.getState().action;
	assert.ok(running.phase === 'running' && running.frame >= 3, 'spinner advanced');
	assert.ok(running.phase === 'running' && running.progress['1']?.status === 'waiting');
	controller.finish(false);
	await settle();
	assert.equal(store.getState().action.phase, 'idle');
	assert.equal(time.count, 0, 'spinner timer cleared');
	const messages = store.getState().notices.map(notice => notice.message);
	assert.ok(messages.some(message => message.includes('shutdown failed')));
	assert.ok(messages.some(message => message.includes('PID still there')));
	assert.equal(settled(), 1);
});

test('a non-destructive plan runs at once', async () => {
	const {controller, store} = setup();
	store.request('launch', {accounts: ['ATLAS']});
	await settle();
	assert.equal(controller.executed.length, 1);
	assert.equal(store.getState().action.phase, 'running');
	controller.finish();
	await settle();
	assert.match(store.getState().notices.at(-1)?.message ?? '', /launch finished/);
});

test('a second request while one runs is refused with a notice', async () => {
	const {controller, store} = setup();
	store.request('launch', 'all');
	await settle();
	store.request('shutdown', 'all');
	await settle();
	assert.equal(controller.planned.length, 1);
	assert.match(store.getState().notices.at(-1)?.message ?? '', /still in progress/);
	controller.finish();
	await settle();
});

test('a plan that cannot be made is reported', async () => {
	const {store} = setup(new FakeController(() => {
		throw new Error('config unreadable');
	}));
	store.request('clear-stale', 'all');
	await settle();
	assert.equal(store.getState().action.phase, 'idle');
	assert.match(store.getState().notices.at(-1)?.message ?? '', /could not be planned: config unreadable/);
});

test('dispose stops the spinner', async () => {
	const {store, time} = setup(new FakeController((kind, scope) => plan(kind, scope, [launchStep('1', 'BRAIN_ATLAS')])));
	store.request('launch', 'all');
	await settle();
	assert.ok(time.count > 0);
	store.dispose();
	assert.equal(time.count, 0);
});
