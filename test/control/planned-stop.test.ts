import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {cli, component, isAlive, pidsWith, pollUntil, tempFleet} from './fleet-fixture.js';

interface JsonComponent {
	name: string;
	state: string;
	level: string;
	plannedStop: {by: string; at: string} | null;
}

interface JsonSnapshot {
	level: string;
	accounts: Array<{components: JsonComponent[]}>;
	problems: Array<{code: string; component: string | null; level: string}>;
}

test('after fleetdeck shutdown a component is stopped (planned, who and when), level ok, until launched again; a crash after that is crit', async t => {
	const fleet = tempFleet(t, bot => ({
		launchSettleSeconds: 0,
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}],
	}));
	const marker = path.join(fleet.locksDir, 'BRAIN_T1.stopped');
	const snapshot = async () => {
		const result = await cli(fleet, ['--json', '--config', fleet.configFile]);
		const parsed = JSON.parse(result.stdout) as JsonSnapshot;
		const brain = parsed.accounts.flatMap(account => account.components).find(entry => entry.name === 'BRAIN_T1');
		assert.ok(brain, result.stdout);
		return {snapshot: parsed, brain};
	};

	assert.equal((await cli(fleet, ['launch', '--config', fleet.configFile])).code, 0);
	const began = Date.now();
	const shutdown = await cli(fleet, ['shutdown', '--yes', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	await pollUntil('the brain to be gone', () => (pidsWith(fleet.marker).filter(isAlive).length === 0 ? true : undefined), 60_000);

	const planned = await snapshot();
	assert.equal(planned.brain.state, 'stopped');
	assert.equal(planned.brain.level, 'ok');
	assert.match(planned.brain.plannedStop?.by ?? '', /@.* \(fleetdeck shutdown\)$/);
	assert.ok(Date.parse(planned.brain.plannedStop?.at ?? '') >= began - 1000, planned.brain.plannedStop?.at);
	assert.equal(planned.snapshot.problems.some(problem => problem.code === 'not-running'), false, JSON.stringify(planned.snapshot.problems));
	assert.equal(fleet.lock('BRAIN_T1'), null, 'the marker is no lock');

	const again = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(again.code, 0, again.stdout + again.stderr);
	assert.equal(existsSync(marker), false, 'launch (its run supervisor) removed the planned-stop marker');
	const running = await snapshot();
	assert.equal(running.brain.state, 'running');
	assert.equal(running.brain.plannedStop, null);

	// Killed outright, not shut down: nothing planned about it.
	for (const pid of pidsWith(fleet.marker)) {
		process.kill(pid, 'SIGKILL');
	}

	await pollUntil('the brain to be killed', () => (pidsWith(fleet.marker).filter(isAlive).length === 0 ? true : undefined), 60_000);
	const crashed = await snapshot();
	assert.equal(crashed.brain.level, 'crit');
	assert.equal(crashed.brain.plannedStop, null);
	assert.ok(crashed.snapshot.problems.some(problem => problem.code === 'not-running' && problem.component === 'BRAIN_T1'), JSON.stringify(crashed.snapshot.problems));
});
