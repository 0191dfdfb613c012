import type {BackoffConfig, RestartPolicy} from '../config/types.js';
import {exitCode, signalExitCode} from '../exit-codes.js';

/** What the supervisor remembers about past exits of its child. */
export interface RestartHistory {
	/** When each counted exit happened, epoch ms, oldest first (only those inside the crash-loop window are kept). */
	failures: number[];
	/** Counted exits since the child last stayed up for `resetAfterSeconds`: the backoff exponent. */
	consecutive: number;
}

export const freshHistory: RestartHistory = {failures: [], consecutive: 0};

/** One exit of the child. */
export interface ChildExit {
	code: number | null;
	signal: string | null;
	/** Epoch ms. */
	startedAt: number;
	/** Epoch ms. */
	exitedAt: number;
}

export type RestartDecision =
	| {action: 'exit'; reason: string}
	| {action: 'restart'; delayMs: number; reason: string; history: RestartHistory}
	| {action: 'crash-loop'; reason: string; history: RestartHistory};

export function describeExit(exit: Pick<ChildExit, 'code' | 'signal'>): string {
	return exit.signal === null ? `exit code ${exit.code ?? 'unknown'}` : `signal ${exit.signal}`;
}

/**
 * What to do after the child exited (DESIGN.md §6): restart per policy with exponential backoff
 * (initial × factor^n up to max, n reset once the child stayed up `resetAfterSeconds`), and give
 * up after `crashLoopFailures` counted exits within `crashLoopWindowSeconds`. Under `always` a
 * clean exit counts too, so a bot that exits at once cannot spin the supervisor hot.
 */
export function decideRestart(policy: RestartPolicy, backoff: BackoffConfig, history: RestartHistory, exit: ChildExit): RestartDecision {
	const failed = exit.code !== 0 || exit.signal !== null;
	const how = describeExit(exit);
	if (policy === 'never') {
		return {action: 'exit', reason: `the bot ended (${how}) and the restart policy is "never"`};
	}

	if (!failed && policy === 'on-failure') {
		return {action: 'exit', reason: 'the bot exited cleanly (exit code 0); restart policy "on-failure" does not restart it'};
	}

	const upMs = exit.exitedAt - exit.startedAt;
	const consecutive = upMs >= backoff.resetAfterSeconds * 1000 ? 0 : history.consecutive;
	const windowStart = exit.exitedAt - backoff.crashLoopWindowSeconds * 1000;
	const failures = [...history.failures.filter(at => at > windowStart), exit.exitedAt];
	const next: RestartHistory = {failures, consecutive: consecutive + 1};
	if (failures.length >= backoff.crashLoopFailures) {
		return {
			action: 'crash-loop',
			reason: `${failures.length} exits within ${backoff.crashLoopWindowSeconds} s (last: ${how}); gave up restarting`,
			history: next,
		};
	}

	const delayMs = Math.round(Math.min(backoff.initialSeconds * backoff.factor ** consecutive, backoff.maxSeconds) * 1000);
	return {
		action: 'restart',
		delayMs,
		reason: `${how}; restarting in ${delayMs / 1000} s (failure ${failures.length} of ${backoff.crashLoopFailures} within ${backoff.crashLoopWindowSeconds} s before giving up)`,
		history: next,
	};
}

/** The shell convention for a process's status: its exit code, or 128 + n when killed by signal n. */
export function exitStatus(exit: Pick<ChildExit, 'code' | 'signal'>, signalNumbers: Record<string, number | undefined>): number {
	if (exit.signal !== null) {
		return signalExitCode(signalNumbers[exit.signal] ?? 0);
	}

	return exit.code ?? exitCode.failed;
}
