import {spawn} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {cliPath} from '../helpers/cli.js';

export interface FleetdeckRun {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** Wall time of the whole run. */
	ms: number;
}

/**
 * Run `fleetdeck ARGS…` to completion with no terminal and no cap on its output (`--json` of
 * 10,000 locks is megabytes). SIGKILLed and rejected after `timeoutMs`.
 */
export function runFleetdeck(args: string[], options: {cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number}): Promise<FleetdeckRun> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {cwd: options.cwd, env: {...process.env, ...options.env}, stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		const timeoutMs = options.timeoutMs ?? 120_000;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`fleetdeck ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${Buffer.concat(stderr).toString()}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), ms: performance.now() - started});
		});
	});
}
