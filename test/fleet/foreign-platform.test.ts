import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import type {FleetConfig} from '../../source/config/types.js';
import {gatherSnapshot, judgeContext} from '../../source/fleet/gather.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {acquire} from '../../source/locks/index.js';
import {buildRecord, serializeRecord} from '../../source/locks/record.js';
import {hostFacts, selfIdentity} from '../../source/procs/identity.js';
import {atlasConfig} from '../helpers/fleet-data.js';
import {createdAt, foreignProc, selfRow, standInPlatform} from './platform-helpers.js';

// PIDs above any real pid_max, so the stand-in's processes can never be confused with this host's.
const brainPid = 2_000_000_101;
const watchdogPid = 2_000_000_102;

function tempConfig(t: TestContext): FleetConfig {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-platform-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	return atlasConfig({locksDir: dir});
}

/** A lock as a holder on this host writes it, recording `holder` (pid and creation-time token). */
function writeHeld(config: FleetConfig, name: string, holder: {pid: number; startToken: string}, account: string | null): void {
	const record = buildRecord({name, holder, host: hostFacts(), token: 1, account, command: null, child: null, now: Date.now()});
	writeFileSync(path.join(config.locksDir, `${name}.lock`), serializeRecord(record));
}

function componentOf(snapshot: FleetSnapshot, name: string) {
	const found = [...snapshot.services, ...snapshot.accounts.flatMap(account => account.components)].find(view => view.name === name);
	assert.ok(found, `${name} in the snapshot`);
	return found;
}

test('on a non-Linux platform whose table carries creation times, healthy locks are live and a reused PID is stale-reused', async t => {
	const config = tempConfig(t);
	const platform = standInPlatform([
		foreignProc(brainPid, String.raw`C:\Python\python.exe BRAIN_ATLAS.py`),
		// The watchdog's PID now belongs to a process created an hour after the lock's holder.
		foreignProc(watchdogPid, String.raw`C:\Python\python.exe STOPLOSS_WATCHDOG_V2.py --account ATLAS`),
	]);
	writeHeld(config, 'BRAIN_ATLAS', {pid: brainPid, startToken: String(createdAt)}, 'ATLAS');
	writeHeld(config, 'WATCHDOG_ATLAS', {pid: watchdogPid, startToken: String(createdAt - 3_600_000)}, 'ATLAS');
	// A lock `acquire` takes records the platform's own identity of this process.
	const taken = await acquire(config.locksDir, 'quantum_server', {account: null, command: 'python quantum_server.py', context: judgeContext(config, platform)});
	assert.ok(taken.acquired);
	assert.equal(taken.record.startToken, selfRow.startToken, 'self() gives the token the lock records');
	assert.equal(taken.record.startToken, (await platform.self()).startToken);

	const snapshot = await gatherSnapshot(config, {platform});
	const brain = componentOf(snapshot, 'BRAIN_ATLAS');
	assert.equal(brain.lock?.verdict, 'live', brain.lock?.reason);
	assert.equal(brain.lock?.proof, 'start-token');
	assert.equal(brain.state, 'running');
	assert.deepEqual(brain.processes.map(process => [process.pid, process.holdsLock]), [[brainPid, true]]);

	const watchdog = componentOf(snapshot, 'WATCHDOG_ATLAS');
	assert.equal(watchdog.lock?.verdict, 'stale-reused', watchdog.lock?.reason);
	assert.match(watchdog.lock?.reason ?? '', new RegExp(`start token ${createdAt}, the lock recorded ${createdAt - 3_600_000}`));
	assert.equal(watchdog.state, 'unlocked');

	const server = componentOf(snapshot, 'quantum_server');
	assert.equal(server.lock?.verdict, 'live', server.lock?.reason);
	assert.equal(server.lock?.proof, 'start-token');
	assert.equal(platform.tableReads(), 1);
});

test('a gather reads the process table exactly once, whatever the number of locks, and probes no PID on its own', async t => {
	const config = tempConfig(t);
	const platform = standInPlatform([foreignProc(brainPid, String.raw`C:\Python\python.exe BRAIN_ATLAS.py`)]);
	const longAgo = new Date(Date.now() - 3_600_000);
	const counts: number[] = [];
	let snapshot: FleetSnapshot | undefined;
	for (const locks of [0, 1, 8]) {
		for (let index = 0; index < locks; index++) {
			// Holders missing from the table, in lockfiles older than any table read: proven gone by the table alone.
			const name = `EXTRA_${index}`;
			writeHeld(config, name, {pid: 2_000_000_200 + index, startToken: String(createdAt)}, null);
			utimesSync(path.join(config.locksDir, `${name}.lock`), longAgo, longAgo);
		}

		const before = platform.tableReads();
		snapshot = await gatherSnapshot(config, {platform});
		counts.push(platform.tableReads() - before);
	}

	assert.deepEqual(counts, [1, 1, 1]);
	const extras = snapshot?.problems.filter(problem => problem.code === 'stale-lock') ?? [];
	assert.equal(extras.length, 8, 'every lock was judged, and its gone holder proven so by the one table');
	assert.ok(extras.every(problem => /stale-dead/.test(problem.message)), extras.map(problem => problem.message).join('\n'));
});

test('a lock written after the table was read is never judged stale by that table', async t => {
	const config = tempConfig(t);
	const platform = standInPlatform([]);
	// The lock's holder is this process, recorded as this host records it; its PID is left out of
	// the table read to stand for a holder that started after the read. The lock is fresh, so the
	// table alone cannot call it gone: a single-PID recheck (this host's) finds it.
	const withoutSelf: typeof platform = {...platform, async table() {
		const read = await platform.table();
		return {...read, processes: read.processes.filter(row => row.pid !== process.pid)};
	}};
	const self = selfIdentity();
	writeHeld(config, 'BRAIN_ATLAS', {pid: self.pid, startToken: self.startToken ?? ''}, 'ATLAS');
	const snapshot = await gatherSnapshot(config, {platform: withoutSelf});
	const brain = componentOf(snapshot, 'BRAIN_ATLAS');
	// Linux proves it by its start token; elsewhere kill(pid, 0) finds it alive without one: in doubt, held.
	assert.equal(brain.lock?.verdict, process.platform === 'linux' ? 'live' : 'unknown', brain.lock?.reason);
});
