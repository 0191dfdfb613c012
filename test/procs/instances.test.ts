import assert from 'node:assert/strict';
import {test} from 'node:test';
import {groupInstances, instanceOf, matchProcesses} from '../../source/procs/instances.js';
import {compileMatch, matchedCommandLineChars} from '../../source/procs/matcher.js';
import {readProcessTable} from '../../source/procs/table.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {pollUntil, spawnIdle, spawnShellChain, uniqueMarker} from '../helpers/children.js';

/** A process row; by default it started at "time" `pid`, so parents (lower PIDs) are older. */
function proc(pid: number, ppid: number, command: string, startedAt: number | null = pid): ProcessInfo {
	const argv = command === '' ? [] : command.split(' ');
	return {pid, ppid, name: argv[0] ?? '', argv, command, startToken: startedAt === null ? null : String(startedAt), startedAt, uid: null, cpu: null, memoryBytes: null};
}

interface Case {
	name: string;
	match: RegExp;
	table: ProcessInfo[];
	/** Each instance as its PIDs, topmost first; instances oldest first. */
	expected: number[][];
}

const cases: Case[] = [
	{
		name: 'three venv redirector + interpreter pairs are 3 instances of 6 PIDs (bpo-34977)',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(90, 1, 'C:\\Windows\\explorer.exe'),
			proc(100, 90, 'cmd.exe'),
			proc(201, 100, 'C:\\bots\\venv\\Scripts\\python.exe BRAIN_ATLAS.py'),
			proc(202, 201, 'C:\\Python312\\python.exe BRAIN_ATLAS.py'),
			proc(301, 100, 'C:\\bots\\venv\\Scripts\\python.exe BRAIN_ATLAS.py'),
			proc(302, 301, 'C:\\Python312\\python.exe BRAIN_ATLAS.py'),
			proc(402, 401, 'C:\\Python312\\python.exe BRAIN_ATLAS.py'),
			proc(401, 90, 'C:\\bots\\venv\\Scripts\\python.exe BRAIN_ATLAS.py'),
		],
		expected: [[201, 202], [301, 302], [401, 402]],
	},
	{
		name: 'an sh -c wrapper chain is 1 instance',
		match: /BRAIN_GL_3\.py/,
		table: [
			proc(10, 1, 'bash'),
			proc(500, 10, 'sh -c python3 BRAIN_GL_3.py'),
			proc(501, 500, 'python3 BRAIN_GL_3.py'),
		],
		expected: [[500, 501]],
	},
	{
		name: 'cmd /c → py.exe → venv redirector → interpreter is 1 instance, topmost first',
		match: /BRAIN_GL_3\.py/,
		table: [
			proc(704, 703, 'C:\\Python312\\python.exe BRAIN_GL_3.py'),
			proc(703, 702, 'venv\\Scripts\\python.exe BRAIN_GL_3.py'),
			proc(702, 701, 'py.exe BRAIN_GL_3.py'),
			proc(701, 90, 'cmd /c py BRAIN_GL_3.py'),
		],
		expected: [[701, 702, 703, 704]],
	},
	{
		name: 'the fleetdeck run supervisor and its bot are 1 instance',
		match: /BRAIN_FTMO\.py/,
		table: [
			proc(600, 1, 'node /opt/fleetdeck/dist/source/cli.js run BRAIN_FTMO -- python BRAIN_FTMO.py'),
			proc(601, 600, 'python BRAIN_FTMO.py'),
		],
		expected: [[600, 601]],
	},
	{
		name: 'two bots started separately from the same non-matching shell are 2 instances',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(700, 1, 'bash'),
			proc(711, 700, 'python BRAIN_ATLAS.py'),
			proc(712, 700, 'python BRAIN_ATLAS.py'),
		],
		expected: [[711], [712]],
	},
	{
		name: 'a non-matching process between two matching ones is walked through: 1 instance',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(800, 1, 'fleetdeck run BRAIN_ATLAS -- ./start.sh BRAIN_ATLAS.py'),
			proc(801, 800, 'bash ./start.sh'),
			proc(802, 801, 'nice -n 5 ionice'),
			proc(803, 802, 'python BRAIN_ATLAS.py'),
		],
		expected: [[800, 803]],
	},
	{
		name: 'a ppid cycle terminates and names the cycle once',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(901, 900, 'python BRAIN_ATLAS.py', null),
			proc(900, 901, 'python BRAIN_ATLAS.py', null),
			proc(902, 901, 'python BRAIN_ATLAS.py', null),
			proc(910, 911, 'python BRAIN_ATLAS.py', 50),
			proc(911, 910, 'bash', 50),
			proc(920, 920, 'python BRAIN_ATLAS.py'),
		],
		expected: [[910], [920], [900, 901, 902]],
	},
	{
		name: 'a "parent" newer than its child is a reused PID (Windows keeps stale ppids): 2 instances',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(1000, 90, 'python BRAIN_ATLAS.py', 5000),
			proc(1001, 1000, 'python BRAIN_ATLAS.py', 1000),
		],
		expected: [[1001], [1000]],
	},
	{
		name: 'walking stops at PID 0/1 and at a parent missing from the table',
		match: /BRAIN_ATLAS\.py/,
		table: [
			proc(0, 0, 'python BRAIN_ATLAS.py', null),
			proc(1, 0, '/sbin/init'),
			proc(1100, 1, 'python BRAIN_ATLAS.py'),
			proc(1200, 1199, 'python BRAIN_ATLAS.py'),
		],
		expected: [[1100], [1200], [0]],
	},
];

for (const {name, match, table, expected} of cases) {
	test(`groupInstances: ${name}`, () => {
		const instances = groupInstances(table.filter(candidate => match.test(candidate.command)), table);
		assert.deepEqual(instances.map(instance => instance.processes.map(candidate => candidate.pid)), expected);
		for (const instance of instances) {
			assert.equal(instance.pid, instance.processes[0]?.pid);
		}
	});
}

test('groupInstances: an instance starts when its topmost process started', () => {
	const table = [proc(5, 1, 'sh -c bot', 400), proc(6, 5, 'bot', 450), proc(7, 1, 'bot', null)];
	const instances = groupInstances(table, table);
	assert.deepEqual(instances.map(instance => [instance.pid, instance.startedAt]), [[5, 400], [7, null]]);
	assert.equal(instanceOf(6, instances)?.pid, 5);
	assert.equal(instanceOf(7, instances)?.pid, 7);
	assert.equal(instanceOf(8, instances), undefined);
	assert.deepEqual(groupInstances([], table), []);
});

test('matchProcesses: never fleetdeck itself, never an empty argv, honours excludePids', () => {
	const table = [
		proc(process.pid, 1, 'node fleetdeck BRAIN_ATLAS.py'),
		{...proc(20, 1, ''), command: 'BRAIN_ATLAS.py'},
		proc(21, 1, 'python BRAIN_ATLAS.py'),
		proc(22, 1, 'python BRAIN_ATLAS.py'),
		proc(23, 1, 'python BRAIN_GL_3.py'),
	];
	assert.deepEqual(matchProcesses(table, compileMatch(String.raw`BRAIN_ATLAS\.py`)).map(candidate => candidate.pid), [21, 22]);
	assert.deepEqual(matchProcesses(table, compileMatch(String.raw`BRAIN_ATLAS\.py`), {excludePids: new Set([22])}).map(candidate => candidate.pid), [21]);
});

test('matchProcesses: a 1.2 MB command line does not stall the poll, and is matched on its first 32 KiB', () => {
	// The README's watchdog pattern took V8's backtracking engine 62 s on this command line.
	const watchdog = compileMatch(String.raw`STOPLOSS_WATCHDOG_V2\.py.*--account[= ]ATLAS\b`);
	const hostile = `python ${'STOPLOSS_WATCHDOG_V2.py --account '.repeat(36_000)}`;
	assert.ok(hostile.length > 1_200_000);
	const beyondCap = `python STOPLOSS_WATCHDOG_V2.py ${'x'.repeat(matchedCommandLineChars)} --account ATLAS`;
	const table = [proc(41, 1, hostile), proc(42, 1, 'python STOPLOSS_WATCHDOG_V2.py --account ATLAS'), proc(43, 1, beyondCap)];
	assert.deepEqual(matchProcesses(table, watchdog).map(candidate => candidate.pid), [42]);
	assert.ok(watchdog.test(beyondCap.slice(0, 40) + beyondCap.slice(-20)), 'the same words within the cap match');
});

test('a real sh -c chain is 1 instance of 2 processes, named by the shell', {skip: process.platform === 'win32' ? 'needs sh' : false}, async t => {
	const marker = uniqueMarker();
	const shell = spawnShellChain(t, marker);
	const instances = await pollUntil('sh and node both in the table', async () => {
		const table = await readProcessTable();
		const matching = matchProcesses(table, compileMatch(marker));
		return matching.length === 2 ? groupInstances(matching, table) : undefined;
	});
	assert.equal(instances.length, 1);
	assert.equal(instances[0]?.pid, shell.pid);
	assert.equal(instances[0]?.processes.length, 2);
	assert.equal(instances[0]?.processes[1]?.ppid, shell.pid);
});

test('two real bots started by the same (non-matching) parent are 2 instances, oldest first', async t => {
	const marker = uniqueMarker();
	const first = spawnIdle(t, marker);
	const second = spawnIdle(t, marker);
	const instances = await pollUntil('both bots in the table', async () => {
		const table = await readProcessTable();
		const matching = matchProcesses(table, compileMatch(marker));
		return matching.length === 2 ? groupInstances(matching, table) : undefined;
	});
	assert.deepEqual(instances.map(instance => instance.processes.length), [1, 1]);
	assert.deepEqual(new Set(instances.map(instance => instance.pid)), new Set([first.pid, second.pid]));
	assert.ok((instances[0]?.startedAt ?? Number.NaN) <= (instances[1]?.startedAt ?? Number.NaN));
});
