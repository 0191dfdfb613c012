import os from 'node:os';
import type {FleetConfig} from '../config/types.js';
import {gatherSnapshot, judgeContext} from '../fleet/gather.js';
import {lockClearedEvent} from '../journal/fleet-events.js';
import type {Journal} from '../journal/types.js';
import {clearStaleLock, writePlannedStop} from '../locks/index.js';
import {findComponent} from './components.js';
import {launchComponent, settleLaunched, type Settling} from './launch.js';
import {planClearStale, planLaunch, planShutdown, planStopDuplicates} from './plan.js';
import {processPlatform} from '../procs/platform/index.js';
import type {ProcessPlatform} from '../runtime/ports.js';
import {stopInstance} from './stop.js';
import {skipAction, skipReason, skipRefuses, stepLabel} from './steps.js';
import type {ActionResult, Controller, Plan, PlanStep, StepProgress, StepStatus} from './types.js';

export interface ControllerOptions {
	journal: Journal;
	/** The fleetdeck CLI script that `launch` starts supervisors with (`dist/source/cli.js`). */
	cliPath: string;
	/** Overrides every target's stop timeout (`shutdown --timeout S`). */
	stopTimeoutSeconds?: number;
	/** Where processes are read, started and stopped; default: this OS's. */
	platform?: ProcessPlatform;
	/** How long a launch waits for each supervisor's lock; default 20 s. */
	launchWaitMs?: number;
}

/** `settle`: a component this step started, to be watched through its settle window. */
type StepOutcome = {status: StepStatus; message: string; settle?: Settling};

/**
 * The one implementation of launch, shutdown, stop-duplicates and clear-stale, used by the CLI
 * commands and the TUI alike: `plan` reads the fleet once and says exactly what would happen;
 * `execute` carries the steps out one by one, in order, re-verifying every process before it
 * signals it (a plan may be minutes old by the time the operator confirms it).
 */
export function createController(config: FleetConfig, options: ControllerOptions): Controller {
	const {journal} = options;
	const platform = options.platform ?? processPlatform();
	const context = judgeContext(config, platform);

	/**
	 * After `shutdown` stopped a component: record that it is down on purpose, by whom and when, so
	 * the deck shows it `stopped` (ok) rather than "not running" (crit) until it is launched again.
	 * The stop itself succeeded either way; a marker that cannot be written is said, not fatal.
	 */
	function markPlannedStop(component: string): string {
		let who: string;
		try {
			who = os.userInfo().username;
		} catch {
			who = `uid ${process.getuid?.() ?? '?'}`;
		}

		try {
			writePlannedStop(config.locksDir, component, {by: `${who}@${os.hostname()} (fleetdeck shutdown)`, at: new Date().toISOString()});
			return '';
		} catch (error) {
			return `; its planned-stop marker could not be written (${error instanceof Error ? error.message : String(error)}), so it shows as not running`;
		}
	}

	async function runStep(step: PlanStep, kind: Plan['kind'], report: (status: StepStatus, message: string) => void): Promise<StepOutcome> {
		switch (step.kind) {
			case 'skip': {
				const refused = skipRefuses(step);
				const message = `${stepLabel(step)}: ${skipReason(step)}`;
				if (skipAction[step.why] === 'launch') {
					journal.record({kind: 'launch.skipped', level: refused ? 'warn' : 'info', message, account: step.account, component: step.component});
				} else if (refused) {
					journal.record({kind: 'stop.failed', message, account: step.account, component: step.component});
				}

				return {status: refused ? 'failed' : 'skipped', message: skipReason(step)};
			}

			case 'stop': {
				const result = await stopInstance(step.target, {control: platform, readTable: async () => (await platform.table()).processes, journal, locksDir: config.locksDir, context}, report);
				if (result.ok && kind === 'shutdown' && step.target.why === 'component') {
					return {status: 'done', message: `${result.message}${markPlannedStop(step.target.component)}`};
				}

				return {status: result.ok ? 'done' : 'failed', message: result.message};
			}

			case 'launch': {
				const component = findComponent(config, step.target.component);
				if (!component) {
					return {status: 'failed', message: `${step.target.component} is not in the config`};
				}

				const result = await launchComponent(component, {config, cliPath: options.cliPath, journal, context, waitMs: options.launchWaitMs, platform}, message => {
					report('waiting', message);
				});
				const outcome: StepOutcome = {status: result.ok ? (result.already ? 'skipped' : 'done') : 'failed', message: result.message};
				if (outcome.status === 'done' && result.pid !== null && config.launchSettleSeconds > 0) {
					outcome.settle = {component, pid: result.pid, until: Date.now() + config.launchSettleSeconds * 1000};
				}

				return outcome;
			}

			case 'clear': {
				const outcome = await clearStaleLock(config.locksDir, step.target.lock, context);
				if (outcome.result === 'removed') {
					journal.record(lockClearedEvent(outcome.judged, 'the deck'));
					return {status: 'done', message: `removed ${step.target.lock}.lock (${outcome.judged.verdict}: ${outcome.judged.reason})`};
				}

				return {status: 'skipped', message: outcome.result === 'missing' ? 'already gone' : outcome.reason};
			}
		}
	}

	/**
	 * A step that threw (an unreadable locks directory, a spawn that failed outright) fails with its
	 * cause, and the plan goes on with the next step. A stop or a launch that failed so is journaled
	 * like any other failed stop or launch; a failed clear has no event of its own (nothing changed),
	 * its cause is in the step's message.
	 */
	function failedStep(step: PlanStep, error: unknown): StepOutcome {
		const message = error instanceof Error ? error.message : String(error);
		if (step.kind === 'stop' || step.kind === 'launch') {
			journal.record({kind: step.kind === 'stop' ? 'stop.failed' : 'launch.failed', message: `${stepLabel(step)}: ${message}`, account: step.target.account, component: step.target.component});
		}

		return {status: 'failed', message};
	}

	return {
		async plan(kind, scope) {
			const snapshot = await gatherSnapshot(config, {platform});
			switch (kind) {
				case 'launch': {
					return planLaunch(snapshot, scope);
				}

				case 'shutdown': {
					return planShutdown(snapshot, config, scope, {timeoutSeconds: options.stopTimeoutSeconds});
				}

				case 'stop-duplicates': {
					return planStopDuplicates(snapshot, config, scope, {timeoutSeconds: options.stopTimeoutSeconds});
				}

				case 'clear-stale': {
					return planClearStale(snapshot, scope);
				}
			}
		},

		async execute(plan: Plan, onProgress?: (progress: StepProgress) => void): Promise<ActionResult> {
			const steps: ActionResult['steps'] = [];
			// Started components settle together, one role group at a time: every service is
			// watched through its window before the first watchdog starts, and so on. The windows
			// of one group overlap, so a launch of eleven components waits three windows, not eleven.
			let settling: Array<{stepId: string; settle: Settling}> = [];
			const settle = async () => {
				const failures = await settleLaunched(settling.map(entry => entry.settle), {config, journal, context});
				for (const {stepId, settle: {component}} of settling) {
					const failure = failures.get(component.name);
					const entry = steps.find(done => done.id === stepId);
					if (entry && failure !== undefined) {
						entry.status = 'failed';
						entry.message = failure;
					}

					if (entry) {
						onProgress?.({stepId, status: entry.status, message: entry.message});
					}
				}

				settling = [];
			};

			for (const step of plan.steps) {
				const report = (status: StepStatus, message: string) => {
					onProgress?.({stepId: step.id, status, message});
				};

				const role = step.kind === 'launch' ? findComponent(config, step.target.component)?.role : undefined;
				if (role !== undefined && settling.some(entry => entry.settle.component.role !== role)) {
					await settle();
				}

				const label = stepLabel(step);
				report('running', label);
				const {settle: started, ...outcome} = await runStep(step, plan.kind, report).catch((error: unknown): StepOutcome => failedStep(step, error));
				steps.push({id: step.id, label, ...outcome});
				if (started) {
					// Not done until its window has passed: the deck shows it waiting, then done or failed.
					report('waiting', `${outcome.message}; making sure it stays up for ${config.launchSettleSeconds} s`);
					settling.push({stepId: step.id, settle: started});
				} else {
					report(outcome.status, outcome.message);
				}
			}

			if (settling.length > 0) {
				await settle();
			}

			const failed = steps.filter(step => step.status === 'failed').length;
			const done = steps.filter(step => step.status === 'done').length;
			const skipped = steps.filter(step => step.status === 'skipped').length;
			return {
				kind: plan.kind,
				ok: failed === 0,
				summary: `${plan.kind}: ${done} done, ${skipped} skipped, ${failed} failed`,
				steps,
			};
		},
	};
}
