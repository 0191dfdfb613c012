import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseCreationDate, parseWin32Processes} from '../../source/procs/windows.js';

const createdMs = Date.UTC(2026, 10, 22, 17, 0, 0, 123);

test('an array of rows, with /Date(ms)/ creation times and a null CommandLine', () => {
	const json = JSON.stringify([
		{ProcessId: 0, ParentProcessId: 0, Name: 'System Idle Process', CommandLine: null, CreationDate: null},
		{ProcessId: 4120, ParentProcessId: 3000, Name: 'python.exe', CommandLine: '"C:\\bots\\venv\\Scripts\\python.exe"  BRAIN_ATLAS.py', CreationDate: `/Date(${createdMs})/`},
		{ProcessId: 4188, ParentProcessId: 4120, Name: 'python.exe', CommandLine: '"C:\\Program Files\\Python312\\python.exe" BRAIN_ATLAS.py', CreationDate: `/Date(${createdMs + 15})/`},
	]);
	const [idle, redirector, interpreter] = parseWin32Processes(json);

	assert.deepEqual(idle, {
		pid: 0, ppid: 0, name: 'System Idle Process', argv: [], command: '', startToken: null, startedAt: null, uid: null, cpu: null, memoryBytes: null,
	});
	assert.deepEqual(redirector, {
		pid: 4120,
		ppid: 3000,
		name: 'python.exe',
		argv: ['"C:\\bots\\venv\\Scripts\\python.exe"', 'BRAIN_ATLAS.py'],
		command: '"C:\\bots\\venv\\Scripts\\python.exe" BRAIN_ATLAS.py',
		startToken: String(createdMs),
		startedAt: createdMs,
		uid: null,
		cpu: null,
		memoryBytes: null,
	});
	assert.deepEqual(interpreter?.argv, ['"C:\\Program Files\\Python312\\python.exe"', 'BRAIN_ATLAS.py']);
	assert.equal(interpreter?.ppid, 4120);
	assert.equal(interpreter?.startToken, String(createdMs + 15));
});

test('a single object (one row) with a DMTF creation time', () => {
	const json = '{"ProcessId":812,"ParentProcessId":640,"Name":"cmd.exe","CommandLine":"cmd /c python BRAIN_GL_3.py","CreationDate":"20261122180000.123456+060"}';
	const table = parseWin32Processes(json);
	assert.equal(table.length, 1);
	assert.equal(table[0]?.pid, 812);
	assert.deepEqual(table[0]?.argv, ['cmd', '/c', 'python', 'BRAIN_GL_3.py']);
	assert.equal(table[0]?.startedAt, createdMs);
	assert.equal(table[0]?.startToken, String(createdMs));
});

test('every CreationDate form names the same instant', () => {
	assert.equal(parseCreationDate(`/Date(${createdMs})/`), createdMs);
	assert.equal(parseCreationDate(`/Date(${createdMs}+0100)/`), createdMs);
	assert.equal(parseCreationDate('20261122170000.123456+000'), createdMs);
	assert.equal(parseCreationDate('20261122180000.123999+060'), createdMs);
	assert.equal(parseCreationDate('20261122120000.123000-300'), createdMs);
	assert.equal(parseCreationDate('2026-11-22T18:00:00.1234567+01:00'), createdMs);
	assert.equal(parseCreationDate({value: `/Date(${createdMs})/`, DateTime: 'Sunday, November 22, 2026 6:00:00 PM'}), createdMs);
	assert.equal(parseCreationDate(null), null);
	assert.equal(parseCreationDate(undefined), null);
	assert.equal(parseCreationDate('********'), null);
});

test('malformed output fails with a message naming the row and field', () => {
	assert.throws(() => parseWin32Processes(''), /Win32_Process output is not JSON/);
	assert.throws(() => parseWin32Processes('[{"ProcessId":"12","ParentProcessId":1}]'), /row 0: ProcessId is "12", expected a non-negative integer/);
	assert.throws(() => parseWin32Processes('[{"ProcessId":12,"ParentProcessId":1},7]'), /row 1: expected an object/);
});
