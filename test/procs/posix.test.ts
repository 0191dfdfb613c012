import assert from 'node:assert/strict';
import {test} from 'node:test';
import {fromPsList, readPosixProcessTable} from '../../source/procs/posix.js';
import {idleScript, pollUntil, spawnIdle, uniqueMarker} from '../helpers/children.js';

test('fromPsList maps rows, splitting the command line and keeping lstart as the start token', () => {
	const startTime = new Date('2026-11-22T18:00:00Z');
	const [bot, kernel] = fromPsList([
		{pid: 19248, ppid: 19200, name: 'python3', cmd: 'python3  BRAIN_ATLAS.py', uid: 501, startTime},
		{pid: 2, ppid: 0, name: 'kernel_task'},
	]);
	assert.deepEqual(bot, {
		pid: 19248,
		ppid: 19200,
		name: 'python3',
		argv: ['python3', 'BRAIN_ATLAS.py'],
		command: 'python3 BRAIN_ATLAS.py',
		startToken: String(startTime.getTime()),
		startedAt: startTime.getTime(),
		uid: 501,
		cpu: null,
		memoryBytes: null,
	});
	assert.deepEqual(kernel?.argv, []);
	assert.equal(kernel?.startToken, null);
	assert.equal(kernel?.uid, null);
});

test('reads a real child through ps-list', {skip: process.platform === 'win32' ? 'needs ps' : false}, async t => {
	const marker = uniqueMarker();
	const child = spawnIdle(t, marker);
	const found = await pollUntil('the child in ps output', async () =>
		(await readPosixProcessTable()).find(candidate => candidate.argv.includes(marker)));
	assert.equal(found.pid, child.pid);
	assert.equal(found.ppid, process.pid);
	assert.equal(found.command, `${process.execPath} -e ${idleScript} ${marker}`);
	assert.ok(found.startedAt !== null && Math.abs(found.startedAt - Date.now()) < 10_000, `startedAt ${found.startedAt} is not near now`);
});
