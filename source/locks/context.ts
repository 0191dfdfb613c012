import {hostFacts, probeProcess} from '../procs/identity.js';
import type {Matcher} from '../procs/matcher.js';
import type {ProbedLock} from '../procs/table-probe.js';
import type {HostFacts, ProcessProbe} from '../procs/types.js';
import type {ProcessIdentity} from '../runtime/ports/process-platform.js';
import type {ChildIdentity} from './types.js';
import type {JudgeFacts} from './verdict.js';

/** What judging a lock may be told instead of reading the real host. Every field is optional. */
export interface JudgeContext {
	/** This host's facts; default: hostFacts(). */
	host?: HostFacts;
	/**
	 * PID lookup, told the lockfile that names the PID; default: probeProcess (one PID at a time).
	 * A poll judges every lock against its one table read instead (`probeFromTable`).
	 */
	probe?: (pid: number, lock: ProbedLock) => ProcessProbe;
	/**
	 * Who a lock this process takes records as its holder; default: selfIdentity(). The process
	 * platform's `self()`, so the start token recorded is the one its table shows (off Linux, the
	 * creation time).
	 */
	self?: () => Promise<ProcessIdentity>;
	/** The time to judge at, epoch ms; default: the clock at each judgement. */
	now?: number;
	/** A component's `match` pattern by lock name, for legacy records without a start token. */
	matchFor?: (name: string) => Matcher | null;
	/** Another host's lock expires when its heartbeat is older than this; null or absent: never. */
	remoteExpirySeconds?: number | null;
	/** How long an unreadable lockfile counts as `writing`; default 2000 ms. */
	unreadableGraceMs?: number;
	/** The process started under a lock NAME and token, by its environment; default: findLockChild. */
	findLockChild?: (name: string, token: number) => ChildIdentity | null;
}

export const defaultUnreadableGraceMs = 2000;

/** The facts to judge the lock `name` by, with the file's modification time and owner. */
export function judgeFacts(context: JudgeContext | undefined, name: string, file: {mtimeMs: number | null; ownerUid: number | null}): JudgeFacts {
	const probe = context?.probe;
	return {
		host: context?.host ?? hostFacts(),
		probe: probe ? pid => probe(pid, {mtimeMs: file.mtimeMs}) : probeProcess,
		now: context?.now ?? Date.now(),
		mtimeMs: file.mtimeMs,
		ownerUid: file.ownerUid,
		match: context?.matchFor?.(name) ?? null,
		remoteExpirySeconds: context?.remoteExpirySeconds ?? null,
		unreadableGraceMs: context?.unreadableGraceMs ?? defaultUnreadableGraceMs,
	};
}
