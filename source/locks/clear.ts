import {promises as fs} from 'node:fs';
import type {JudgeContext} from './context.js';
import {describeFileError, errnoOf} from './errors.js';
import {lockPaths} from './files.js';
import {inspect, list} from './inspect.js';
import {removeStale} from './takeover.js';
import {isStale, type LockInspection} from './types.js';

/** A lock that was to be removed but could not be: the others are still handled. */
export interface ClearFailure {
	lock: LockInspection;
	/** Why, in words (`EACCES (permission denied)`). */
	error: string;
}

/**
 * Remove every lock proven stale (stale-dead, stale-reused, stale-rebooted, stale-unreadable),
 * each only if it still holds the bytes judged. Everything else is kept: live, writing, remote,
 * remote-expired, unknown, and any non-regular file. A lock that cannot be removed (permissions,
 * a read-only file) is reported in `failed` and the rest are still handled: one bad file must not
 * leave the operator without knowing what was removed.
 */
export async function clearStale(dir: string, context?: JudgeContext): Promise<{removed: LockInspection[]; kept: LockInspection[]; failed: ClearFailure[]}> {
	const removed: LockInspection[] = [];
	const kept: LockInspection[] = [];
	const failed: ClearFailure[] = [];
	for (const inspection of await list(dir, context)) {
		if (!isStale(inspection.verdict)) {
			kept.push(inspection);
			continue;
		}

		try {
			if ((await removeStale(dir, lockPaths(dir, inspection.name), inspection)).result === 'removed') {
				removed.push(inspection);
			} else {
				kept.push(inspection);
			}
		} catch (error) {
			failed.push({lock: inspection, error: describeFileError(error)});
		}
	}

	return {removed, kept, failed};
}

export type ClearOutcome =
	| {result: 'removed'; judged: LockInspection}
	| {result: 'missing'}
	| {result: 'kept'; reason: string};

/**
 * Remove the lock NAME only if it is proven stale now, under its takeover guard, and only if the
 * file still holds the very bytes judged: what `clearStale` does, for one lock. A live (or
 * doubtful) lock is never removed; one that cannot be removed is kept, with the reason.
 */
export async function clearStaleLock(dir: string, name: string, context?: JudgeContext): Promise<ClearOutcome> {
	const judged = await inspect(dir, name, context);
	if (judged === null) {
		return {result: 'missing'};
	}

	if (!isStale(judged.verdict)) {
		return {result: 'kept', reason: `${name}.lock is ${judged.verdict} (${judged.reason}); not removed`};
	}

	let outcome;
	try {
		outcome = await removeStale(dir, lockPaths(dir, name), judged);
	} catch (error) {
		return {result: 'kept', reason: `${name}.lock is ${judged.verdict} but could not be removed: ${describeFileError(error)}`};
	}

	switch (outcome.result) {
		case 'removed': {
			return {result: 'removed', judged};
		}

		case 'missing': {
			return {result: 'missing'};
		}

		case 'busy': {
			return {result: 'kept', reason: `${name}.lock is being taken over by another process right now; not removed`};
		}

		default: {
			return {result: 'kept', reason: `${name}.lock changed while it was being removed (someone took it); not removed`};
		}
	}
}

/**
 * The `--force` path: remove every regular `*.lock`, live or not, and return what each was judged
 * before removal. Non-regular entries (directories, symlinks, FIFOs) are never touched. A lock
 * that cannot be removed is reported in `failed` and the rest are still removed. With `dryRun`,
 * nothing is removed: `removed` is what would be (so a refusal can name exactly that).
 */
export async function clearAll(dir: string, options: {dryRun?: boolean; context?: JudgeContext} = {}): Promise<{removed: LockInspection[]; failed: ClearFailure[]}> {
	const removed: LockInspection[] = [];
	const failed: ClearFailure[] = [];
	for (const inspection of await list(dir, options.context)) {
		try {
			if ((await fs.lstat(inspection.path)).isFile()) {
				if (options.dryRun !== true) {
					await fs.unlink(inspection.path);
				}

				removed.push(inspection);
			}
		} catch (error) {
			if (errnoOf(error) !== 'ENOENT') {
				failed.push({lock: inspection, error: describeFileError(error)});
			}
		}
	}

	return {removed, failed};
}
