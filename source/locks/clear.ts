import {promises as fs} from 'node:fs';
import type {JudgeContext} from './context.js';
import {errnoOf} from './errors.js';
import {lockPaths} from './files.js';
import {inspect, list} from './inspect.js';
import {removeStale} from './takeover.js';
import {isStale, type LockInspection} from './types.js';

/**
 * Remove every lock proven stale (stale-dead, stale-reused, stale-rebooted, stale-unreadable),
 * each only if it still holds the bytes judged. Everything else is kept: live, writing, remote,
 * remote-expired, unknown, and any non-regular file.
 */
export async function clearStale(dir: string, context?: JudgeContext): Promise<{removed: LockInspection[]; kept: LockInspection[]}> {
	const removed: LockInspection[] = [];
	const kept: LockInspection[] = [];
	for (const inspection of await list(dir, context)) {
		if (isStale(inspection.verdict) && (await removeStale(dir, lockPaths(dir, inspection.name), inspection)).result === 'removed') {
			removed.push(inspection);
		} else {
			kept.push(inspection);
		}
	}

	return {removed, kept};
}

export type ClearOutcome =
	| {result: 'removed'; judged: LockInspection}
	| {result: 'missing'}
	| {result: 'kept'; reason: string};

/**
 * Remove the lock NAME only if it is proven stale now, under its takeover guard, and only if the
 * file still holds the very bytes judged: what `clearStale` does, for one lock. A live (or
 * doubtful) lock is never removed.
 */
export async function clearStaleLock(dir: string, name: string, context?: JudgeContext): Promise<ClearOutcome> {
	const judged = await inspect(dir, name, context);
	if (judged === null) {
		return {result: 'missing'};
	}

	if (!isStale(judged.verdict)) {
		return {result: 'kept', reason: `${name}.lock is ${judged.verdict} (${judged.reason}); not removed`};
	}

	const outcome = await removeStale(dir, lockPaths(dir, name), judged);
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
 * before removal. Non-regular entries (directories, symlinks, FIFOs) are never touched. With
 * `dryRun`, nothing is removed: the result is what would be (so a refusal can name exactly that).
 */
export async function clearAll(dir: string, options: {dryRun?: boolean; context?: JudgeContext} = {}): Promise<LockInspection[]> {
	const removed: LockInspection[] = [];
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
				throw error;
			}
		}
	}

	return removed;
}
