import type {Matcher} from './matcher.js';
import type {ProcessInfo} from './types.js';

/** One running copy of a component: a chain of matching processes, named by its topmost one. */
export interface Instance {
	/** The topmost matching process; the PID that names this instance. */
	pid: number;
	/** Every matching process of this copy, topmost first, then by depth below it. */
	processes: ProcessInfo[];
	/** When the topmost process started (else the earliest known start), epoch ms; null when unknown. */
	startedAt: number | null;
}

/** Options for {@link matchProcesses}. */
export interface MatchOptions {
	/** PIDs never to count as a match (e.g. fleetdeck's own helpers). `process.pid` is always excluded. */
	excludePids?: ReadonlySet<number>;
}

/**
 * The processes whose command line matches `match`. Never fleetdeck itself, and never a process
 * whose argv is empty (kernel threads, zombies, processes whose command line we may not read):
 * with no command line there is nothing to prove it is the component. Every command line on the
 * host, whoever started it, goes through `match`: it runs in linear time on a capped prefix
 * (see matcher.ts), so no process can stall a poll.
 */
export function matchProcesses(processes: ProcessInfo[], match: Matcher, options: MatchOptions = {}): ProcessInfo[] {
	return processes.filter(candidate => {
		if (candidate.pid === process.pid || options.excludePids?.has(candidate.pid) || candidate.argv.length === 0) {
			return false;
		}

		return match.test(candidate.command);
	});
}

/**
 * Group matching processes into instances. A matching process whose parent, or a nearer ancestor
 * reached through non-matching ones, also matches belongs to that ancestor's instance: a venv
 * redirector and its interpreter, `sh -c` / `cmd /c` / `py.exe` wrappers and the `fleetdeck run`
 * supervisor are one copy of the bot, not several. Pure: `all` is the whole process table, used
 * only to walk through non-matching ancestors.
 */
export function groupInstances(matching: ProcessInfo[], all: ProcessInfo[]): Instance[] {
	const byPid = new Map<number, ProcessInfo>();
	for (const candidate of all) {
		byPid.set(candidate.pid, candidate);
	}

	const matchingByPid = new Map<number, ProcessInfo>();
	for (const candidate of matching) {
		matchingByPid.set(candidate.pid, candidate);
		byPid.set(candidate.pid, candidate);
	}

	const matchingParent = new Map<number, number>();
	for (const candidate of matchingByPid.values()) {
		const ancestor = nearestMatchingAncestor(candidate, byPid, matchingByPid);
		if (ancestor !== undefined) {
			matchingParent.set(candidate.pid, ancestor);
		}
	}

	const members = new Map<number, ProcessInfo[]>();
	for (const candidate of matchingByPid.values()) {
		const top = topOf(candidate.pid, matchingParent, matchingByPid);
		const list = members.get(top);
		if (list) {
			list.push(candidate);
		} else {
			members.set(top, [candidate]);
		}
	}

	const instances = [...members.entries()].map(([pid, processes]): Instance => {
		const depth = (candidate: ProcessInfo) => depthBelow(candidate.pid, pid, matchingParent);
		const ordered = processes.sort((a, b) => depth(a) - depth(b) || a.pid - b.pid);
		const starts = ordered.map(candidate => candidate.startedAt).filter((start): start is number => start !== null);
		return {pid, processes: ordered, startedAt: matchingByPid.get(pid)?.startedAt ?? (starts.length > 0 ? Math.min(...starts) : null)};
	});
	return instances.sort((a, b) => compareStarts(a.startedAt, b.startedAt) || a.pid - b.pid);
}

/** The instance that `pid` is part of (as its topmost process or any process below it). */
export function instanceOf(pid: number, instances: Instance[]): Instance | undefined {
	return instances.find(instance => instance.processes.some(candidate => candidate.pid === pid));
}

/**
 * Walk up from `candidate` to the first ancestor that matches. Stops at PID 0/1 (the roots: above
 * them there is nobody), at a parent missing from the table, on a ppid cycle, and at a "parent"
 * that started after its child: on Windows a ppid is never updated, so when the real parent has
 * exited its PID may already name an unrelated, newer process.
 */
function nearestMatchingAncestor(candidate: ProcessInfo, byPid: Map<number, ProcessInfo>, matchingByPid: Map<number, ProcessInfo>): number | undefined {
	const seen = new Set<number>([candidate.pid]);
	let child = candidate;
	while (child.pid > 1 && child.ppid > 0 && !seen.has(child.ppid)) {
		const parent = byPid.get(child.ppid);
		if (!parent || (parent.startedAt !== null && child.startedAt !== null && parent.startedAt > child.startedAt)) {
			return undefined;
		}

		if (matchingByPid.has(parent.pid)) {
			return parent.pid;
		}

		seen.add(parent.pid);
		child = parent;
	}

	return undefined;
}

/**
 * The topmost process above `pid` along matching-parent links. On a ppid cycle there is no top,
 * so the cycle is named by its oldest member (lowest PID on a tie), the same from every entry point.
 */
function topOf(pid: number, matchingParent: Map<number, number>, matchingByPid: Map<number, ProcessInfo>): number {
	const path: number[] = [];
	let current = pid;
	for (;;) {
		const parent = matchingParent.get(current);
		if (parent === undefined) {
			return current;
		}

		const cycleStart = path.indexOf(current);
		if (cycleStart !== -1) {
			const cycle = path.slice(cycleStart).map(member => matchingByPid.get(member)).filter(member => member !== undefined);
			cycle.sort((a, b) => compareStarts(a.startedAt, b.startedAt) || a.pid - b.pid);
			return cycle[0]?.pid ?? current;
		}

		path.push(current);
		current = parent;
	}
}

/** How many matching-parent links lie between `pid` and its instance's top (bounded on cycles). */
function depthBelow(pid: number, top: number, matchingParent: Map<number, number>): number {
	let depth = 0;
	let current = pid;
	while (current !== top && depth <= matchingParent.size) {
		const parent = matchingParent.get(current);
		if (parent === undefined) {
			break;
		}

		current = parent;
		depth++;
	}

	return depth;
}

/** Earlier first; unknown start times last. */
function compareStarts(a: number | null, b: number | null): number {
	if (a === b) {
		return 0;
	}

	if (a === null) {
		return 1;
	}

	if (b === null) {
		return -1;
	}

	return a - b;
}
