import type {TableRead} from '../runtime/ports/process-platform.js';
import type {ProcessProbe} from './types.js';

/** What a lock verdict may tell a table probe about the lockfile that names the PID. */
export interface ProbedLock {
	/** The lockfile's modification time, epoch ms; null when unknown. */
	mtimeMs: number | null;
}

/**
 * Filesystem timestamps come from a coarser clock than `Date.now()` (kernel ticks; whole seconds
 * on HFS+, two on FAT), so a lock written just after the table read began may carry an mtime a
 * little before it. Within this margin the lock counts as written after the read.
 */
export const mtimeSlackMs = 2_000;

/**
 * A probe answered from one read of the process table, so that every lock of a poll is judged
 * against the same table the snapshot shows. Pure. `gone` only on proof: the table was read and
 * lacks the PID (zombies are not in it: they have exited). A table that could not be read, or a
 * PID listed but hidden from us, is `unknown`, which counts as held.
 *
 * A PID named by a lock written after the table read began proves nothing by its absence (its
 * holder may have started since): it is asked about on its own through `recheck` (a single-PID
 * probe), or is `unknown` without one. Only such fresh locks whose holder the table lacks take
 * that path; every other answer comes from the table.
 */
export function probeFromTable(read: TableRead, recheck?: (pid: number) => ProcessProbe): (pid: number, lock?: ProbedLock) => ProcessProbe {
	if (!read.ok) {
		return pid => ({state: 'unknown', pid, reason: `the process table could not be read (${read.reason})`});
	}

	const byPid = new Map(read.processes.map(entry => [entry.pid, entry]));
	const hidden = new Set(read.hidden);
	return (pid, lock) => {
		if (!Number.isInteger(pid) || pid <= 0) {
			return {state: 'unknown', pid, reason: `PID ${pid} is not a positive integer`};
		}

		const found = byPid.get(pid);
		if (found) {
			// An empty argv is a command line we may not read (or a kernel thread): nothing to match against.
			return {state: 'alive', pid, startToken: found.startToken, command: found.argv.length === 0 ? null : found.command, startedAt: found.startedAt, uid: found.uid};
		}

		if (hidden.has(pid)) {
			return {state: 'unknown', pid, reason: `PID ${pid} is listed but hidden from this user (procfs hidepid)`};
		}

		if (lock !== undefined && (lock.mtimeMs === null || lock.mtimeMs >= read.readStartedAt - mtimeSlackMs)) {
			return recheck?.(pid) ?? {state: 'unknown', pid, reason: `PID ${pid} is not in the process table, but the lock was written after the table was read`};
		}

		return {state: 'gone', pid};
	};
}
