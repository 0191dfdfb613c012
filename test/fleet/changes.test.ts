import assert from 'node:assert/strict';
import test from 'node:test';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import {fleetChanges} from '../../source/fleet/changes.js';
import type {AccountHealthView, FleetSnapshot, HealthState} from '../../source/fleet/types.js';
import type {NewEvent} from '../../source/journal/types.js';
import type {LockInspection} from '../../source/locks/types.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {atlasConfig, lock, now, proc} from '../helpers/fleet-data.js';

function snapshot(processes: ProcessInfo[], locks: LockInspection[]) {
	return buildSnapshot({config: atlasConfig(), locks, locksError: null, processes, now, host: 'h', selfPid: 1});
}

const brainLock = lock('BRAIN_ATLAS', 'live', {pid: 200});
const single = snapshot([proc(200, 'python BRAIN_ATLAS.py')], [brainLock]);
const doubled = snapshot([proc(200, 'python BRAIN_ATLAS.py'), proc(210, 'python BRAIN_ATLAS.py')], [brainLock]);

test('a duplicate is journaled once when seen and once when resolved', () => {
	assert.deepEqual(fleetChanges(single, doubled).map(event => event.kind), ['duplicate.seen']);
	assert.deepEqual(fleetChanges(doubled, doubled), []);
	const resolved = fleetChanges(doubled, single);
	assert.deepEqual(resolved.map(event => [event.kind, event.component]), [['duplicate.resolved', 'BRAIN_ATLAS']]);
});

test('at start, a duplicate already present counts as seen', () => {
	const events = fleetChanges(null, doubled);
	assert.deepEqual(events.map(event => event.kind), ['duplicate.seen']);
	assert.match(events[0]?.message ?? '', /2 copies of BRAIN_ATLAS are running \(instances 200, 210\)/);
});

test('a lock turning stale is journaled once', () => {
	const stale = snapshot([], [lock('BRAIN_ATLAS', 'stale-dead', {pid: 200})]);
	assert.deepEqual(fleetChanges(single, stale).map(event => [event.kind, event.component]), [['lock.stale', 'BRAIN_ATLAS']]);
	assert.deepEqual(fleetChanges(stale, stale), []);
});

type Levels = {service: HealthState; connection: HealthState; broker: HealthState};

/** `base` with ATLAS's health set; `heard: false` is an account whose first status has not come in. */
function withHealth(base: FleetSnapshot, levels: Levels, heard = true): FleetSnapshot {
	const level = (state: HealthState) => ({state, reason: `${state} reason`});
	const health: AccountHealthView = {service: level(levels.service), connection: level(levels.connection), broker: level(levels.broker), stale: false, asOf: heard ? '2026-11-22T18:00:00.000Z' : null, latencyMs: heard ? 4 : null, error: null};
	return {...base, accounts: base.accounts.map(account => (account.id === 'ATLAS' ? {...account, health} : account))};
}

const allOk: Levels = {service: 'ok', connection: 'ok', broker: 'ok'};
const healthChanges = (events: NewEvent[]) => events.filter(event => event.kind === 'health.changed').map(event => event.detail);

test('at start, a health level other than ok is journaled once, as a change from unknown', () => {
	const found = withHealth(single, {service: 'ok', connection: 'down', broker: 'degraded'});
	assert.deepEqual(healthChanges(fleetChanges(null, found)), [
		{level: 'connection', from: 'unknown', to: 'down', reason: 'down reason'},
		{level: 'broker', from: 'unknown', to: 'degraded', reason: 'degraded reason'},
	]);
	assert.deepEqual(fleetChanges(found, found), []);
	assert.deepEqual(healthChanges(fleetChanges(null, withHealth(single, allOk))), [], 'ok at start is no news');
});

test('an account\'s first status counts as found: unknown by default before it is no change', () => {
	const unheard = withHealth(single, {service: 'unknown', connection: 'unknown', broker: 'unknown'}, false);
	assert.deepEqual(fleetChanges(null, unheard), [], 'nothing known yet, nothing journaled');
	assert.deepEqual(healthChanges(fleetChanges(unheard, withHealth(single, {...allOk, connection: 'down'}))), [{level: 'connection', from: 'unknown', to: 'down', reason: 'down reason'}]);
	assert.deepEqual(healthChanges(fleetChanges(unheard, withHealth(single, allOk))), []);
});

test('a health change between two heard snapshots is journaled from the level it left', () => {
	const events = fleetChanges(withHealth(single, allOk), withHealth(single, {...allOk, connection: 'down'}));
	assert.deepEqual(events.map(event => [event.kind, event.level, event.account, event.message]), [['health.changed', 'crit', 'ATLAS', 'ATLAS connection ok → down: down reason']]);
	assert.deepEqual(healthChanges(fleetChanges(withHealth(single, {...allOk, connection: 'down'}), withHealth(single, allOk))), [{level: 'connection', from: 'down', to: 'ok', reason: 'ok reason'}]);
});
