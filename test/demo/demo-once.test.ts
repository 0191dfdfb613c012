import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {assertCleanedUp, startDemo} from './demo-helpers.js';

test('fleetdeck demo without a terminal stages every feature, prints the --json snapshot, exits with its level and cleans up', {timeout: 300_000}, async t => {
	const demo = startDemo(t, ['--json']);
	const workspace = await demo.workspace();
	const {code} = await demo.exit;
	const snapshot = JSON.parse(demo.stdout()) as FleetSnapshot;
	assert.equal(code, 2, demo.stderr());
	assert.equal(snapshot.level, 'crit');

	const account = (id: string) => snapshot.accounts.find(candidate => candidate.id === id)!;
	const component = (name: string) => snapshot.accounts.flatMap(candidate => candidate.components).find(candidate => candidate.name === name)!;

	// Launched through the real path: every component runs under its `fleetdeck run` supervisor.
	assert.equal(snapshot.services[0]?.state, 'running');
	assert.equal(snapshot.services[0]?.health?.state, 'ok');
	for (const name of ['BRAIN_BG_INSTANT', 'WATCHDOG_BG_INSTANT', 'BRAIN_GL_3', 'WATCHDOG_ATLAS', 'BRAIN_FTMO']) {
		assert.equal(component(name).state, 'running', name);
		assert.equal(component(name).lock?.verdict, 'live', name);
		assert.notEqual(component(name).lock?.child, null, `${name} is supervised`);
	}

	assert.equal(account('BG_INSTANT').level, 'ok');
	assert.equal(component('BRAIN_ATLAS').state, 'duplicate');
	assert.equal(component('BRAIN_ATLAS').instances, 2);
	assert.equal(component('WATCHDOG_FTMO').state, 'stale-lock');
	assert.equal(component('WATCHDOG_FTMO').lock?.verdict, 'stale-dead');
	assert.equal(account('GL_3').health?.connection.state, 'down');
	assert.deepEqual(account('BG_CHALLENGE').drift.map(item => [item.class, item.positionId, item.status]), [['closed-externally', 6012, 'confirmed']]);

	for (const line of ['starting the broker simulator…', 'launching the fleet', 'shutting the demo fleet down', 'the demo fleet is down and its workspace removed']) {
		assert.ok(demo.stderr().includes(line), `stderr says "${line}"`);
	}

	assert.match(demo.stderr(), /shutdown: 12 done, 0 skipped, 0 failed/);
	await assertCleanedUp(workspace);
});
