import {randomBytes} from 'node:crypto';
import {errnoOf, LocksDirError} from './errors.js';
import {directoryErrors, readEntry, sleep, writeNewFile} from './files.js';
import {removeIfUnchanged} from './remove.js';

/** A guard older than this was left by a taker that died mid-takeover; it may be removed. */
export const guardStaleMs = 30_000;

/**
 * Run `work` while holding `guardPath` (created exclusively), so only one process at a time takes
 * over a stale lock. Waits up to `waitMs` for another holder; returns `busy` if it never frees.
 * A guard left by a dead taker is recovered once it is older than 30 s, by the same byte-compared
 * removal as a lock, so two recoverers cannot both delete a fresh guard.
 */
export async function withGuard<T>(dir: string, guardPath: string, waitMs: number, work: () => Promise<T>): Promise<T | 'busy'> {
	const mine = Buffer.from(`${JSON.stringify({pid: process.pid, nonce: randomBytes(8).toString('hex'), at: new Date().toISOString()})}\n`);
	const deadline = Date.now() + waitMs;
	for (;;) {
		try {
			await writeNewFile(guardPath, mine);
			break;
		} catch (error) {
			const code = errnoOf(error);
			if (code !== 'EEXIST') {
				throw directoryErrors.has(code) ? new LocksDirError(dir, code) : error;
			}
		}

		const other = await readEntry(guardPath);
		if (other.kind === 'read' && Date.now() - other.mtimeMs > guardStaleMs) {
			await removeIfUnchanged(guardPath, other.raw);
			continue;
		}

		if (Date.now() >= deadline) {
			return 'busy';
		}

		await sleep(5 + Math.random() * 20);
	}

	try {
		return await work();
	} finally {
		await removeIfUnchanged(guardPath, mine);
	}
}
