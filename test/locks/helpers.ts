import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {TestContext} from 'node:test';
import {hostFacts, probeProcess} from '../../source/procs/identity.js';
import type {LockRecord} from '../../source/locks/types.js';

/** A fresh locks directory, removed when the test ends. */
export function tempLocksDir(t: TestContext): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-locks-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

/** The PID of a process that has exited and been reaped. */
export function deadPid(): number {
	for (;;) {
		const {pid} = spawnSync('true');
		if (pid !== undefined && probeProcess(pid).state === 'gone') {
			return pid;
		}
	}
}

/** A v1 record as this host would write it, for a holder of our choosing. */
export function v1Record(change: Partial<LockRecord> = {}): LockRecord {
	const host = hostFacts();
	return {
		v: 1,
		name: 'BRAIN_ATLAS',
		pid: process.pid,
		account: 'ATLAS',
		hostname: host.hostname,
		bootId: host.bootId,
		startToken: null,
		createdAt: new Date().toISOString(),
		heartbeatAt: null,
		token: 1,
		command: 'python BRAIN_ATLAS.py',
		child: null,
		...change,
	};
}

export function writeLock(dir: string, name: string, content: string | Buffer | object): string {
	const file = path.join(dir, `${name}.lock`);
	writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
	return file;
}

/** A real unrelated process (`sleep`), killed when the test ends. */
export function spawnSleep(t: TestContext): ChildProcess & {pid: number} {
	const child = spawn('sleep', ['infinity'], {stdio: 'ignore'});
	t.after(() => {
		child.kill('SIGKILL');
	});
	if (child.pid === undefined) {
		throw new Error('could not spawn sleep');
	}

	return child as ChildProcess & {pid: number};
}

/** The start token the kernel reports for a live PID. */
export function startTokenOf(pid: number): string {
	const probe = probeProcess(pid);
	if (probe.state !== 'alive' || probe.startToken === null) {
		throw new Error(`PID ${pid} has no start token (${probe.state})`);
	}

	return probe.startToken;
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting until ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}
