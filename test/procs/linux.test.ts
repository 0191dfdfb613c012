import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {hostFacts, parseStatusUid, probeProcess} from '../../source/procs/identity.js';
import {processFromProcFiles, readLinuxProcessTable} from '../../source/procs/linux.js';
import {idleScript, pollUntil, spawnChurn, spawnIdle, uniqueMarker} from '../helpers/children.js';

const skip = process.platform === 'linux' ? false : 'reads /proc';

test('finds a real child with exact argv, ppid, start token and start time', {skip}, async t => {
	const marker = uniqueMarker();
	const child = spawnIdle(t, marker);
	const found = await pollUntil('the child in /proc', async () =>
		(await readLinuxProcessTable()).find(candidate => candidate.argv.includes(marker)));

	assert.equal(found.pid, child.pid);
	assert.deepEqual(found.argv, [process.execPath, '-e', idleScript, marker]);
	assert.equal(found.command, `${process.execPath} -e ${idleScript} ${marker}`);
	assert.equal(found.ppid, process.pid);
	assert.equal(found.name, 'node');
	assert.equal(found.uid, process.getuid?.());
	assert.equal(found.cpu, null);
	assert.equal(found.memoryBytes, null);

	const probe = probeProcess(child.pid);
	assert.equal(probe.state, 'alive');
	assert.equal(found.startToken, probe.state === 'alive' ? probe.startToken : undefined);
	assert.ok(found.startedAt !== null && Math.abs(found.startedAt - Date.now()) < 10_000, `startedAt ${found.startedAt} is not near now`);
	assert.equal(probe.state === 'alive' ? probe.uid : undefined, process.geteuid?.());
});

test('parseStatusUid takes the effective uid, the one a file its process creates is owned by', () => {
	assert.equal(parseStatusUid('Name:\tsudo\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n'), 0);
	assert.equal(parseStatusUid('Name:\tx\nUid:\t0\t65534\t65534\t65534\n'), 65534);
	assert.equal(parseStatusUid('Name:\tx\n'), null);
});

test('the probe reads another user\'s process owner', {skip: process.platform === 'linux' && process.getuid?.() === 0 ? false : 'needs root on Linux, to start a process as uid 65534'}, async t => {
	const stranger = spawn('sleep', ['infinity'], {stdio: 'ignore', uid: 65_534, gid: 65_534});
	t.after(() => {
		stranger.kill('SIGKILL');
	});
	const pid = stranger.pid!;
	await pollUntil('the process to run as uid 65534', () => (statSync(`/proc/${pid}`).uid === 65_534 ? true : undefined));
	const probe = probeProcess(pid);
	assert.equal(probe.state === 'alive' ? probe.uid : undefined, 65_534);
});

test('a command line longer than the read buffer comes back whole', {skip}, async t => {
	const marker = uniqueMarker();
	const long = 'x'.repeat(100_000);
	spawnIdle(t, marker, long);
	const found = await pollUntil('the child in /proc', async () =>
		(await readLinuxProcessTable()).find(candidate => candidate.argv.includes(marker)));
	assert.deepEqual(found.argv, [process.execPath, '-e', idleScript, marker, long]);
});

test('processes exiting while the table is read are skipped, never thrown', {skip}, async t => {
	spawnChurn(t);
	for (let round = 0; round < 40; round++) {
		const table = await readLinuxProcessTable();
		assert.ok(table.some(candidate => candidate.pid === process.pid));
	}
});

test('a procfs with vanished, kernel-thread, zombie and non-process entries', {skip}, async t => {
	const procRoot = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-proc-'));
	t.after(() => rmSync(procRoot, {recursive: true, force: true}));
	const entry = (name: string, files: Record<string, string>) => {
		mkdirSync(path.join(procRoot, name));
		for (const [file, content] of Object.entries(files)) {
			writeFileSync(path.join(procRoot, name, file), content);
		}
	};

	const stat = (pid: number, comm: string, state: string, ppid: number) =>
		`${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4242 1000 100 0 0\n`;
	entry('100', {stat: stat(100, 'bot (v2)', 'S', 1), cmdline: 'python3\0BRAIN_ATLAS.py\0', status: 'Name:\tbot\nUid:\t1000\t1000\t1000\t1000\n'});
	entry('2', {stat: stat(2, 'kthreadd', 'S', 0), cmdline: '', status: 'Uid:\t0\t0\t0\t0\n'});
	entry('300', {stat: stat(300, 'defunct', 'Z', 100), cmdline: ''});
	entry('400', {stat: stat(400, 'gone', 'S', 1)});
	entry('500', {});
	entry('net', {});
	symlinkSync('100', path.join(procRoot, 'self'));

	const table = await readLinuxProcessTable({procRoot});
	const byPid = new Map(table.map(candidate => [candidate.pid, candidate]));
	assert.deepEqual([...byPid.keys()].sort((a, b) => a - b), [2, 100]);
	assert.deepEqual(byPid.get(100), {
		pid: 100,
		ppid: 1,
		name: 'bot (v2)',
		argv: ['python3', 'BRAIN_ATLAS.py'],
		command: 'python3 BRAIN_ATLAS.py',
		startToken: '4242',
		startedAt: (hostFacts().bootedAt ?? Number.NaN) + 42_420,
		uid: 1000,
		cpu: null,
		memoryBytes: null,
	});
	assert.deepEqual(byPid.get(2)?.argv, []);
	assert.equal(byPid.get(2)?.command, '');
	assert.equal(byPid.get(2)?.name, 'kthreadd');
});

test('processFromProcFiles: start time from ticks, unknown uid, unparsable stat', () => {
	const stat = '7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 250 0 0\n';
	const info = processFromProcFiles(7, {stat, cmdline: Buffer.from('x\0'), status: null}, 1_000_000);
	assert.equal(info?.startedAt, 1_000_000 + 2500);
	assert.equal(info?.uid, null);
	assert.equal(processFromProcFiles(7, {stat, cmdline: Buffer.from('x\0'), status: null}, null)?.startedAt, null);
	assert.equal(processFromProcFiles(7, {stat: 'garbage', cmdline: Buffer.alloc(0), status: null}, 0), undefined);
});

test('a missing procfs fails with a message naming it', {skip}, async () => {
	await assert.rejects(readLinuxProcessTable({procRoot: '/nonexistent/proc'}), /cannot list processes in \/nonexistent\/proc \(ENOENT\)/);
});
