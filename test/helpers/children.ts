import {spawn, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {once} from 'node:events';
import type {TestContext} from 'node:test';

/** The script every idle child runs: it does nothing until killed. */
export const idleScript = 'setInterval(()=>{},1e3)';

/** A command-line marker no other process on the machine carries. */
export function uniqueMarker(): string {
	return `MARKER-${randomUUID()}`;
}

/** Start `node -e <idle> MARKER [EXTRA…]` as a direct child; killed and reaped when the test ends. */
export function spawnIdle(t: TestContext, marker: string, ...extra: string[]): ChildProcess & {pid: number} {
	const child = spawn(process.execPath, ['-e', idleScript, marker, ...extra], {stdio: 'ignore'});
	return track(t, child, false);
}

/**
 * Start `sh -c '<node -e idle MARKER>; true'` in its own process group. The trailing `; true`
 * stops the shell from exec'ing node in its place, so the chain is really two processes.
 */
export function spawnShellChain(t: TestContext, marker: string): ChildProcess & {pid: number} {
	const child = spawn('sh', ['-c', `"${process.execPath}" -e "${idleScript}" ${marker}; true`], {stdio: 'ignore', detached: true});
	return track(t, child, true);
}

/** Start a shell loop that forks short-lived processes as fast as it can, to race the table reader. */
export function spawnChurn(t: TestContext): ChildProcess & {pid: number} {
	const child = spawn('sh', ['-c', 'while :; do true & true & wait; done'], {stdio: 'ignore', detached: true});
	return track(t, child, true);
}

/** Poll `probe` until it returns a value, or fail after `timeoutMs` saying what was awaited. */
export async function pollUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 50): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) {
			return value;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}

function track(t: TestContext, child: ChildProcess, group: boolean): ChildProcess & {pid: number} {
	const {pid} = child;
	if (pid === undefined) {
		throw new Error(`could not spawn ${child.spawnfile}`);
	}

	const exited = once(child, 'exit');
	t.after(async () => {
		const running = child.exitCode === null && child.signalCode === null;
		// A group is killed even when its leader has exited: what it started may still be running.
		if (running || group) {
			try {
				process.kill(group ? -pid : pid, 'SIGKILL');
			} catch {}
		}

		if (running) {
			await exited;
		}
	});
	return Object.assign(child, {pid});
}

/** What a child has written so far on stdout and stderr (each piped), gathered as it arrives. */
export function collectOutput(child: ChildProcess): {stdout: () => string; stderr: () => string} {
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', chunk => {
		stdout += String(chunk);
	});
	child.stderr?.on('data', chunk => {
		stderr += String(chunk);
	});
	return {stdout: () => stdout, stderr: () => stderr};
}
