import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {test} from 'node:test';
import {sampleUsage, withUsage} from '../../source/procs/usage.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';

/** A PID that certainly belonged to a process that has exited and been reaped. */
function deadPid(): number {
	const {pid} = spawnSync(process.execPath, ['-e', '']);
	assert.ok(pid);
	return pid;
}

test('samples real PIDs in one batch', async t => {
	const child = spawnIdle(t, uniqueMarker());
	const usage = await sampleUsage([process.pid, child.pid, process.pid]);
	assert.deepEqual([...usage.keys()].sort((a, b) => a - b), [process.pid, child.pid].sort((a, b) => a - b));
	for (const sample of usage.values()) {
		assert.ok(sample.memoryBytes > 0);
		assert.ok(sample.cpu >= 0);
	}
});

test('a dead PID is missing from the result, alone or in a batch, never an error', async t => {
	const child = spawnIdle(t, uniqueMarker());
	const dead = deadPid();
	assert.equal((await sampleUsage([dead])).size, 0);
	const usage = await sampleUsage([dead, child.pid]);
	assert.deepEqual([...usage.keys()], [child.pid]);
	assert.equal((await sampleUsage([])).size, 0);
});

test('withUsage fills cpu and memory, null where not sampled', () => {
	const base: ProcessInfo = {pid: 1, ppid: 0, name: 'a', argv: ['a'], command: 'a', startToken: null, startedAt: null, uid: null, cpu: null, memoryBytes: null};
	const [sampled, missing] = withUsage([base, {...base, pid: 2, cpu: 5, memoryBytes: 9}], new Map([[1, {cpu: 12.5, memoryBytes: 4096}]]));
	assert.equal(sampled?.cpu, 12.5);
	assert.equal(sampled?.memoryBytes, 4096);
	assert.equal(missing?.cpu, null);
	assert.equal(missing?.memoryBytes, null);
	assert.equal(base.cpu, null);
});
