import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {type FleetConfig, loadConfig} from '../runtime/config.js';
import {cliPath, compareIdentity, type Controller, createController, stepLabel} from '../runtime/control.js';
import {processPlatform} from '../runtime/processes.js';
import {type FleetSnapshot, gatherSnapshot, judgeContext} from '../runtime/snapshot.js';
import {openJournal} from '../runtime/journal.js';
import {inspect} from '../runtime/locks.js';
import {startBrokerSim, type SimAccountInit} from './broker-sim/server.js';
import {demoAccounts, demoConfig} from './demo-config.js';
import {fakeBotPath, type DemoWorkspace, type Say} from './workspace.js';

/** The BG_CHALLENGE position the broker closes on its stop-loss while the bot still holds it. */
const closedPosition = {id: 6012, reason: 'SL', profit: -41.2};

const simAccounts: SimAccountInit[] = demoAccounts.map(account =>
	account.id === 'BG_CHALLENGE'
		? {
			...account,
			positions: [
				{ticket: 6011, identifier: 6011, symbol: 'BTCUSD', side: 'buy', volume: 0.1, sl: 61_000, tp: 66_000},
				{ticket: closedPosition.id, identifier: closedPosition.id, symbol: 'XAUUSD', side: 'sell', volume: 0.2, sl: 2450, tp: 2300},
			],
		}
		: {...account},
);

/** Thrown when a signal cuts staging short; the caller tears down what was set up. */
export class DemoAborted extends Error {
	override name = 'DemoAborted';
}

function checkAborted(signal: AbortSignal): void {
	if (signal.aborted) {
		throw new DemoAborted(`stopped by ${String(signal.reason)}`);
	}
}

/** Launch the whole fleet through the controller, one step at a time so a signal can stop it between two. */
async function launchFleet(controller: Controller, say: Say, signal: AbortSignal): Promise<void> {
	const plan = await controller.plan('launch', 'all');
	for (const step of plan.steps) {
		checkAborted(signal);
		if (step.kind === 'skip') {
			continue;
		}

		say(`  ${stepLabel(step)}…`);
		const result = await controller.execute({...plan, steps: [step]});
		const outcome = result.steps[0];
		if (outcome?.status !== 'done') {
			throw new Error(`the demo could not ${stepLabel(step)}: ${outcome?.message ?? 'no result'}`);
		}
	}
}

/** The duplicate of the incident: a second BRAIN_ATLAS started by hand, outside any lock. */
function startDuplicateBrain(workspace: DemoWorkspace, config: FleetConfig): void {
	const brain = config.accounts.find(account => account.id === 'ATLAS')?.components.find(component => component.role === 'brain');
	if (!brain) {
		throw new Error('the demo config has no ATLAS brain');
	}

	const [file = process.execPath, ...args] = brain.command;
	// Detached, so it outlives nothing of ours by accident: the demo's shutdown stops it like any other copy.
	const child = spawn(file, args, {cwd: workspace.dir, detached: true, stdio: 'ignore'});
	child.unref();
}

/**
 * A crash that leaves a lock behind: WATCHDOG_FTMO's supervisor and then its bot are killed
 * outright, each after checking it is still the process its lock recorded.
 */
async function crashFtmoWatchdog(config: FleetConfig): Promise<void> {
	const lock = await inspect(config.locksDir, 'WATCHDOG_FTMO', judgeContext(config));
	const record = lock?.verdict === 'live' ? lock.record : null;
	if (!record) {
		throw new Error(`WATCHDOG_FTMO's lock is ${lock ? `${lock.verdict} (${lock.reason})` : 'missing'}, expected live`);
	}

	const control = processPlatform();
	for (const holder of [{pid: record.pid, startToken: record.startToken}, record.child]) {
		if (!holder) {
			continue;
		}

		if (compareIdentity(holder.startToken, await control.probe(holder.pid)) === 'same') {
			await control.forceKill(holder.pid, false);
		}
	}
}

function staged(snapshot: FleetSnapshot): boolean {
	const component = (name: string) => snapshot.accounts.flatMap(account => account.components).find(candidate => candidate.name === name);
	return (component('BRAIN_ATLAS')?.instances ?? 0) > 1 && component('WATCHDOG_FTMO')?.state === 'stale-lock';
}

/**
 * Set the demo up in its workspace: the broker simulator, the config, the fleet launched through
 * the real launch path, then the staged incidents. Resolves once they are visible.
 */
export async function stageDemo(workspace: DemoWorkspace, say: Say, signal: AbortSignal): Promise<FleetConfig> {
	say(`fleetdeck demo: workspace ${workspace.dir}`);
	say('starting the broker simulator…');
	const sim = await startBrokerSim({accounts: simAccounts});
	workspace.sim = sim;
	checkAborted(signal);

	const configFile = path.join(workspace.dir, 'fleetdeck.config.json');
	const text = JSON.stringify(demoConfig({workspace: workspace.dir, nodePath: process.execPath, fakeBotPath, statusUrl: id => sim.url(id), healthUrl: `${sim.baseUrl}/health`}), null, '\t');
	writeFileSync(configFile, `${text}\n`);
	const config = loadConfig({config: configFile, cwd: workspace.dir});
	workspace.config = config;
	workspace.journal = openJournal(config.journal);
	workspace.controller = createController(config, {journal: workspace.journal, cliPath});

	say('launching the fleet (quantum_server, then the watchdogs, then the brains), each under `fleetdeck run`…');
	await launchFleet(workspace.controller, say, signal);

	checkAborted(signal);
	say('staging: a second BRAIN_ATLAS started by hand, outside its lock (a duplicate)…');
	startDuplicateBrain(workspace, config);
	say('staging: WATCHDOG_FTMO and its supervisor killed with SIGKILL (a stale lock left behind)…');
	await crashFtmoWatchdog(config);
	say('staging: GL_3\'s broker connection dropped…');
	sim.script('GL_3', {action: 'disconnect'});
	say(`staging: the broker closes BG_CHALLENGE position ${closedPosition.id} on its stop-loss; the bot still holds it…`);
	sim.script('BG_CHALLENGE', {action: 'close', positionId: closedPosition.id, reason: closedPosition.reason, profit: closedPosition.profit});

	const deadline = Date.now() + 20_000;
	while (!staged(await gatherSnapshot(config))) {
		checkAborted(signal);
		if (Date.now() > deadline) {
			throw new Error('the staged duplicate and stale lock did not show within 20 s');
		}

		await sleep(100);
	}

	say('staged: BG_INSTANT healthy, BG_CHALLENGE drift, ATLAS duplicate, GL_3 disconnected, FTMO stale lock');
	return config;
}
