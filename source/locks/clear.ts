import {promises as fs} from 'node:fs';
import type {JudgeContext} from './context.js';
import {errnoOf} from './errors.js';
import {lockPaths} from './files.js';
import {list} from './inspect.js';
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

/**
 * The `--force` path: remove every regular `*.lock`, live or not, and return what each was judged
 * before removal. Non-regular entries (directories, symlinks, FIFOs) are never touched.
 */
export async function clearAll(dir: string): Promise<LockInspection[]> {
	const removed: LockInspection[] = [];
	for (const inspection of await list(dir)) {
		try {
			if ((await fs.lstat(inspection.path)).isFile()) {
				await fs.unlink(inspection.path);
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
