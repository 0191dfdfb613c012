import {isConfigured} from '../config/resolve.js';
import type {ComponentConfig, FleetConfig, Role} from '../config/types.js';
import type {ComponentView, FleetSnapshot, ProcessView} from '../fleet/types.js';
import {isStale, provenByRecord} from '../locks/types.js';
import {findComponent} from './components.js';
import type {ActionKind, Plan, PlanStep, Scope, SkipReason, StopTarget} from './types.js';

/** An account named on the command line (or by the TUI) that the config does not have. */
export class UnknownAccountError extends Error {
	override name = 'UnknownAccountError';
}

/** Extra seconds a supervised bot gets, so its supervisor can escalate and release the lock itself. */
export const supervisorGraceSeconds = 2;

export const noBrokerContact = 'open trades are not touched; fleetdeck never contacts the broker';

/**
 * Validate account ids (or broker numbers) against the config: `all` when none are named. Without
 * a configured fleet, `inferred` holds the accounts the locks name (the snapshot's accounts).
 */
export function resolveScope(config: FleetConfig, accounts: readonly string[], inferred: readonly string[] = []): Scope {
	if (accounts.length === 0) {
		return 'all';
	}

	const candidates = isConfigured(config) ? config.accounts : inferred.map(id => ({id, number: id}));
	const ids = accounts.map(wanted => {
		const found = candidates.find(account => account.id === wanted || account.number === wanted);
		if (!found) {
			const known = candidates.map(account => account.id).join(', ');
			throw new UnknownAccountError(`unknown account "${wanted}"; ${known === '' ? (isConfigured(config) ? 'the config has no accounts' : 'no config, and no lock names an account') : `known accounts: ${known}`}`);
		}

		return found.id;
	});
	return {accounts: [...new Set(ids)]};
}

/** The components an action covers: the named accounts', or with `all` every account's and the services. */
function inScope(snapshot: FleetSnapshot, scope: Scope): ComponentView[] {
	if (scope === 'all') {
		return [...snapshot.services, ...snapshot.accounts.flatMap(account => account.components)];
	}

	return scope.accounts.flatMap(id => snapshot.accounts.find(account => account.id === id)?.components ?? []);
}

/** Shutdown order: the bot first, stop-loss protection after it is down, shared services last. */
const shutdownRank: Record<Role, number> = {brain: 0, other: 1, watchdog: 2, service: 3};

function byRank(rank: Record<Role, number>): (a: ComponentView, b: ComponentView) => number {
	return (a, b) => rank[a.role] - rank[b.role];
}

interface InstanceView {
	pid: number;
	top: ProcessView;
	processes: ProcessView[];
	holdsLock: boolean;
}

function instancesOf(view: ComponentView): InstanceView[] {
	const byTop = new Map<number, ProcessView[]>();
	for (const process of view.processes) {
		byTop.set(process.instance, [...(byTop.get(process.instance) ?? []), process]);
	}

	return [...byTop.entries()].map(([pid, processes]) => instanceOf(pid, processes));
}

function instanceOf(pid: number, processes: ProcessView[]): InstanceView {
	return {pid, top: processes.find(process => process.pid === pid) ?? processes[0]!, processes, holdsLock: processes.some(process => process.holdsLock)};
}

/**
 * Without a config a component is only a lock's file name, and its `match` is that name: any
 * local user's `bash.lock` would make every `bash` a target. So only what the lock record proves
 * (its holder or a supervisor's child, by recorded start token) is stopped: the topmost proven
 * process of the instance and what runs below it, not a wrapper above it that merely matches.
 * Undefined when nothing in the instance is proven so.
 */
function provenPart(view: ComponentView, instance: InstanceView): InstanceView | undefined {
	if (!provenByRecord(view.lock?.proof ?? null)) {
		return undefined;
	}

	const byPid = new Map(instance.processes.map(process => [process.pid, process]));
	const below = (process: ProcessView, ancestor: number): boolean => {
		const seen = new Set<number>();
		for (let current: ProcessView | undefined = process; current && !seen.has(current.pid); current = byPid.get(current.ppid)) {
			if (current.pid === ancestor) {
				return true;
			}

			seen.add(current.pid);
		}

		return false;
	};

	const holders = instance.processes.filter(process => process.holdsLock);
	const topmost = holders.find(holder => !holders.some(other => other !== holder && below(holder, other.pid)));
	return topmost && instanceOf(topmost.pid, instance.processes.filter(process => below(process, topmost.pid)));
}

/** An instance not stopped without a config; a refusal when it holds the lock (it is probably the bot, but not proven). */
function nameOnlySkip(view: ComponentView, instance: InstanceView): PlanStep {
	const lock = instance.holdsLock ? {recordPid: view.lock?.pid ?? null, byPattern: view.lock?.proof === 'match'} : null;
	return skip(`skip:${view.name}:${instance.pid}`, view, {why: 'name-only', pid: instance.pid, lock});
}

function stopTarget(view: ComponentView, component: ComponentConfig | undefined, instance: InstanceView, why: StopTarget['why'], timeoutSeconds: number | undefined): StopTarget {
	// A `fleetdeck run` supervisor is stopped with SIGTERM (it forwards the bot's own stop signal).
	// Its record has a child while the bot runs, and its supervisor state (restarts) always: a
	// supervisor in backoff or crash-loop has no child, and must not get the bot's stop signal.
	const supervised = instance.holdsLock && view.lock?.pid === instance.pid && (view.lock.child !== null || view.restarts !== null);
	const baseTimeout = component?.stopTimeoutSeconds ?? 30;
	return {
		component: view.name,
		account: view.account,
		pid: instance.pid,
		startToken: instance.top.startToken,
		pids: instance.processes.map(process => process.pid),
		why,
		lock: instance.holdsLock ? view.name : null,
		stopSignal: supervised ? 'SIGTERM' : component?.stopSignal ?? 'SIGTERM',
		stopTimeoutSeconds: timeoutSeconds ?? (supervised ? baseTimeout + supervisorGraceSeconds : baseTimeout),
	};
}

function stopStep(target: StopTarget): PlanStep {
	return {id: `stop:${target.component}:${target.pid}`, kind: 'stop', target};
}

function skip(id: string, view: ComponentView, reason: SkipReason): PlanStep {
	return {id, kind: 'skip', component: view.name, account: view.account, ...reason};
}

function summarize(kind: ActionKind, steps: PlanStep[]): string {
	const stops = steps.flatMap(step => (step.kind === 'stop' ? [`${step.target.component} PID ${step.target.pid}`] : []));
	const launches = steps.flatMap(step => (step.kind === 'launch' ? [step.target.component] : []));
	const clears = steps.flatMap(step => (step.kind === 'clear' ? [step.target.lock] : []));
	const parts: string[] = [];
	if (stops.length > 0) {
		parts.push(`stop ${stops.join(', then ')}`);
	}

	if (launches.length > 0) {
		parts.push(`start ${launches.join(', then ')}`);
	}

	if (clears.length > 0) {
		parts.push(`remove stale lock${clears.length === 1 ? '' : 's'} ${clears.join(', ')}`);
	}

	if (parts.length === 0) {
		parts.push(kind === 'launch' ? 'nothing to start' : kind === 'clear-stale' ? 'no stale locks to remove' : 'nothing to stop');
	}

	if (kind === 'shutdown' || kind === 'stop-duplicates') {
		parts.push(noBrokerContact);
	}

	return parts.join('; ');
}

function plan(kind: ActionKind, scope: Scope, steps: PlanStep[]): Plan {
	return {kind, scope, summary: summarize(kind, steps), destructive: steps.some(step => step.kind === 'stop' || step.kind === 'clear'), steps};
}

function clearStep(view: ComponentView): PlanStep | undefined {
	const lock = view.lock;
	if (!lock || !isStale(lock.verdict)) {
		return undefined;
	}

	return {id: `clear:${lock.name}`, kind: 'clear', target: {lock: lock.name, verdict: lock.verdict, reason: lock.reason}};
}

/**
 * SAFE_SHUTDOWN: every instance of every component in scope (the lock holder, duplicates and
 * unlocked copies, each named), brains first, then watchdogs, then services; stale locks of
 * components with nothing left running are removed.
 */
export function planShutdown(snapshot: FleetSnapshot, config: FleetConfig, scope: Scope, options: {timeoutSeconds?: number} = {}): Plan {
	const steps: PlanStep[] = [];
	const configured = isConfigured(config);
	for (const view of inScope(snapshot, scope).sort(byRank(shutdownRank))) {
		const component = findComponent(config, view.name);
		const instances = instancesOf(view);
		const anyHolder = instances.some(instance => instance.holdsLock);
		for (const instance of instances) {
			const why = instance.holdsLock ? 'component' : anyHolder ? 'duplicate' : 'unlocked';
			const target = configured ? instance : provenPart(view, instance);
			steps.push(target ? stopStep(stopTarget(view, component, target, why, options.timeoutSeconds)) : nameOnlySkip(view, instance));
		}

		const lock = view.lock;
		if (instances.length === 0 && lock) {
			const clear = clearStep(view);
			if (clear) {
				steps.push(clear);
			} else {
				// A live lock whose holder the process table does not show cannot be stopped from here:
				// that is a failure to report (skipRefuses), not a success. Remote or unverifiable locks are only noted.
				steps.push(skip(`skip:${view.name}`, view, {why: 'not-visible', verdict: lock.verdict, lockReason: lock.reason}));
			}
		}
	}

	return plan('shutdown', scope, steps);
}

/**
 * Which of two instances started first, by start token, when their whole-second uptimes tie: a
 * start token (Linux: clock ticks since boot; elsewhere: creation time in ms) grows with start time.
 */
function startOrder(a: InstanceView, b: InstanceView): number {
	const [first, second] = [Number(a.top.startToken), Number(b.top.startToken)];
	return a.top.startToken !== null && b.top.startToken !== null && Number.isFinite(first) && Number.isFinite(second) ? first - second : 0;
}

/** For each component with more than one instance: keep the lock holder's (else the oldest), stop the rest. */
export function planStopDuplicates(snapshot: FleetSnapshot, config: FleetConfig, scope: Scope, options: {timeoutSeconds?: number} = {}): Plan {
	const steps: PlanStep[] = [];
	for (const view of inScope(snapshot, scope).sort(byRank(shutdownRank))) {
		const instances = instancesOf(view);
		if (instances.length < 2) {
			continue;
		}

		const oldest = [...instances].sort((a, b) => (b.top.uptimeSeconds ?? -1) - (a.top.uptimeSeconds ?? -1) || startOrder(a, b) || a.pid - b.pid)[0]!;
		const keep = instances.find(instance => instance.holdsLock) ?? oldest;
		steps.push(skip(`keep:${view.name}:${keep.pid}`, view, {why: 'kept', pid: keep.pid, holdsLock: keep.holdsLock}));
		const component = findComponent(config, view.name);
		for (const instance of instances) {
			if (instance !== keep) {
				// Without a config, a copy that does not hold the lock is known by its name alone.
				steps.push(isConfigured(config) ? stopStep(stopTarget(view, component, instance, 'duplicate', options.timeoutSeconds)) : nameOnlySkip(view, instance));
			}
		}
	}

	return plan('stop-duplicates', scope, steps);
}

/** Start order: shared services first, then the stop-loss watchdogs, then the bots. */
const launchRank: Record<Role, number> = {service: 0, watchdog: 1, other: 2, brain: 3};

/** Why a component must not (or need not) be launched now; undefined when it should be. */
function launchVerdict(view: ComponentView): SkipReason | undefined {
	const lock = view.lock;
	const pids = [...new Set(view.processes.map(process => process.instance))];
	if (pids.length > 1) {
		return {why: 'duplicates-running', pids};
	}

	if (pids.length === 1 && !view.processes.some(process => process.holdsLock)) {
		return {why: 'unlocked-copy', pids};
	}

	if (lock?.verdict === 'live') {
		return {why: 'already-running', state: view.state, holderPid: lock.pid};
	}

	if (lock?.verdict === 'remote' || lock?.verdict === 'remote-expired') {
		return {why: 'held-remotely', hostname: lock.hostname, lockReason: lock.reason};
	}

	if (lock && !isStale(lock.verdict)) {
		return {why: 'lock-unverifiable', verdict: lock.verdict, lockReason: lock.reason};
	}

	return undefined;
}

/** MASTER_LAUNCH: every enabled component in scope that is not already live, services first. */
export function planLaunch(snapshot: FleetSnapshot, scope: Scope): Plan {
	const steps: PlanStep[] = [];
	for (const view of inScope(snapshot, scope).sort(byRank(launchRank))) {
		const id = `launch:${view.name}`;
		if (!view.enabled) {
			steps.push(skip(id, view, {why: 'disabled'}));
			continue;
		}

		const verdict = launchVerdict(view);
		if (verdict) {
			steps.push(skip(id, view, verdict));
			continue;
		}

		steps.push({id, kind: 'launch', target: {component: view.name, account: view.account, staleLock: view.lock?.verdict ?? null}});
	}

	return plan('launch', scope, steps);
}

/** Every lock in scope proven stale. */
export function planClearStale(snapshot: FleetSnapshot, scope: Scope): Plan {
	const steps = inScope(snapshot, scope).flatMap(view => clearStep(view) ?? []);
	if (scope === 'all') {
		// Locks of no configured component are litter too.
		const claimed = new Set(steps.map(step => (step.kind === 'clear' ? step.target.lock : '')));
		const known = new Set(inScope(snapshot, scope).map(view => view.name));
		for (const lock of snapshot.locks) {
			if (isStale(lock.verdict) && !claimed.has(lock.name) && !known.has(lock.name)) {
				steps.push({id: `clear:${lock.name}`, kind: 'clear', target: {lock: lock.name, verdict: lock.verdict, reason: lock.reason}});
			}
		}
	}

	return plan('clear-stale', scope, steps);
}
