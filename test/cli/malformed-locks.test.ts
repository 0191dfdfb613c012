/**
 * Issue 13, item 2: one malformed lockfile (a legacy timestamp in nanoseconds, Python's
 * time.time_ns()) made every command exit 3 with "Invalid time value", and clear-stale/clear-all
 * crash after deleting. Each command here runs the real built CLI against real lockfiles.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import type {FleetSnapshot, LockView} from '../../source/fleet/types.js';
import {cli, component, isAlive, pollUntil, spawnBot, tempFleet, type CliResult, type TempFleet} from '../control/fleet-fixture.js';
import {deadPid} from '../locks/helpers.js';

/** `time.time_ns()` for a moment a minute ago, as digits (a JSON number this large is not exact in a double). */
const takenAtMs = Date.now() - 60_000;
const nanoseconds = `${BigInt(takenAtMs) * 1_000_000n + 123_456n}`;

function noCrash(result: CliResult, what: string): void {
	assert.doesNotMatch(result.stderr, /Invalid time value|RangeError|^\s+at /m, `${what}: ${result.stderr}`);
}

/**
 * A configured brain running as a fake bot, holding a legacy lock stamped in nanoseconds; a dead
 * watchdog's legacy lock (`key: value` lines, nanoseconds as text); a litter lock whose timestamp
 * is in no unit at all.
 */
function nanosecondFleet(t: Parameters<typeof tempFleet>[0]): {fleet: TempFleet; brainPid: number} {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'NS', number: '4242', components: [component('BRAIN_NS', 'brain', bot('BRAIN_NS'))]}]}));
	const brain = spawnBot(fleet.bot('BRAIN_NS'));
	const host = os.hostname();
	writeFileSync(path.join(fleet.locksDir, 'BRAIN_NS.lock'), `{"pid": ${brain.pid}, "account": "NS", "timestamp": ${nanoseconds}, "hostname": "${host}"}`);
	writeFileSync(path.join(fleet.locksDir, 'WATCHDOG_NS.lock'), `PID: ${deadPid()}\r\nAccount: NS\r\nTimestamp: ${nanoseconds}\r\nHostname: ${host}\r\n`);
	writeFileSync(path.join(fleet.locksDir, 'LITTER.lock'), `{"pid": ${deadPid()}, "timestamp": 1e25}`);
	return {fleet, brainPid: brain.pid};
}

const lockfiles = (fleet: TempFleet) => readdirSync(fleet.locksDir).filter(file => file.endsWith('.lock')).sort();

test('a legacy lock stamped in nanoseconds: --once (text, json, prometheus), locks, shutdown and stop-duplicates all read the fleet', {timeout: 300_000}, async t => {
	const {fleet, brainPid} = nanosecondFleet(t);
	await pollUntil('the fake bot to be running', () => (isAlive(brainPid) ? true : undefined));
	const config = ['--config', fleet.configFile];

	// The brain runs under its live lock; the two stale locks of no configured component are WARN.
	const text = await cli(fleet, ['--once', ...config]);
	noCrash(text, '--once');
	assert.equal(text.code, 1, text.stdout + text.stderr);
	assert.match(text.stdout, new RegExp(`OK +NS +BRAIN_NS +running +${brainPid} +live`));
	assert.match(text.stdout, /LITTER: stale lock \(stale-dead\)/);

	const json = await cli(fleet, ['--once', '--json', ...config]);
	noCrash(json, '--once --json');
	assert.equal(json.code, 1, json.stderr);
	const snapshot = JSON.parse(json.stdout) as FleetSnapshot;
	const lock = (name: string) => snapshot.locks.find(view => view.name === name);
	assert.equal(lock('BRAIN_NS')?.verdict, 'live');
	assert.equal(lock('BRAIN_NS')?.createdAt, new Date(takenAtMs).toISOString(), 'nanoseconds read as the time they are');
	const age = lock('BRAIN_NS')?.ageSeconds ?? 0;
	assert.ok(age >= 60 && age < 85, `age ${age} s`);
	assert.equal(lock('WATCHDOG_NS')?.createdAt, new Date(takenAtMs).toISOString());
	assert.equal(lock('LITTER')?.createdAt, null);
	assert.match(lock('LITTER')?.reason ?? '', /^PID \d+ is gone \(ignored: field "timestamp" must be .* got number 1e\+25\)$/);

	const prometheus = await cli(fleet, ['--once', '--format', 'prometheus', ...config]);
	noCrash(prometheus, '--once --format prometheus');
	assert.equal(prometheus.code, 1, prometheus.stderr);
	assert.match(prometheus.stdout, /^fleetdeck_lock_verdict\{lock="BRAIN_NS",verdict="live"\} 1$/m);
	assert.match(prometheus.stdout, /^fleetdeck_lock_age_seconds\{lock="BRAIN_NS"\} [6-8]\d$/m);

	const locks = await cli(fleet, ['locks', ...config]);
	noCrash(locks, 'locks');
	assert.equal(locks.code, 0, locks.stderr);
	assert.match(locks.stdout, new RegExp(`BRAIN_NS +live +${brainPid} +NS +[6-8]\\ds`));
	assert.match(locks.stdout, /WATCHDOG_NS +stale-dead/);

	const locksJson = await cli(fleet, ['locks', '--json', ...config]);
	noCrash(locksJson, 'locks --json');
	assert.equal(locksJson.code, 0, locksJson.stderr);
	assert.deepEqual((JSON.parse(locksJson.stdout) as LockView[]).map(view => [view.name, view.verdict]), [['BRAIN_NS', 'live'], ['LITTER', 'stale-dead'], ['WATCHDOG_NS', 'stale-dead']]);

	// Headless without --yes: the plan is printed (so the snapshot was built) and nothing is signalled.
	const shutdown = await cli(fleet, ['shutdown', ...config]);
	noCrash(shutdown, 'shutdown');
	assert.equal(shutdown.code, 64, shutdown.stdout + shutdown.stderr);
	assert.match(shutdown.stdout, /BRAIN_NS/);
	assert.match(shutdown.stderr, /nothing was signalled/);
	assert.equal(isAlive(brainPid), true);

	const duplicates = await cli(fleet, ['stop-duplicates', ...config]);
	noCrash(duplicates, 'stop-duplicates');
	assert.equal(duplicates.code, 0, duplicates.stdout + duplicates.stderr);
	assert.match(duplicates.stdout, /nothing to do/);
	assert.deepEqual(lockfiles(fleet), ['BRAIN_NS.lock', 'LITTER.lock', 'WATCHDOG_NS.lock'], 'nothing was removed by looking');
});

test('clear-stale and clear-all --force with nanosecond locks: every removal reported, none crashes', {timeout: 300_000}, async t => {
	const {fleet, brainPid} = nanosecondFleet(t);
	const config = ['--config', fleet.configFile];
	const cleared = await cli(fleet, ['locks', 'clear-stale', ...config]);
	noCrash(cleared, 'clear-stale');
	assert.equal(cleared.code, 0, cleared.stderr);
	assert.match(cleared.stdout, /^removed LITTER \(stale-dead\): PID \d+ is gone \(ignored: field "timestamp"/m);
	assert.match(cleared.stdout, /^removed WATCHDOG_NS \(stale-dead\): PID \d+ is gone$/m);
	assert.match(cleared.stdout, /^2 stale locks removed, 1 kept$/m);
	assert.deepEqual(lockfiles(fleet), ['BRAIN_NS.lock']);

	const forced = await cli(fleet, ['locks', 'clear-all', '--force', '--json', ...config]);
	noCrash(forced, 'clear-all --force');
	assert.equal(forced.code, 0, forced.stderr);
	const removed = JSON.parse(forced.stdout) as LockView[];
	assert.deepEqual(removed.map(view => [view.name, view.verdict, view.pid]), [['BRAIN_NS', 'live', brainPid]]);
	assert.equal(removed[0]?.createdAt, new Date(takenAtMs).toISOString());
	assert.deepEqual(lockfiles(fleet), []);
});

test('clear-stale: a stale lock that cannot be removed is reported for itself, exit 1, and every other stale lock is still removed', {timeout: 300_000}, async t => {
	const {fleet} = nanosecondFleet(t);
	// A fencing-token counter that is a directory: taking JAMMED over must raise it, which fails.
	writeFileSync(path.join(fleet.locksDir, 'JAMMED.lock'), JSON.stringify({v: 1, name: 'JAMMED', pid: deadPid(), hostname: os.hostname(), createdAt: new Date().toISOString(), token: 9}));
	mkdirSync(path.join(fleet.locksDir, 'JAMMED.lock.token'));
	const cleared = await cli(fleet, ['locks', 'clear-stale', '--json', '--config', fleet.configFile]);
	noCrash(cleared, 'clear-stale');
	assert.equal(cleared.code, 1, cleared.stderr);
	assert.match(cleared.stderr, /^fleetdeck: could not remove JAMMED\.lock \(stale-dead\): EISDIR/m);
	assert.deepEqual((JSON.parse(cleared.stdout) as LockView[]).map(view => view.name), ['LITTER', 'WATCHDOG_NS']);
	assert.deepEqual(lockfiles(fleet), ['BRAIN_NS.lock', 'JAMMED.lock']);
});

test('launch over a dead holder\'s nanosecond lock takes it over and starts the bot', {timeout: 300_000}, async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'NS', number: '4242', components: [component('BRAIN_NS', 'brain', bot('BRAIN_NS'))]}]}));
	writeFileSync(path.join(fleet.locksDir, 'BRAIN_NS.lock'), `{"pid": ${deadPid()}, "account": "NS", "timestamp": ${nanoseconds}, "hostname": "${os.hostname()}"}`);
	const launched = await cli(fleet, ['launch', '--config', fleet.configFile]);
	noCrash(launched, 'launch');
	assert.equal(launched.code, 0, launched.stdout + launched.stderr);
	assert.match(launched.stdout, /BRAIN_NS +started/);
	const started = await pollUntil('the bot to record its start', () => fleet.starts('BRAIN_NS')[0]);
	assert.equal(isAlive(started.pid), true);
	assert.equal(fleet.lock('BRAIN_NS')?.v, 1, 'the supervisor holds the lock with a v1 record now');
	assert.ok(existsSync(path.join(fleet.locksDir, 'BRAIN_NS.lock')));
});
