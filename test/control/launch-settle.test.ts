import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {loadConfig} from '../../source/config/index.js';
import {createController} from '../../source/control/controller.js';
import type {StepProgress} from '../../source/control/types.js';
import {openJournal} from '../../source/journal/index.js';
import {cli, cliPath, component, tempFleet} from './fleet-fixture.js';

/** A backoff long enough that a crashed bot is still waiting for its restart when `launch` looks. */
const slowBackoff = {backoff: {initialSeconds: 60, maxSeconds: 60}};

test('launch of a bot whose script is missing fails within the settle window, naming it, with the "Cannot find module" line', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 30,
		accounts: [{id: 'T1', number: '1', components: [
			// The fleet's marker rides in the argv so the fixture kills the supervisor afterwards.
			component('BRAIN_GONE', 'brain', [process.execPath, 'does-not-exist.js', ...bot('BRAIN_GONE').slice(2)], slowBackoff),
		]}],
	}));
	const began = Date.now();
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	const took = Date.now() - began;
	assert.equal(launched.code, 1, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /BRAIN_GONE\s+failed\s/, launched.stdout);
	assert.match(launched.stdout, /Cannot find module/, launched.stdout);
	assert.doesNotMatch(launched.stdout, /BRAIN_GONE\s+started/, launched.stdout);
	assert.ok(took < 30_000, `launch gave up as soon as the bot exited, not after the whole window (${took} ms)`);
	assert.ok(fleet.events('BRAIN_GONE').some(event => event.kind === 'launch.failed'), 'launch.failed journaled');
});

test('a healthy bot is started and launch exits 0 after its settle window', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 1,
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_OK', 'brain', bot('BRAIN_OK'))]}],
	}));
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /BRAIN_OK\s+started\s/, launched.stdout);
	assert.match(launched.stderr, /making sure it stays up for 1 s/, launched.stderr);
	assert.equal(fleet.lock('BRAIN_OK')?.supervisor?.state, 'running');
});

test('a bot that crashes 3 s after it started, inside a 5 s window, is failed with its exit code', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 5,
		accounts: [{id: 'T1', number: '1', components: [
			component('BRAIN_LATE', 'brain', bot('BRAIN_LATE', '--crash-after', '3', '--exit-code', '7'), slowBackoff),
		]}],
	}));
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 1, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /BRAIN_LATE\s+failed\s+BRAIN_LATE did not stay up through its settle window: the bot exited \(exit code 7\)/, launched.stdout);
	assert.match(launched.stdout, /last lines of .*BRAIN_LATE\.log/, launched.stdout);
});

test('with a settle of 0 launch reports the same bot started at once, as before', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 0,
		accounts: [{id: 'T1', number: '1', components: [
			component('BRAIN_LATE', 'brain', bot('BRAIN_LATE', '--crash-after', '3'), slowBackoff),
		]}],
	}));
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /BRAIN_LATE\s+started\s+BRAIN_LATE started: supervisor PID \d+, bot PID \d+; log \S+\.log$/m, launched.stdout);
	assert.doesNotMatch(launched.stderr, /making sure/, launched.stderr);
});

test('each role group settles before the next starts: a service that dies in its window is failed before the brain is started', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 3,
		services: [component('svc_DIES', 'service', bot('svc_DIES', '--crash-after', '1'), slowBackoff)],
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}],
	}));
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 1, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /svc_DIES\s+failed\s/, launched.stdout);
	assert.match(launched.stdout, /BRAIN_T1\s+started\s/, launched.stdout);
	const serviceFailed = fleet.events('svc_DIES').find(event => event.kind === 'launch.failed');
	const brainStarted = fleet.starts('BRAIN_T1')[0];
	assert.ok(serviceFailed && brainStarted, 'both recorded');
	assert.ok(Date.parse(serviceFailed.at) <= brainStarted.at, `the service was judged (${serviceFailed.at}) before the brain started (${new Date(brainStarted.at).toISOString()})`);
});

test('the deck\'s launch path (the controller) shows the step waiting through its window, then failed with the reason', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 5,
		accounts: [{id: 'T1', number: '1', components: [
			component('BRAIN_LATE', 'brain', bot('BRAIN_LATE', '--crash-after', '2'), slowBackoff),
		]}],
	}));
	const config = loadConfig({config: fleet.configFile, cwd: fleet.dir});
	const journal = openJournal(path.join(fleet.dir, '.fleetdeck/journal.db'));
	t.after(() => {
		journal.close();
	});
	const controller = createController(config, {journal, cliPath});
	const seen: StepProgress[] = [];
	const result = await controller.execute(await controller.plan('launch', 'all'), progress => {
		seen.push(progress);
	});
	const brain = seen.filter(progress => progress.stepId === 'launch:BRAIN_LATE');
	assert.deepEqual(brain.map(progress => progress.status).filter((status, index, all) => status !== all[index - 1]), ['running', 'waiting', 'failed']);
	assert.match(brain.at(-1)?.message ?? '', /did not stay up through its settle window: the bot exited \(exit code 1/);
	assert.equal(result.ok, false);
	assert.equal(result.steps.find(step => step.id === 'launch:BRAIN_LATE')?.status, 'failed');
});
