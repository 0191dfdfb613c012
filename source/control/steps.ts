import type {PlanStep, SkipReason, SkipStep, SkipWhy, StopTarget} from './types.js';

/** Which action a skip reason belongs to: its journal kind follows it (`launch.skipped` or `stop.failed`). */
export const skipAction: Record<SkipWhy, 'launch' | 'stop'> = {
	'already-running': 'launch',
	disabled: 'launch',
	'duplicates-running': 'launch',
	'unlocked-copy': 'launch',
	'held-remotely': 'launch',
	'lock-unverifiable': 'launch',
	'name-only': 'stop',
	'not-visible': 'stop',
	kept: 'stop',
};

/**
 * Whether a skip is a refusal: something had to be done and could not be, so the action does not
 * succeed (exit 1, a failed step). A name-only instance is refused when it holds the lock (it is
 * probably the bot, but not proven); a lock with nothing visible is refused when it is live.
 */
export function skipRefuses(step: SkipReason): boolean {
	switch (step.why) {
		case 'already-running':
		case 'disabled':
		case 'kept': {
			return false;
		}

		case 'duplicates-running':
		case 'unlocked-copy':
		case 'held-remotely':
		case 'lock-unverifiable': {
			return true;
		}

		case 'name-only': {
			return step.lock !== null;
		}

		case 'not-visible': {
			return step.verdict === 'live';
		}
	}
}

const nameOnlyReason = 'matched by name only; not stopped without a config';

/** Why a step is skipped, in operator words. */
export function skipReason(step: SkipStep): string {
	const account = step.account ? ` ${step.account}` : '';
	switch (step.why) {
		case 'already-running': {
			return `already running (${step.state}, lock held by PID ${step.holderPid ?? '?'})`;
		}

		case 'disabled': {
			return 'disabled in the config';
		}

		case 'duplicates-running': {
			return `${step.pids.length} copies are running (PIDs ${step.pids.join(', ')}); run "fleetdeck stop-duplicates${account}" first`;
		}

		case 'unlocked-copy': {
			return `a copy runs without its lock (PID ${step.pids.join(', ')}); stop it first ("fleetdeck shutdown${account}")`;
		}

		case 'held-remotely': {
			return `its lock is held on host ${step.hostname ?? '?'} (${step.lockReason}); it is not started here`;
		}

		case 'lock-unverifiable': {
			return `its lock cannot be verified (${step.verdict}: ${step.lockReason}); doubt means held`;
		}

		case 'name-only': {
			const proof = step.lock === null ? '' : ` (its lock record names PID ${step.lock.recordPid ?? '?'} but proves it by ${step.lock.byPattern ? 'a pattern' : 'its name'} only, with no start token)`;
			return `${nameOnlyReason}${proof}`;
		}

		case 'not-visible': {
			return `its lock is ${step.verdict} (${step.lockReason}) and no process of it is visible here`;
		}

		case 'kept': {
			return step.holdsLock ? 'it holds the lock' : 'no copy holds a live lock; it is the oldest';
		}
	}
}

function skipLabel(step: SkipStep): string {
	switch (step.why) {
		case 'already-running': {
			return `${step.component}: already running`;
		}

		case 'disabled': {
			return `${step.component}: not started`;
		}

		case 'duplicates-running':
		case 'unlocked-copy':
		case 'held-remotely':
		case 'lock-unverifiable': {
			return `${step.component}: refused`;
		}

		case 'name-only': {
			return `${step.component} PID ${step.pid}: not stopped`;
		}

		case 'not-visible': {
			return `${step.component}: not stopped`;
		}

		case 'kept': {
			return `keep ${step.component} PID ${step.pid}`;
		}
	}
}

function stopLabel(target: StopTarget): string {
	const processes = target.pids.length > 1 ? ` (${target.pids.length} processes: ${target.pids.join(', ')})` : '';
	const why = target.why === 'duplicate' ? ' (duplicate)' : target.why === 'unlocked' ? ' (running without its lock)' : '';
	return `stop ${target.component} PID ${target.pid}${processes}${why}`;
}

/** The one place a step's words come from: the plan, the confirmation, the progress view and the journal use it. */
export function stepLabel(step: PlanStep): string {
	switch (step.kind) {
		case 'stop': {
			return stopLabel(step.target);
		}

		case 'launch': {
			return `start ${step.target.component}${step.target.staleLock === null ? '' : ` (taking over its stale lock: ${step.target.staleLock})`}`;
		}

		case 'clear': {
			return `remove stale lock ${step.target.lock} (${step.target.verdict})`;
		}

		case 'skip': {
			return skipLabel(step);
		}
	}
}

/** The component (for a clear step: the lock) a step is about. */
export function stepComponent(step: PlanStep): string {
	return step.kind === 'skip' ? step.component : step.kind === 'clear' ? step.target.lock : step.target.component;
}
