/**
 * Logs are opened without following links, only as regular files, and created private: a link
 * planted at logs/<NAME>.log by another user once made root's `launch` append to a root-only file
 * and print and journal its last lines.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {LogFileError, openLogForAppend, readLogTail} from '../../source/control/log-file.js';
import {ensurePrivateDir, sharedDirWarning} from '../../source/files/private-dir.js';
import {tempDir} from '../helpers/cli.js';
import {collectOutput} from '../helpers/children.js';
import {cli, cliPath, component, isAlive, pollUntil, tempFleet, type TempFleet} from './fleet-fixture.js';

const posixOnly = process.platform === 'win32' ? 'POSIX modes, links and FIFOs' : false;
const secret = 'root-only secret: hunter2\n';

function oneBrainFleet(t: Parameters<typeof tempFleet>[0]): TempFleet {
	return tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
}

function modeOf(file: string): number {
	return statSync(file).mode & 0o777;
}

/** Run the CLI under `umask 000`, as a careless service manager would. */
function cliUnderUmask(fleet: TempFleet, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const quoted = [process.execPath, cliPath, ...args].map(word => `'${word.replaceAll('\'', '\'\\\'\'')}'`).join(' ');
		const child = spawn('sh', ['-c', `umask 000; exec ${quoted}`], {cwd: fleet.dir, stdio: ['ignore', 'pipe', 'pipe']});
		const output = collectOutput(child);
		child.on('close', code => {
			resolve({code, stdout: output.stdout(), stderr: output.stderr()});
		});
	});
}

test('launch refuses a symbolic link at logs/<NAME>.log: the target is neither written nor shown nor journaled, nothing starts', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = oneBrainFleet(t);
	const target = path.join(fleet.dir, 'root-only.txt');
	writeFileSync(target, secret, {mode: 0o600});
	mkdirSync(path.join(fleet.dir, 'logs'));
	symlinkSync(target, path.join(fleet.dir, 'logs', 'BRAIN_T1.log'));

	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 1, launched.stdout + launched.stderr);
	const output = launched.stdout + launched.stderr;
	assert.match(output, /logs\/BRAIN_T1\.log is a symbolic link/);
	assert.doesNotMatch(output, /hunter2/);
	assert.equal(readFileSync(target, 'utf8'), secret, 'the link target was written to');
	assert.equal(fleet.lock('BRAIN_T1'), null, 'a supervisor started');
	const failed = fleet.events('BRAIN_T1').filter(event => event.kind === 'launch.failed');
	assert.equal(failed.length, 1);
	assert.match(failed[0]!.message, /symbolic link/);
	assert.doesNotMatch(JSON.stringify(fleet.events()), /hunter2/);
});

test('launch refuses a FIFO at logs/<NAME>.log at once, rather than hanging on it', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = oneBrainFleet(t);
	mkdirSync(path.join(fleet.dir, 'logs'));
	assert.equal(spawnSync('mkfifo', [path.join(fleet.dir, 'logs', 'BRAIN_T1.log')]).status, 0);
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile], 20_000);
	assert.equal(launched.code, 1, launched.stdout + launched.stderr);
	assert.match(launched.stdout + launched.stderr, /BRAIN_T1\.log is a FIFO/);
	assert.equal(fleet.lock('BRAIN_T1'), null);
});

test('under umask 000, launch creates the logs directory 0700 and the log 0600; an existing log keeps its mode', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = oneBrainFleet(t);
	const launched = await cliUnderUmask(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	const logs = path.join(fleet.dir, 'logs');
	assert.equal(modeOf(logs), 0o700);
	assert.equal(modeOf(path.join(logs, 'BRAIN_T1.log')), 0o600);
	assert.doesNotMatch(launched.stderr, /logs directory/, 'its own fresh logs directory is not shared');

	const supervisor = fleet.lock('BRAIN_T1')?.pid ?? 0;
	const shutdown = await cli(fleet, ['shutdown', '--yes', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	await pollUntil('the supervisor to exit', () => (isAlive(supervisor) ? undefined : true));

	// The operator's choice for a log that already exists is theirs.
	chmodSync(path.join(logs, 'BRAIN_T1.log'), 0o640);
	const again = await cliUnderUmask(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(again.code, 0, again.stdout + again.stderr);
	assert.equal(modeOf(path.join(logs, 'BRAIN_T1.log')), 0o640);
	assert.match(readFileSync(path.join(logs, 'BRAIN_T1.log'), 'utf8'), /starting BRAIN_T1[^]*starting BRAIN_T1/);
});

test('a group-writable logs directory is warned about by launch and run (naming it and its mode), and left as it is', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = oneBrainFleet(t);
	const logs = path.join(fleet.dir, 'logs');
	mkdirSync(logs);
	chmodSync(logs, 0o775);
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	assert.ok(launched.stderr.includes(`logs directory ${logs} is writable by its group (mode 0775)`), launched.stderr);
	assert.equal(modeOf(logs), 0o775);
	// The supervisor says it too, into the log its output goes to.
	await pollUntil('the supervisor\'s warning in its log', () => (/writable by its group/.test(readFileSync(path.join(logs, 'BRAIN_T1.log'), 'utf8')) ? true : undefined));
	const shutdown = await cli(fleet, ['shutdown', '--yes', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
});

test('openLogForAppend and readLogTail: links, hard links and directories refused with the path named; a missing log reads as empty', {skip: posixOnly}, t => {
	const dir = tempDir(t);
	const target = path.join(dir, 'target');
	writeFileSync(target, secret);
	const link = path.join(dir, 'link.log');
	symlinkSync(target, link);
	const dangling = path.join(dir, 'dangling.log');
	symlinkSync(path.join(dir, 'nowhere'), dangling);
	const hard = path.join(dir, 'hard.log');
	linkSync(target, hard);
	const directory = path.join(dir, 'dir.log');
	mkdirSync(directory);

	for (const file of [link, dangling]) {
		assert.throws(() => openLogForAppend(file), (error: unknown) => error instanceof LogFileError && error.message === `log ${file} is a symbolic link; fleetdeck does not follow links there (remove it)`);
	}

	assert.throws(() => readLogTail(link), LogFileError);
	assert.throws(() => openLogForAppend(hard), /hard\.log has 2 hard links/);
	assert.throws(() => readLogTail(hard), /has 2 hard links/);
	assert.throws(() => openLogForAppend(directory), /dir\.log is a directory/);
	assert.equal(readFileSync(target, 'utf8'), secret);
	assert.equal(statSync(path.join(dir, 'nowhere'), {throwIfNoEntry: false}), undefined, 'the dangling link\'s target was created');
	assert.equal(readLogTail(path.join(dir, 'missing.log')), '');
});

test('ensurePrivateDir makes every level it creates 0700 whatever the umask, and leaves an existing directory alone; sharedDirWarning', {skip: posixOnly}, t => {
	const dir = tempDir(t);
	const previous = process.umask(0);
	try {
		ensurePrivateDir(path.join(dir, 'a', 'b', 'c'));
	} finally {
		process.umask(previous);
	}

	for (const level of ['a', 'a/b', 'a/b/c']) {
		assert.equal(modeOf(path.join(dir, level)), 0o700, level);
	}

	chmodSync(path.join(dir, 'a', 'b', 'c'), 0o777);
	ensurePrivateDir(path.join(dir, 'a', 'b', 'c'));
	assert.equal(modeOf(path.join(dir, 'a', 'b', 'c')), 0o777);
	assert.match(sharedDirWarning(path.join(dir, 'a', 'b', 'c'), 'logs directory') ?? '', /is writable by every user \(mode 0777\)/);
	assert.equal(sharedDirWarning(path.join(dir, 'a'), 'logs directory'), null);
	assert.equal(sharedDirWarning(path.join(dir, 'missing'), 'logs directory'), null);
});
