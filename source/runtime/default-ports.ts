import type {FleetConfig} from '../config/types.js';
import {judgeContext} from '../fleet/gather.js';
import type {Journal} from '../journal/types.js';
import {createFileLockStore} from './adapters/file-lock-store.js';
import {sourceStatusFeed} from './adapters/source-status-feed.js';
import type {EventLog, LockStore, StatusFeed} from './ports.js';

/** The adapters a live fleet is wired with: one of each port. */
export interface RuntimePorts {
	/** Where the fleet's locks, and the writer's own lock, live. */
	locks: LockStore;
	/** Where the accounts' status snapshots and the services' health are read. */
	status: StatusFeed;
	/** Where the fleet's changes and health samples are kept, and read back for the deck. */
	events: EventLog;
}

/** The config's locks directory as a LockStore, judged with the config's match patterns and remote expiry. */
export function defaultLockStore(config: FleetConfig): LockStore {
	return createFileLockStore(config.locksDir, judgeContext(config));
}

/**
 * The one place the runtime's ports meet today's adapters: the config's locks directory, judged
 * with the config's match patterns and remote expiry; HTTP and status-file sources; the SQLite
 * journal. `fleetdeck watch` and the deck both start from here; tests wire other adapters.
 */
export function defaultPorts(config: FleetConfig, journal: Journal): RuntimePorts {
	return {
		locks: defaultLockStore(config),
		status: sourceStatusFeed,
		events: journal,
	};
}
