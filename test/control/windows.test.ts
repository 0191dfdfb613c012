import assert from 'node:assert/strict';
import {test} from 'node:test';
import {compareIdentity} from '../../source/control/identity-check.js';
import {forceKillCommand, identityCommand, parseIdentity, requestStopCommands, taskkillOutcome} from '../../source/procs/platform/windows-control.js';
import {parseProcessGroup} from '../../source/procs/platform/posix-signals.js';

test('windows stop path: a close request, then CTRL_BREAK to the group, then taskkill /T /F', () => {
	const [close, ctrlBreak, ...rest] = requestStopCommands(4242, true);
	assert.deepEqual(close, {file: 'taskkill.exe', args: ['/PID', '4242']});
	assert.equal(ctrlBreak?.file, 'powershell.exe');
	assert.match(ctrlBreak?.args.at(-1) ?? '', /GenerateConsoleCtrlEvent\(1, 4242\)/);
	assert.equal(rest.length, 0);
	assert.equal(requestStopCommands(4242, false).length, 1);
	assert.deepEqual(forceKillCommand(4242, true), {file: 'taskkill.exe', args: ['/T', '/F', '/PID', '4242']});
	assert.deepEqual(forceKillCommand(4242, false), {file: 'taskkill.exe', args: ['/F', '/PID', '4242']});
});

test('taskkill outcomes: 0 sent, 128 (no such process) gone, anything else failed', () => {
	assert.deepEqual(taskkillOutcome(0, ''), {result: 'sent'});
	assert.deepEqual(taskkillOutcome(128, 'ERROR: The process "4242" not found.'), {result: 'gone'});
	assert.deepEqual(taskkillOutcome(1, 'ERROR: Access is denied.'), {result: 'failed', reason: 'ERROR: Access is denied.'});
});

test('windows identity is the creation time: no row is gone, a row gives its creation time as the token', () => {
	assert.match(identityCommand(7).args.at(-1) ?? '', /ProcessId=7/);
	assert.deepEqual(parseIdentity(7, ''), {state: 'gone', pid: 7});
	const row = JSON.stringify({ProcessId: 7, ParentProcessId: 1, Name: 'python.exe', CommandLine: 'python BRAIN_ATLAS.py', CreationDate: '/Date(1795000000000)/'});
	const probe = parseIdentity(7, row);
	assert.equal(probe.state, 'alive');
	assert.equal(probe.state === 'alive' && probe.startToken, '1795000000000');
	assert.equal(compareIdentity('1795000000000', probe), 'same');
	assert.equal(compareIdentity('1795000000001', probe), 'other');
	assert.equal(compareIdentity(null, probe), 'doubt');
	assert.equal(parseIdentity(7, 'not json').state, 'unknown');
});

test('identity check: gone, unknown and missing tokens are never "same"', () => {
	assert.equal(compareIdentity('1', {state: 'gone', pid: 1}), 'gone');
	assert.equal(compareIdentity('1', {state: 'unknown', pid: 1, reason: 'EACCES'}), 'doubt');
	assert.equal(compareIdentity('1', {state: 'alive', pid: 1, startToken: null, command: null, startedAt: null, uid: null}), 'doubt');
});

test('process group from /proc/<pid>/stat, even with spaces and parentheses in the name', () => {
	assert.equal(parseProcessGroup('123 (node) S 1 123 123 0 -1'), 123);
	assert.equal(parseProcessGroup('124 (a (b) c) S 123 99 99 0 -1'), 99);
	assert.equal(parseProcessGroup('garbage'), null);
});
