import {rmSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {compareIdentity} from '../runtime/control.js';
import {type ProcessInfo, processPlatform} from '../runtime/processes.js';
import type {DemoWorkspace, Say} from './workspace.js';
import {printable} from '../text/printable.js';

/** Processes whose argv carries the workspace: the demo's bots and their supervisors, nobody else's. */
export async function workspaceProcesses(dir: string): Promise<ProcessInfo[]> {
	const {processes} = await processPlatform().table();
	return processes.filter(entry => entry.pid !== process.pid && entry.argv.includes(dir));
}

async function waitUntilGone(dir: string, ms: number): Promise<ProcessInfo[]> {
	const deadline = Date.now() + ms;
	for (;;) {
		const left = await workspaceProcesses(dir);
		if (left.length === 0 || Date.now() > deadline) {
			return left;
		}

		await sleep(100);
	}
}

/**
 * Undo the demo: the safe shutdown of its whole fleet (brains, then watchdogs, then services, as
 * `fleetdeck shutdown --yes` does), then the simulator and the workspace. Resolves true when no
 * process of the workspace is left.
 */
export async function teardownDemo(workspace: DemoWorkspace, say: Say): Promise<boolean> {
	let ok = true;
	if (workspace.controller) {
		say('shutting the demo fleet down (safe shutdown: brains, then watchdogs, then quantum_server)…');
		const controller = workspace.controller;
		const result = await controller.plan('shutdown', 'all').then(plan => controller.execute(plan, progress => {
			if (progress.status === 'done' || progress.status === 'failed') {
				say(`  ${printable(progress.message)}`);
			}
		})).catch((error: unknown) => ({ok: false, summary: error instanceof Error ? error.message : String(error)}));
		say(`  ${result.summary}`);
	}

	// The workspace path is a fresh random directory in every demo argv, so anything still carrying
	// it is the demo's own; even so each is re-verified right before it is killed.
	let left = await waitUntilGone(workspace.dir, 5000);
	if (left.length > 0) {
		const control = processPlatform();
		for (const entry of left) {
			if (compareIdentity(entry.startToken, await control.probe(entry.pid)) === 'same') {
				say(`  PID ${entry.pid} of the demo was still running: killing it`);
				await control.forceKill(entry.pid, false);
			}
		}

		left = await waitUntilGone(workspace.dir, 5000);
	}

	if (left.length > 0) {
		ok = false;
		say(`fleetdeck demo: could not stop PIDs ${left.map(entry => entry.pid).join(', ')}; the workspace ${workspace.dir} is kept`);
	}

	workspace.journal?.close();
	await workspace.sim?.close();
	if (ok) {
		rmSync(workspace.dir, {recursive: true, force: true});
		say('the demo fleet is down and its workspace removed');
	}

	return ok;
}
