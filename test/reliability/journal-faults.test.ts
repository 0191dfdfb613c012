/**
 * The journal failing under a live fleet: its directory replaced by a file, and the disk filling
 * up (a file-size limit) under a running supervisor, for good or for a while. Supervision, locks,
 * `--once` and shutdown never suffer; history is held through an outage and written after it.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {cli, cliPath, component, isAlive, pollUntil, startRun, tempFleet} from '../control/fleet-fixture.js';

const posixOnly = process.platform === 'win32' ? 'needs sh and ulimit' : false;
const quickBackoff = {initialSeconds: 0.2, maxSeconds: 0.4, factor: 2, resetAfterSeconds: 60, crashLoopFailures: 1000, crashLoopWindowSeconds: 300};

test('journal directory replaced by a file: run, --once and shutdown all work, each warning once at most', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	rmSync(path.join(fleet.dir, '.fleetdeck'), {recursive: true, force: true});
	writeFileSync(path.join(fleet.dir, '.fleetdeck'), 'not a directory');

	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'), ['--account', 'T1']);
	await pollUntil('the supervised bot', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? true : undefined));
	const once = await cli(fleet, ['--once', '--json', '--config', fleet.configFile]);
	assert.equal(once.code, 0, once.stderr);
	assert.equal((JSON.parse(once.stdout) as FleetSnapshot).accounts[0]?.components[0]?.state, 'running');
	assert.ok(once.stderr.split('\n').filter(line => /journal/.test(line)).length <= 1, once.stderr);

	const shutdown = await cli(fleet, ['shutdown', '--yes', '--timeout', '5', '--config', fleet.configFile]);
	assert.equal(shutdown.code, 0, shutdown.stdout + shutdown.stderr);
	await pollUntil('the supervisor to exit', () => (isAlive(supervisor.pid) ? undefined : true));
	assert.equal(fleet.lock('BRAIN_T1'), null);
	// Said once when it could not be opened, and once at the end: what could not be written.
	const said = supervisor.output().split('\n').filter(line => /journal/.test(line));
	assert.equal(said.length, 2, supervisor.output());
	assert.match(said[0]!, /cannot be opened .*; fleetdeck keeps monitoring, holds up to 1000 events in memory and retries$/);
	assert.match(said[1]!, /events could not be written before closing and are lost$/);
});

test('a disk that stays full under a live supervisor (ulimit -f): history is lost and said to be, the supervisor keeps restarting its bot under the same lock', {skip: posixOnly, timeout: 300_000}, async t => {
	const fleet = tempFleet(t, bot => ({
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1', '--crash-after', '0.1'), {restart: 'always', backoff: quickBackoff})]}],
	}));
	// 48 blocks of 512 bytes: less than the journal needs, so its writes fail as on a full disk,
	// while the lockfile (under 4 KiB) is still rewritten on every restart and heartbeat.
	const limitBlocks = 48;
	const command = [cliPath, 'run', 'BRAIN_T1', '--account', 'T1', '--config', fleet.configFile, '--', ...fleet.bot('BRAIN_T1', '--crash-after', '0.1')];
	const quoted = [process.execPath, ...command].map(word => `'${word.replaceAll('\'', '\'\\\'\'')}'`).join(' ');
	const supervisor = spawn('sh', ['-c', `ulimit -f ${limitBlocks}; exec ${quoted}`], {cwd: fleet.dir, stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	supervisor.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	t.after(() => {
		supervisor.kill('SIGKILL');
	});

	await pollUntil('the supervisor to take the lock', () => fleet.lock('BRAIN_T1') ?? undefined);
	const first = fleet.lock('BRAIN_T1');
	assert.equal(first?.pid, supervisor.pid);
	await pollUntil('8 restarts', () => (fleet.starts('BRAIN_T1').length >= 9 ? true : undefined), 120_000, 100);
	assert.equal(supervisor.exitCode, null, `the supervisor died: ${stderr}`);
	assert.equal(fleet.lock('BRAIN_T1')?.pid, supervisor.pid, 'the same supervisor still holds the lock');
	assert.equal(fleet.lock('BRAIN_T1')?.token, first?.token, 'held across restarts, never re-acquired');

	const once = await cli(fleet, ['--once', '--json', '--config', fleet.configFile]);
	const brain = (JSON.parse(once.stdout) as FleetSnapshot).accounts[0]?.components[0];
	assert.equal(brain?.lock?.verdict, 'live', once.stdout);
	assert.notEqual(brain?.state, 'stopped');
	supervisor.kill('SIGKILL');
	// The limit did bite, and never lifted: history of those restarts is missing, and was said to be.
	const restarts = fleet.events('BRAIN_T1').filter(event => event.kind === 'process.restarted').length;
	assert.ok(restarts < 8, `the journal recorded ${restarts} restarts: the file-size limit never bit`);
	assert.match(stderr, /journal .* (write failed|cannot be opened) \(SQLITE_(FULL|IOERR)[^)]*\); fleetdeck keeps monitoring, holds up to 1000 events in memory and retries/);
});

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

test('a disk full for a while under a live supervisor (ulimit -f, lifted with prlimit): every start is journaled once there is room again', {skip: posixOnly || (hasPrlimit ? false : 'needs prlimit'), timeout: 300_000}, async t => {
	const fleet = tempFleet(t, bot => ({
		accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1', '--crash-after', '0.1'), {restart: 'always', backoff: quickBackoff})]}],
	}));
	const command = [cliPath, 'run', 'BRAIN_T1', '--account', 'T1', '--config', fleet.configFile, '--', ...fleet.bot('BRAIN_T1', '--crash-after', '0.1')];
	const quoted = [process.execPath, ...command].map(word => `'${word.replaceAll('\'', '\'\\\'\'')}'`).join(' ');
	// The soft limit only: prlimit can lift it again without privilege, as a disk gets room again.
	const supervisor = spawn('sh', ['-c', `ulimit -S -f 48; exec ${quoted}`], {cwd: fleet.dir, stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	supervisor.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	t.after(() => {
		supervisor.kill('SIGKILL');
	});

	await pollUntil('the journal to hit the limit', () => (/holds up to 1000 events in memory/.test(stderr) ? true : undefined), 120_000, 100);
	const startsAtFailure = fleet.starts('BRAIN_T1').length;
	await pollUntil('3 more starts while the disk is full', () => (fleet.starts('BRAIN_T1').length >= startsAtFailure + 3 ? true : undefined), 120_000, 100);
	const lifted = spawnSync('prlimit', ['--pid', String(supervisor.pid), '--fsize=unlimited']);
	assert.equal(lifted.status, 0, String(lifted.stderr));
	await pollUntil('the journal to be written again', () => (/can be written again/.test(stderr) ? true : undefined), 120_000, 100);

	supervisor.kill('SIGTERM');
	await new Promise(resolve => supervisor.once('exit', resolve));
	const starts = fleet.starts('BRAIN_T1').map(start => start.pid);
	const journaled = new Set(fleet.events('BRAIN_T1').filter(event => event.kind === 'process.started').map(event => event.pid));
	assert.ok(starts.length > startsAtFailure + 2, `${starts.length} starts`);
	assert.deepEqual(starts.filter(pid => !journaled.has(pid)), [], `starts missing from the journal; supervisor said:\n${stderr}`);
	assert.equal(stderr.split('\n').filter(line => /holds up to 1000 events in memory/.test(line)).length, 1, stderr);
});
