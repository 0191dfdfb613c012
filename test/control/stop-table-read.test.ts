import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {posixControl} from '../../source/procs/platform/posix-signals.js';
import type {ProcessSignals} from '../../source/runtime/ports.js';
import {stopInstance, type StopDeps} from '../../source/control/stop.js';
import type {StopTarget} from '../../source/control/types.js';
import {openJournal} from '../../source/journal/index.js';
import type {ProcessInfo} from '../../source/procs/types.js';
import {readProcessTable} from '../../source/procs/index.js';
import {isAlive, startTokenOf} from './fleet-fixture.js';

/** A process that lives until killed and ignores SIGTERM; resolved once its handler is in place. */
async function stubborn(t: TestContext): Promise<number> {
	const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); process.stdout.write("ready\\n");'], {stdio: ['ignore', 'pipe', 'ignore']});
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	});
	await once(child.stdout, 'data');
	return child.pid!;
}

/** The real process control, counting every signal it is asked to send. */
function countingControl(): ProcessSignals & {signals: () => number} {
	let signals = 0;
	return {
		...posixControl,
		async requestStop(pid, signal) {
			signals++;
			return posixControl.requestStop(pid, signal);
		},
		async forceKill(pid, group) {
			signals++;
			return posixControl.forceKill(pid, group);
		},
		signals: () => signals,
	};
}

function setup(t: TestContext, readTable: () => Promise<ProcessInfo[]>): StopDeps & {control: ReturnType<typeof countingControl>} {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-stop-'));
	mkdirSync(path.join(dir, '.locks'));
	const journal = openJournal(path.join(dir, 'journal.db'));
	t.after(() => {
		journal.close();
		rmSync(dir, {recursive: true, force: true});
	});
	return {control: countingControl(), readTable, journal, locksDir: path.join(dir, '.locks'), context: {}, pollMs: 20, progressEveryMs: 60_000, killWaitMs: 5000};
}

function target(pid: number): StopTarget {
	return {component: 'BRAIN_T1', account: 'T1', pid, startToken: startTokenOf(pid), pids: [pid], why: 'component', lock: null, stopSignal: 'SIGTERM', stopTimeoutSeconds: 1};
}

const eio = () => Object.assign(new Error("EIO: i/o error, scandir '/proc'"), {code: 'EIO'});

test('a stop whose process-table read fails is a failed step with the cause, and nothing is signalled', async t => {
	const pid = await stubborn(t);
	const deps = setup(t, async () => {
		throw eio();
	});
	const report = await stopInstance(target(pid), deps, () => {});
	assert.equal(report.ok, false);
	assert.match(report.message, /^BRAIN_T1 PID \d+ not signalled: the process table could not be read \(EIO: i\/o error, scandir '\/proc'\)/);
	assert.equal(deps.control.signals(), 0, 'no signal was sent');
	assert.equal(isAlive(pid), true, 'the bot still runs');
	const [event] = deps.journal.events({kinds: ['stop.failed']});
	assert.equal(event?.message, report.message);
	assert.equal(event?.component, 'BRAIN_T1');
	assert.match(String(event?.detail['cause']), /EIO/);
});

test('a table read that fails after the signal does not let the stop claim every process is gone', async t => {
	const pid = await stubborn(t);
	let reads = 0;
	const deps = setup(t, async () => {
		reads++;
		if (reads > 1) {
			throw eio();
		}

		return readProcessTable();
	});
	const report = await stopInstance(target(pid), deps, () => {});
	assert.ok(reads > 1, 'the table was read again before the forced kill');
	assert.equal(isAlive(pid), false, 'the known process was stopped (by SIGKILL: it ignores SIGTERM)');
	assert.equal(report.ok, false);
	assert.match(report.message, /stopped \(1 process known\), but the process table could not be read \(EIO: .*\): child processes started since may still run$/);
	assert.deepEqual(deps.journal.events({kinds: ['stop.failed']}).map(event => event.message), [report.message]);
});
