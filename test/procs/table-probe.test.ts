import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {readLinuxTable} from '../../source/procs/linux.js';
import {mtimeSlackMs, probeFromTable, type ProbedLock} from '../../source/procs/table-probe.js';
import type {ProcessProbe} from '../../source/procs/types.js';
import type {TableRead} from '../../source/runtime/ports.js';
import {proc} from '../helpers/fleet-data.js';

const readAt = Date.parse('2026-12-01T12:00:00.000Z');
const bot = proc(200, 'python BRAIN_ATLAS.py');
const kernelThread = {...proc(2, 'kthreadd'), argv: [], command: ''};
const table: TableRead = {ok: true, processes: [bot, kernelThread], hidden: [300], readStartedAt: readAt};
const oldLock: ProbedLock = {mtimeMs: readAt - 60_000};
const freshLock: ProbedLock = {mtimeMs: readAt + 5};

const cases: Array<{title: string; read: TableRead; pid: number; lock?: ProbedLock; recheck?: (pid: number) => ProcessProbe; expected: ProcessProbe}> = [
	{
		title: 'a PID in the table is alive, with the table\'s identity of it',
		read: table,
		pid: 200,
		lock: oldLock,
		expected: {state: 'alive', pid: 200, startToken: '2000', command: 'python BRAIN_ATLAS.py', startedAt: bot.startedAt, uid: 1000},
	},
	{title: 'a PID the table was read without is gone', read: table, pid: 4242, lock: oldLock, expected: {state: 'gone', pid: 4242}},
	{title: 'asked without a lock, a missing PID is gone', read: table, pid: 4242, expected: {state: 'gone', pid: 4242}},
	{
		title: 'an empty argv is a command line that cannot be read, not an empty one',
		read: table,
		pid: 2,
		expected: {state: 'alive', pid: 2, startToken: '20', command: null, startedAt: kernelThread.startedAt, uid: 1000},
	},
	{
		title: 'a PID listed but hidden from us (hidepid) is unknown, not gone',
		read: table,
		pid: 300,
		lock: oldLock,
		expected: {state: 'unknown', pid: 300, reason: 'PID 300 is listed but hidden from this user (procfs hidepid)'},
	},
	{
		title: 'a table that could not be read proves nothing about any PID',
		read: {ok: false, reason: 'cannot list processes in /proc (EACCES)'},
		pid: 4242,
		lock: oldLock,
		expected: {state: 'unknown', pid: 4242, reason: 'the process table could not be read (cannot list processes in /proc (EACCES))'},
	},
	{
		title: 'a lock written after the read names a holder that may have started since: unknown without a recheck',
		read: table,
		pid: 4242,
		lock: freshLock,
		expected: {state: 'unknown', pid: 4242, reason: 'PID 4242 is not in the process table, but the lock was written after the table was read'},
	},
	{
		title: 'a lock written just before the read, within the mtime clock\'s slack, counts as after it',
		read: table,
		pid: 4242,
		lock: {mtimeMs: readAt - mtimeSlackMs + 1},
		expected: {state: 'unknown', pid: 4242, reason: 'PID 4242 is not in the process table, but the lock was written after the table was read'},
	},
	{
		title: 'a lock of unknown age cannot be dated before the read either',
		read: table,
		pid: 4242,
		lock: {mtimeMs: null},
		expected: {state: 'unknown', pid: 4242, reason: 'PID 4242 is not in the process table, but the lock was written after the table was read'},
	},
	{
		title: 'a fresh lock\'s missing holder is asked about on its own when a recheck is given',
		read: table,
		pid: 4242,
		lock: freshLock,
		recheck: pid => ({state: 'alive', pid, startToken: '77', command: 'python new.py', startedAt: null, uid: null}),
		expected: {state: 'alive', pid: 4242, startToken: '77', command: 'python new.py', startedAt: null, uid: null},
	},
	{title: 'a PID that is no PID is unknown', read: table, pid: 0, expected: {state: 'unknown', pid: 0, reason: 'PID 0 is not a positive integer'}},
];

for (const {title, read, pid, lock, recheck, expected} of cases) {
	test(`probeFromTable: ${title}`, () => {
		assert.deepEqual(probeFromTable(read, recheck)(pid, lock), expected);
	});
}

test('probeFromTable asks the recheck only for a fresh lock\'s missing holder', () => {
	const asked: number[] = [];
	const probe = probeFromTable(table, pid => {
		asked.push(pid);
		return {state: 'gone', pid};
	});
	probe(200, freshLock);
	probe(300, freshLock);
	probe(4242, oldLock);
	probe(4243, freshLock);
	assert.deepEqual(asked, [4243]);
});

test('a zombie in /proc is not in the table, so the probe built from it says gone', {skip: process.platform === 'linux' ? false : 'reads a procfs layout'}, async t => {
	const procRoot = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-proc-'));
	t.after(() => rmSync(procRoot, {recursive: true, force: true}));
	const stat = (pid: number, state: string) => `${pid} (bot) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4242 1000 100 0 0\n`;
	for (const [pid, state, cmdline] of [[100, 'S', 'python3\0BRAIN_ATLAS.py\0'], [300, 'Z', '']] as const) {
		mkdirSync(path.join(procRoot, String(pid)));
		writeFileSync(path.join(procRoot, String(pid), 'stat'), stat(pid, state));
		writeFileSync(path.join(procRoot, String(pid), 'cmdline'), cmdline);
	}

	const read = await readLinuxTable({procRoot});
	assert.deepEqual(read.hidden, []);
	const probe = probeFromTable({ok: true, ...read});
	assert.equal(probe(100, {mtimeMs: read.readStartedAt - 60_000}).state, 'alive');
	assert.deepEqual(probe(300, {mtimeMs: read.readStartedAt - 60_000}), {state: 'gone', pid: 300});
});
