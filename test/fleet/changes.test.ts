import assert from 'node:assert/strict';
import test from 'node:test';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import {fleetChanges} from '../../source/fleet/changes.js';
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
