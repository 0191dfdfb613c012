import {withGuard} from './guard.js';
import type {LockPaths} from './files.js';
import {removeIfUnchanged, type RemoveOutcome} from './remove.js';
import {raiseTokenCounter} from './token.js';
import type {LockInspection} from './types.js';

/** How long to wait for another process's takeover of the same lock to finish. */
const guardWaitMs = 5_000;

/**
 * Remove a lock judged stale, under `<NAME>.lock.guard`, and only if the file still holds the exact
 * bytes that were judged. Used by acquire's takeover and by clearStale alike.
 */
export async function removeStale(dir: string, paths: LockPaths, judged: LockInspection): Promise<RemoveOutcome | {result: 'busy'}> {
	const raw = judged.raw;
	if (raw === null) {
		return {result: 'changed'};
	}

	const outcome = await withGuard(dir, paths.guard, guardWaitMs, async () => {
		// The stale holder's token was handed out, even if it died before recording it in the
		// counter; raising the counter first keeps the next token above it.
		const token = judged.record?.token;
		if (typeof token === 'number' && token > 0) {
			await raiseTokenCounter(paths.token, token);
		}

		return removeIfUnchanged(paths.lock, raw);
	});
	return outcome === 'busy' ? {result: 'busy'} : outcome;
}
