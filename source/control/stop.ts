import {lockClearedEvent} from '../journal/fleet-events.js';
import type {Journal, NewEvent} from '../journal/types.js';
import type {ProcessInfo} from '../procs/types.js';
import {clearStaleLock, type JudgeContext} from '../locks/index.js';
import {compareIdentity, type IdentityCheck} from './identity-check.js';
import type {ProcessSignals} from '../runtime/ports.js';
import type {StepStatus, StopTarget} from './types.js';

export interface StopDeps {
	control: ProcessSignals;
	/** The process table, to find the instance's descendants. */
	readTable: () => Promise<ProcessInfo[]>;
	journal: Journal;
	locksDir: string;
	context: JudgeContext;
	/** How often to look whether the target is gone; default 200 ms. */
	pollMs?: number;
	/** How often to report progress while waiting; default 1000 ms. */
	progressEveryMs?: number;
	/** How long to wait for SIGKILLed processes to vanish; default 5000 ms. */
	killWaitMs?: number;
}

export interface StopReport {
	/** True only when every process of the target is confirmed gone. */
	ok: boolean;
	message: string;
}

export type StopProgress = (status: Extract<StepStatus, 'running' | 'waiting'>, message: string) => void;

/** One process of the target, by the identity it had when it was seen belonging to the target. */
interface Member {
	pid: number;
	startToken: string | null;
}

/**
 * The processes below `root` in `table`, by parent links. A "child" that started before its
 * parent is not one (on Windows a stale ppid can name a newer, unrelated process).
 */
export function descendantsOf(root: number, table: readonly ProcessInfo[]): ProcessInfo[] {
	const children = new Map<number, ProcessInfo[]>();
	for (const entry of table) {
		children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
	}

	const byPid = new Map(table.map(entry => [entry.pid, entry]));
	const found: ProcessInfo[] = [];
	const seen = new Set<number>([root]);
	const queue = [root];
	while (queue.length > 0) {
		const parentPid = queue.shift()!;
		const parent = byPid.get(parentPid);
		for (const child of children.get(parentPid) ?? []) {
			const older = parent?.startedAt != null && child.startedAt !== null && child.startedAt < parent.startedAt;
			if (!seen.has(child.pid) && !older) {
				seen.add(child.pid);
				found.push(child);
				queue.push(child.pid);
			}
		}
	}

	return found;
}

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

/**
 * Stop one instance (DESIGN.md §6): verify (pid, startToken) immediately before every signal;
 * the graceful stop to the topmost PID; wait with progress; after the timeout SIGKILL, to the
 * process group when a member leads its own, else to each PID of the tree, each re-verified;
 * confirm every process is gone; remove the lock it held if it was left behind and is proven
 * stale. A PID that now belongs to another process is never signalled.
 */
export async function stopInstance(target: StopTarget, deps: StopDeps, progress: StopProgress): Promise<StopReport> {
	const {control, journal} = deps;
	const pollMs = deps.pollMs ?? 200;
	const name = target.component;
	const record = (kind: NewEvent['kind'], message: string, extra: Partial<NewEvent> = {}) => {
		journal.record({kind, message, account: target.account, component: name, pid: target.pid, ...extra});
	};

	const check = async (member: Member): Promise<IdentityCheck> => compareIdentity(member.startToken, await control.probe(member.pid));
	const top: Member = {pid: target.pid, startToken: target.startToken};
	const members = new Map<number, Member>([[top.pid, top]]);

	// Only processes seen below a verified member join the target: a PID from the plan that has
	// since been reused is never adopted. A table that cannot be read is not an empty one: it
	// resolves to the cause, and the caller decides (before any signal: nothing is signalled).
	const refreshTree = async (): Promise<string | null> => {
		let table: ProcessInfo[];
		try {
			table = await deps.readTable();
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}

		const byPid = new Map(table.map(entry => [entry.pid, entry]));
		for (const member of [...members.values()]) {
			const now = byPid.get(member.pid);
			if (now && member.startToken !== null && now.startToken === member.startToken) {
				for (const below of descendantsOf(member.pid, table)) {
					if (!members.has(below.pid)) {
						members.set(below.pid, {pid: below.pid, startToken: below.startToken});
					}
				}
			}
		}

		return null;
	};

	const first = await check(top);
	if (first === 'doubt') {
		const message = `${name} PID ${top.pid} cannot be verified (${target.startToken === null ? 'no start token recorded' : 'its identity cannot be read'}); not signalled`;
		record('stop.failed', message);
		return {ok: false, message};
	}

	if (first !== 'same') {
		const what = first === 'other'
			? `PID ${top.pid} now belongs to another process (the PID was reused); it was not signalled, and ${name}'s process is gone`
			: `${name} PID ${top.pid} was already gone`;
		record('stop.confirmed', what, {level: first === 'other' ? 'warn' : 'info', detail: {identity: first}});
		return finish(target, deps, {ok: true, message: what});
	}

	// Signalling the top without knowing its children would leave them running and report success.
	let unreadTable = await refreshTree();
	if (unreadTable !== null) {
		const message = `${name} PID ${top.pid} not signalled: the process table could not be read (${unreadTable}), so its child processes cannot be found`;
		record('stop.failed', message, {detail: {cause: unreadTable}});
		return {ok: false, message};
	}

	const leadsGroup = control.leadsGroup(top.pid);
	const timeoutMs = target.stopTimeoutSeconds * 1000;
	const startedAt = Date.now();

	// The identity is re-checked immediately before the signal, not only at the start.
	let gracefulNote = '';
	if ((await check(top)) === 'same') {
		const sent = await control.requestStop(top.pid, target.stopSignal);
		gracefulNote = sent.result === 'failed' ? ` (the stop request failed: ${sent.reason})` : '';
		record('stop.requested', `sent ${target.stopSignal} to ${name} PID ${top.pid}${gracefulNote}; waiting up to ${target.stopTimeoutSeconds} s`, {detail: {signal: target.stopSignal, pids: [...members.keys()], leadsGroup}});
	}

	const alive = async (): Promise<Member[]> => {
		const left: Member[] = [];
		for (const member of members.values()) {
			const identity = await check(member);
			if (identity === 'same' || identity === 'doubt') {
				left.push(member);
			}
		}

		return left;
	};

	let left = await alive();
	let lastProgress = 0;
	while (left.length > 0 && Date.now() - startedAt < timeoutMs) {
		if (Date.now() - lastProgress >= (deps.progressEveryMs ?? 1000)) {
			lastProgress = Date.now();
			const waited = Math.floor((Date.now() - startedAt) / 1000);
			const topLeft = left.some(member => member.pid === top.pid);
			const others = left.filter(member => member.pid !== top.pid).map(member => member.pid);
			progress('waiting', topLeft
				? `waiting for ${name} PID ${top.pid} (${waited} s of ${target.stopTimeoutSeconds} s)`
				: `waiting for ${name}: PID ${top.pid} is gone, PID${others.length === 1 ? '' : 's'} ${others.join(', ')} still running (${waited} s of ${target.stopTimeoutSeconds} s)`);
		}

		await sleep(pollMs);
		if (left.some(member => member.pid === top.pid)) {
			unreadTable = await refreshTree();
		}

		left = await alive();
	}

	// Why a signal could not be sent (EPERM: another user's process), for the operator's message.
	const refusals: string[] = gracefulNote ? [`${target.stopSignal} to PID ${top.pid}${gracefulNote}`] : [];
	if (left.length > 0) {
		unreadTable = await refreshTree();
		left = await alive();
		progress('running', `${name} still running after ${target.stopTimeoutSeconds} s: killing PID${left.length === 1 ? '' : 's'} ${left.map(member => member.pid).join(', ')}`);
		const killed: string[] = [];
		for (const member of left) {
			if ((await check(member)) !== 'same') {
				continue;
			}

			const group = control.leadsGroup(member.pid) === true;
			const outcome = await control.forceKill(member.pid, group);
			killed.push(`${group ? 'group ' : 'PID '}${member.pid}${outcome.result === 'failed' ? ` (failed: ${outcome.reason})` : ''}`);
			if (outcome.result === 'failed') {
				refusals.push(`SIGKILL to PID ${member.pid} failed: ${outcome.reason}`);
			}
		}

		record('stop.escalated', `${name} did not stop within ${target.stopTimeoutSeconds} s: SIGKILL to ${killed.join(', ') || 'nothing (already gone)'}`, {detail: {killed}});
		const killDeadline = Date.now() + (deps.killWaitMs ?? 5000);
		left = await alive();
		while (left.length > 0 && Date.now() < killDeadline) {
			await sleep(pollMs);
			left = await alive();
		}
	}

	if (left.length > 0) {
		const why = refusals.length > 0 ? `: ${refusals.join('; ')}` : ' (or cannot be verified)';
		const message = `${name}: PID${left.length === 1 ? '' : 's'} ${left.map(member => member.pid).join(', ')} still running after SIGKILL${why}`;
		record('stop.failed', message, {detail: {left: left.map(member => member.pid)}});
		return {ok: false, message};
	}

	const seconds = Math.round((Date.now() - startedAt) / 100) / 10;
	if (unreadTable !== null) {
		// Every process known is gone, but children started after the last good read may not be.
		const message = `${name} PID ${top.pid} stopped (${members.size} process${members.size === 1 ? '' : 'es'} known), but the process table could not be read (${unreadTable}): child processes started since may still run`;
		record('stop.failed', message, {detail: {pids: [...members.keys()], seconds, cause: unreadTable}});
		return {ok: false, message};
	}

	const message = `${name} PID ${top.pid} stopped (${members.size} process${members.size === 1 ? '' : 'es'}, ${seconds} s)${gracefulNote}`;
	record('stop.confirmed', message, {detail: {pids: [...members.keys()], seconds}});
	return finish(target, deps, {ok: true, message});
}

/** After the processes are gone: remove the lock they held if it was left behind (proven stale only). */
async function finish(target: StopTarget, deps: StopDeps, report: StopReport): Promise<StopReport> {
	if (target.lock === null) {
		return report;
	}

	// The processes are gone whatever happens to their lockfile: a lock that cannot be cleared (an
	// unreadable locks directory) is said in the step's message and left for clear-stale.
	const outcome = await clearStaleLock(deps.locksDir, target.lock, deps.context).catch((error: unknown) => ({result: 'kept' as const, reason: `its lock was not removed: ${error instanceof Error ? error.message : String(error)}`}));
	switch (outcome.result) {
		case 'removed': {
			deps.journal.record(lockClearedEvent(outcome.judged, `stopping ${target.component}`));
			return {...report, message: `${report.message}; removed its stale lock`};
		}

		case 'missing': {
			return report;
		}

		case 'kept': {
			return {...report, message: `${report.message}; ${outcome.reason}`};
		}
	}
}
