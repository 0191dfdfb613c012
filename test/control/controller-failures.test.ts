import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {loadConfig} from '../../source/config/index.js';
import {createController} from '../../source/control/controller.js';
import {processPlatform} from '../../source/procs/platform/index.js';
import type {Plan} from '../../source/control/types.js';
import {openJournal} from '../../source/journal/index.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {cliPath, component, isAlive, startTokenOf, tempFleet} from './fleet-fixture.js';

test('a step that throws fails with its cause, in the result and the journal, and the plan goes on', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	const config = loadConfig({config: fleet.configFile, cwd: fleet.dir});
	const journal = openJournal(path.join(fleet.dir, 'journal.db'));
	t.after(() => {
		journal.close();
	});
	const child = spawnIdle(t, uniqueMarker());
	const platform = {
		...processPlatform(),
		async probe(): Promise<never> {
			throw new Error('EMFILE: too many open files, open \'/proc/self/stat\'');
		},
	};
	const controller = createController(config, {journal, cliPath, platform});
	const target = {component: 'BRAIN_T1', account: 'T1', pid: child.pid, startToken: startTokenOf(child.pid), pids: [child.pid], why: 'component' as const, lock: null, stopSignal: 'SIGTERM' as const, stopTimeoutSeconds: 1};
	const plan: Plan = {kind: 'shutdown', scope: 'all', summary: '', destructive: true, steps: [
		{id: 'one', kind: 'stop', target},
		{id: 'two', kind: 'skip', component: 'WATCHDOG_T1', account: 'T1', why: 'kept', pid: 1, holdsLock: true},
	]};
	const result = await controller.execute(plan);
	assert.equal(result.ok, false);
	assert.deepEqual(result.steps.map(step => [step.status, step.message]), [
		['failed', 'EMFILE: too many open files, open \'/proc/self/stat\''],
		['skipped', 'it holds the lock'],
	]);
	assert.equal(isAlive(child.pid), true, 'a stop that could not verify its target signals nothing');
	const [event] = journal.events({kinds: ['stop.failed']});
	assert.equal(event?.message, `stop BRAIN_T1 PID ${child.pid}: EMFILE: too many open files, open '/proc/self/stat'`);
	assert.equal(event?.account, 'T1');
});
