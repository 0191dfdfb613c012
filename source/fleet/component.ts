import type {ComponentConfig} from '../config/types.js';
import type {PlannedStop} from '../locks/planned-stop.js';
import {isStale, type LockInspection} from '../locks/types.js';
import {groupInstances, matchProcesses, type Instance} from '../procs/index.js';
import type {ProcessInfo} from '../procs/types.js';
import {redactCommandLine} from '../text/redact.js';
import type {ComponentView, LockView, Problem, ProcessView} from './types.js';
import {worst, type ComponentState, type Level} from '../vocabulary.js';

/**
 * What the snapshot needs to know about one component, whether configured or inferred from a lock.
 * `inferred`: known only from a lockfile (no config), so nothing says it must be running: a stale
 * lock it left alone is a warning, not a component down.
 */
export type ComponentSpec = Pick<ComponentConfig, 'name' | 'role' | 'account' | 'enabled' | 'match'> & {inferred?: boolean};

export interface ComponentFacts {
	spec: ComponentSpec;
	lock: LockInspection | null;
	/** The planned stop on record for it: down on purpose since a `fleetdeck shutdown`. */
	plannedStop: PlannedStop | null;
	processes: ProcessInfo[];
	now: number;
	selfPid: number;
}

/**
 * A time from a lock record as ISO 8601; null when it is none `Date` can format. The parser only
 * hands out times within 2000–2200; this keeps one view total even for a record built elsewhere.
 */
function isoTime(epochMs: number | null | undefined): string | null {
	if (typeof epochMs !== 'number') {
		return null;
	}

	const date = new Date(epochMs);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function lockView(lock: LockInspection, now: number): LockView {
	const record = lock.record;
	const createdAtMs = record?.createdAt ?? null;
	const createdAt = isoTime(createdAtMs);
	return {
		name: lock.name,
		verdict: lock.verdict,
		reason: lock.reason,
		pid: record?.pid ?? null,
		account: record?.account ?? null,
		hostname: record?.hostname ?? null,
		createdAt,
		heartbeatAt: isoTime(record?.heartbeatAt),
		token: record?.token ?? null,
		format: record?.format ?? null,
		child: record?.child ?? null,
		orphaned: lock.orphaned,
		proof: lock.proof,
		ageSeconds: createdAt === null || createdAtMs === null ? null : Math.max(0, Math.round((now - createdAtMs) / 1000)),
		path: lock.path,
	};
}

/**
 * Whether a process of the table is one the verdict proved to hold the lock (the recorded holder
 * or a supervisor's child), by PID and by the start token it was proven with. `gatherSnapshot`
 * judges locks against the very table it passes here, so the two agree; the token check keeps
 * the rule true for locks judged elsewhere (a PID reused in between does not inherit the lock).
 * A PID the record merely names (a reused supervisor PID beside its orphan, a child never
 * confirmed) holds nothing.
 */
function holdsLock(lock: LockInspection | null, process: ProcessInfo): boolean {
	return lock?.verdict === 'live' && lock.holders.some(holder => holder.pid === process.pid && (holder.startToken === null || holder.startToken === process.startToken));
}

function pidList(instances: Instance[]): string {
	return instances.map(instance => instance.pid).join(', ');
}

interface Judgement {
	state: ComponentState;
	level: Level;
	problems: Array<Omit<Problem, 'account' | 'component'>>;
}

/**
 * The rules of DESIGN.md §5 for one component: how many instances run, whether one of them
 * holds a live lock, and what the lock's verdict says when none does.
 */
function judgeComponent(spec: ComponentSpec, lock: LockInspection | null, instances: Instance[], holder: Instance | undefined, plannedStop: PlannedStop | null): Judgement {
	const {name} = spec;
	const problems: Judgement['problems'] = [];
	const verdict = lock?.verdict;
	const lockIsStale = verdict !== undefined && isStale(verdict);
	if (lockIsStale && lock) {
		problems.push({level: 'warn', code: 'stale-lock', message: `${name}: stale lock (${verdict}): ${lock.reason}`});
	}

	if (instances.length > 1) {
		const held = holder ? `the lock is held by PID ${holder.pid}` : 'none of them holds the lock';
		const processCount = instances.reduce((sum, instance) => sum + instance.processes.length, 0);
		problems.push({
			level: 'crit',
			code: 'duplicate',
			message: `${instances.length} copies of ${name} are running (${processCount} processes; instances ${pidList(instances)}); ${held}`,
		});
		return {state: 'duplicate', level: 'crit', problems};
	}

	const [instance] = instances;
	if (instance) {
		if (holder) {
			return judgeHeld(spec, lock, instance, problems);
		}

		if (verdict === 'remote' || verdict === 'remote-expired') {
			problems.push({
				level: 'warn',
				code: 'unlocked',
				message: `${name} runs here as PID ${instance.pid} while its lock is held on ${lock?.record?.hostname ?? 'another host'}`,
			});
			return {state: 'unlocked', level: 'warn', problems};
		}

		if (verdict === 'writing' || verdict === 'unknown') {
			problems.push({level: 'unknown', code: 'lock-unknown', message: `${name} runs as PID ${instance.pid}; its lock cannot be verified: ${lock?.reason ?? ''}`});
			return {state: 'unknown', level: 'unknown', problems};
		}

		problems.push({level: 'warn', code: 'unlocked', message: `${name} runs as PID ${instance.pid} without holding its lock`});
		return {state: 'unlocked', level: 'warn', problems};
	}

	// Nothing runs here.
	if (verdict === 'remote') {
		problems.push({level: 'unknown', code: 'remote-lock', message: `${name} is held on host ${lock?.record?.hostname ?? '?'}; it cannot be checked from here`});
		return {state: 'remote', level: 'unknown', problems};
	}

	if (verdict === 'remote-expired') {
		problems.push({level: 'warn', code: 'remote-lock-expired', message: `${name}: ${lock?.reason ?? 'remote lock heartbeat expired'}`});
		return {state: 'remote', level: 'warn', problems};
	}

	if (verdict === 'writing') {
		return {state: 'starting', level: 'ok', problems};
	}

	if (verdict === 'unknown' || verdict === 'live') {
		// A live verdict whose holder is not in the process table (locks judged apart from this
		// table, or a process we may not see). Doubt means held.
		const held = lock?.record ? `lock held by PID ${lock.record.pid}, which cannot be verified` : 'its lock cannot be verified';
		problems.push({level: 'unknown', code: 'lock-unknown', message: `${name}: ${held}: ${lock?.reason ?? ''}`});
		return {state: 'unknown', level: 'unknown', problems};
	}

	// Only a configured, enabled component must run; one inferred from its lock may have been
	// stopped on purpose, and one `fleetdeck shutdown` stopped was (until it is launched again).
	const required = spec.enabled && spec.inferred !== true && plannedStop === null;
	if (required) {
		problems.push({level: 'crit', code: 'not-running', message: `${name} is not running`});
	}

	const level = required ? 'crit' : lockIsStale ? 'warn' : 'ok';
	return {state: lockIsStale ? 'stale-lock' : 'stopped', level, problems};
}

function judgeHeld(spec: ComponentSpec, lock: LockInspection | null, instance: Instance, problems: Judgement['problems']): Judgement {
	const {name} = spec;
	if (lock?.orphaned) {
		problems.push({level: 'warn', code: 'orphaned', message: `${name}: ${lock.reason}`});
		return {state: 'orphaned', level: 'warn', problems};
	}

	switch (lock?.record?.supervisor?.state) {
		case 'backoff': {
			problems.push({level: 'warn', code: 'backoff', message: `${name} crashed and waits to restart (restart ${lock.record.supervisor.restarts})`});
			return {state: 'backoff', level: 'warn', problems};
		}

		case 'crash-loop': {
			problems.push({level: 'crit', code: 'crash-loop', message: `${name} is in a crash loop; its supervisor (PID ${instance.pid}) gave up restarting it`});
			return {state: 'crash-loop', level: 'crit', problems};
		}

		case 'starting': {
			return {state: 'starting', level: 'ok', problems};
		}

		default: {
			return {state: 'running', level: 'ok', problems};
		}
	}
}

export function buildComponent(facts: ComponentFacts): {view: ComponentView; problems: Problem[]} {
	const {spec, lock, plannedStop, processes, now, selfPid} = facts;
	const matching = matchProcesses(processes, spec.match, {excludePids: new Set([selfPid])});
	// The lock's holder counts even when its command line does not match (a mis-set `match`
	// must not hide a running copy and invite a second one).
	for (const process of processes) {
		if (holdsLock(lock, process) && !matching.includes(process)) {
			matching.push(process);
		}
	}

	const instances = groupInstances(matching, processes);
	const holder = instances.find(instance => instance.processes.some(process => holdsLock(lock, process)));
	const judgement = judgeComponent(spec, lock, instances, holder, plannedStop);

	const processViews: ProcessView[] = instances.flatMap(instance =>
		instance.processes.map(process => ({
			pid: process.pid,
			ppid: process.ppid,
			instance: instance.pid,
			command: redactCommandLine(process.command),
			startToken: process.startToken,
			cpu: process.cpu,
			memoryBytes: process.memoryBytes,
			uptimeSeconds: process.startedAt === null ? null : Math.max(0, Math.round((now - process.startedAt) / 1000)),
			holdsLock: holdsLock(lock, process),
		})),
	);

	const view: ComponentView = {
		name: spec.name,
		role: spec.role,
		account: spec.account,
		enabled: spec.enabled,
		state: judgement.state,
		level: worst(judgement.level, ...judgement.problems.map(problem => problem.level)),
		instances: instances.length,
		lock: lock ? lockView(lock, now) : null,
		processes: processViews,
		restarts: lock?.record?.supervisor?.restarts ?? null,
		// Only while it is what explains the component's state: a copy running meanwhile outranks it.
		plannedStop: judgement.state === 'stopped' ? plannedStop : null,
		health: null,
	};
	const problems = judgement.problems.map(problem => ({...problem, account: spec.account, component: spec.name}));
	return {view, problems};
}
