import assert from 'node:assert/strict';
import {test} from 'node:test';
import {decideRestart, exitStatus, freshHistory, type ChildExit, type RestartHistory} from '../../source/control/restart-policy.js';

const backoff = {initialSeconds: 1, maxSeconds: 8, factor: 2, resetAfterSeconds: 60, crashLoopFailures: 5, crashLoopWindowSeconds: 300};
const crash = (at: number, up = 1000): ChildExit => ({code: 1, signal: null, startedAt: at - up, exitedAt: at});

test('delays double from initial up to the maximum, then a crash loop is declared', () => {
	let history: RestartHistory = freshHistory;
	const delays: number[] = [];
	let at = 1_000_000;
	for (let index = 0; index < 4; index++) {
		const decision = decideRestart('on-failure', {...backoff, crashLoopFailures: 10}, history, crash(at));
		assert.equal(decision.action, 'restart');
		if (decision.action === 'restart') {
			delays.push(decision.delayMs);
			history = decision.history;
		}

		at += 10_000;
	}

	assert.deepEqual(delays, [1000, 2000, 4000, 8000]);
	const capped = decideRestart('on-failure', {...backoff, crashLoopFailures: 10}, history, crash(at));
	assert.equal(capped.action === 'restart' && capped.delayMs, 8000);
});

test('five failures within the window give up; failures outside the window are forgotten', () => {
	let history: RestartHistory = freshHistory;
	for (let index = 0; index < 4; index++) {
		const decision = decideRestart('on-failure', backoff, history, crash(1_000_000 + index * 1000));
		assert.equal(decision.action, 'restart');
		history = decision.action === 'restart' ? decision.history : history;
	}

	assert.equal(decideRestart('on-failure', backoff, history, crash(1_005_000)).action, 'crash-loop');
	assert.equal(decideRestart('on-failure', backoff, history, crash(1_000_000 + 400_000)).action, 'restart');
});

test('a long run resets the backoff exponent', () => {
	const history: RestartHistory = {failures: [1], consecutive: 3};
	const decision = decideRestart('on-failure', backoff, history, crash(2_000_000, 61_000));
	assert.equal(decision.action === 'restart' && decision.delayMs, 1000);
});

test('policies: on-failure stops on a clean exit, never always stops, always restarts a clean exit', () => {
	const clean: ChildExit = {code: 0, signal: null, startedAt: 0, exitedAt: 5000};
	assert.equal(decideRestart('on-failure', backoff, freshHistory, clean).action, 'exit');
	assert.equal(decideRestart('never', backoff, freshHistory, crash(5000)).action, 'exit');
	assert.equal(decideRestart('always', backoff, freshHistory, clean).action, 'restart');
	assert.equal(decideRestart('on-failure', backoff, freshHistory, {code: null, signal: 'SIGSEGV', startedAt: 0, exitedAt: 1}).action, 'restart');
});

test('exit status: the code, or 128 + the signal number', () => {
	assert.equal(exitStatus({code: 3, signal: null}, {SIGKILL: 9}), 3);
	assert.equal(exitStatus({code: null, signal: 'SIGKILL'}, {SIGKILL: 9}), 137);
	assert.equal(exitStatus({code: null, signal: 'SIGTERM'}, {SIGTERM: 15}), 143);
});
