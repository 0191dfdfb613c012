import {acquire, clearAll, clearStale, clearStaleLock, heartbeat, inspect, list, release, type JudgeContext} from '../../locks/index.js';
import type {LockStore} from '../ports/lock-store.js';
import {watchLocks} from '../watch-locks.js';

/**
 * The lock store every fleetdeck uses today: `<NAME>.lock` files in a locks directory, written and
 * judged by `source/locks/` (link(2) acquire, guarded takeover, byte-compared removal) and watched
 * with native file events. A thin binding of that API to one directory and one judge context: no
 * rule lives here.
 */
export function createFileLockStore(locksDir: string, context: JudgeContext = {}): LockStore {
	return {
		location: locksDir,
		acquire: async (name, options = {}) => acquire(locksDir, name, {...options, context}),
		release: async (name, held) => release(locksDir, name, held),
		heartbeat: async (name, held, update) => heartbeat(locksDir, name, held, update),
		inspect: async name => inspect(locksDir, name, context),
		list: async () => list(locksDir, context),
		clearStale: async () => clearStale(locksDir, context),
		clearStaleLock: async name => clearStaleLock(locksDir, name, context),
		clearAll: async ({dryRun = false} = {}) => clearAll(locksDir, {dryRun, context}),
		watch: (onChange, options) => watchLocks(locksDir, onChange, options),
	};
}
