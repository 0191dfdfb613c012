import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TestContext} from 'node:test';
import {hostFacts, probeProcess} from '../../source/procs/identity.js';

/** The built CLI (tests run from dist/test/…). */
export const cliPath = fileURLToPath(new URL('../../source/cli.js', import.meta.url));

/** The repository root, for fixtures that are not compiled (JSON configs, sample lockfiles). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/**
 * Run `fleetdeck ARGS…` to completion, with no terminal. `timeoutMs` is a hang guard: a run it
 * kills rejects (a killed run must never pass for one that exited 1), so it is generous, since a
 * loaded machine starts Node slowly.
 */
export async function runCli(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<CliResult> {
	const timeoutMs = options.timeoutMs ?? 120_000;
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [cliPath, ...args], {cwd: options.cwd, env: {...process.env, ...options.env}, timeout: timeoutMs}, (error, stdout, stderr) => {
			if (error?.killed) {
				const why = error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 'printed more than execFile\'s maxBuffer' : `did not finish in ${timeoutMs} ms`;
				reject(new Error(`fleetdeck ${args.join(' ')} ${why} and was killed; stderr: ${stderr}`));
				return;
			}

			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({code, stdout, stderr});
		});
	});
}

/** A temp directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'fleetdeck-'): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

/** Write a v1 lock record for `pid` as its holder would, with its real start token. */
export function writeLock(locksDir: string, name: string, pid: number, fields: Record<string, unknown> = {}): void {
	mkdirSync(locksDir, {recursive: true});
	const probe = probeProcess(pid);
	const host = hostFacts();
	const now = new Date().toISOString();
	const record = {
		v: 1,
		name,
		pid,
		account: null,
		hostname: host.hostname,
		bootId: host.bootId,
		startToken: probe.state === 'alive' ? probe.startToken : '1',
		createdAt: now,
		heartbeatAt: now,
		token: 1,
		command: null,
		child: null,
		...fields,
	};
	writeFileSync(path.join(locksDir, `${name}.lock`), JSON.stringify(record));
}
