import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, rmSync} from 'node:fs';
import type {TestContext} from 'node:test';
import {workspaceProcesses} from '../../source/demo/teardown.js';
import {cliPath} from '../helpers/cli.js';
import {pollUntil} from '../helpers/children.js';

export interface DemoRun {
	child: ChildProcess;
	stdout: () => string;
	stderr: () => string;
	/** The demo's workspace, once it has said it. */
	workspace: () => Promise<string>;
	exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

const workspaceLine = /^fleetdeck demo: workspace (.+)$/m;

/**
 * Every PID still carrying `workspace` in its argv is SIGKILLed and the directory removed: the
 * safety net after a demo test, which must leave nothing behind even when the demo failed.
 */
export function cleanUpAfter(t: TestContext, workspace: () => string | undefined): void {
	t.after(async () => {
		const dir = workspace();
		if (dir === undefined) {
			return;
		}

		for (const entry of await workspaceProcesses(dir)) {
			try {
				process.kill(entry.pid, 'SIGKILL');
			} catch {}
		}

		rmSync(dir, {recursive: true, force: true});
	});
}

/** Start `fleetdeck demo ARGS…` with no terminal; cleaned up after the test whatever happens. */
export function startDemo(t: TestContext, args: string[]): DemoRun {
	const child = spawn(process.execPath, [cliPath, 'demo', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', chunk => {
		stdout += String(chunk);
	});
	child.stderr!.on('data', chunk => {
		stderr += String(chunk);
	});
	const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => {
		child.once('exit', (code, signal) => resolve({code, signal}));
	});
	let known: string | undefined;
	cleanUpAfter(t, () => known);
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	});
	return {
		child,
		stdout: () => stdout,
		stderr: () => stderr,
		workspace: async () => {
			known = await pollUntil('the demo to name its workspace', async () => workspaceLine.exec(stderr)?.[1], 30_000);
			return known;
		},
		exit,
	};
}

/** No process of the workspace is left, and the directory is gone. */
export async function assertCleanedUp(workspace: string): Promise<void> {
	const left = await workspaceProcesses(workspace);
	if (left.length > 0) {
		throw new Error(`demo processes left behind: ${left.map(entry => `${entry.pid} ${entry.command}`).join('; ')}`);
	}

	if (existsSync(workspace)) {
		throw new Error(`the demo workspace ${workspace} was not removed`);
	}
}
