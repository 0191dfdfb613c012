import type {AcquireResult, ClearOutcome, HeldLock} from '../../locks/index.js';
import type {ClearFailure} from '../../locks/clear.js';
import type {ChildIdentity, LockInspection, SupervisorState} from '../../locks/types.js';

export interface WatchLocksOptions {
	/** Called once the watch is reporting changes (the filesystem store: once it has read the directory). */
	onReady?: () => void;
	/** Watch errors (the directory vanished, too many watchers); a deck's poll still refreshes it. */
	onError?: (error: Error) => void;
}

/** What a holder records beside itself when it takes a lock. */
export interface LockAcquireOptions {
	/** The broker account this lock is for (shown and grouped by in the deck). */
	account?: string | null;
	/** The holder's command line; default: the store's (the filesystem store: this process's argv). */
	command?: string | null;
	/** The process this holder supervises, so the lock stays live while it runs. */
	child?: ChildIdentity | null;
	/** Take over a lock proven stale; default true. */
	takeOverStale?: boolean;
}

/** What a heartbeat may refresh beside `heartbeatAt`. */
export interface HeartbeatUpdate {
	child?: ChildIdentity | null;
	supervisor?: SupervisorState | null;
}

export interface ClearStaleResult {
	removed: LockInspection[];
	kept: LockInspection[];
	failed: ClearFailure[];
}

export interface ClearAllResult {
	removed: LockInspection[];
	failed: ClearFailure[];
}

/**
 * The lock protocol (DESIGN.md §4, docs/lock-protocol.md) as a port: where the records live is the
 * store's business, what they mean is not. Every store judges its records with the one pure
 * verdict (`locks/verdict.ts` through `locks/judge-lock.ts`) against the facts it was given, and
 * keeps the same contracts, proven for each by `test/runtime/lock-store-contract.ts`:
 * - acquire is one atomic step (never "check, then create"); an existing lock comes back judged;
 * - the fencing token of a NAME grows with every acquire, across releases and takeovers;
 * - a lock is taken over only on proof that its holder is gone, and two contenders that both see
 *   it stale never both end up holding it;
 * - release and heartbeat act only for the holder (pid + startToken + token);
 * - watch reports every lock that appears, changes or goes away.
 * Implementations: `adapters/file-lock-store.ts` (the `.locks/` directory) and
 * `adapters/memory-lock-store.ts` (a map of name to record bytes, for tests and embedding).
 */
export interface LockStore {
	/** Where the locks live, for messages: a directory path, or a label naming the store. */
	readonly location: string;
	/** Take the lock NAME, or report who holds it; a lock proven stale is taken over. */
	acquire(name: string, options?: LockAcquireOptions): Promise<AcquireResult>;
	/** Remove the lock only if it is still the caller's; otherwise leave it and say why. */
	release(name: string, held: HeldLock): Promise<{released: boolean; reason: string}>;
	/** Refresh `heartbeatAt` (and what `update` names) only if the lock is still the caller's; false if it is not. */
	heartbeat(name: string, held: HeldLock, update?: HeartbeatUpdate): Promise<boolean>;
	/** Judge one lock; null when there is none by that NAME. */
	inspect(name: string): Promise<LockInspection | null>;
	/** Every lock, judged, sorted by name. */
	list(): Promise<LockInspection[]>;
	/** Remove every lock proven stale, each only if it still holds the bytes judged. */
	clearStale(): Promise<ClearStaleResult>;
	/** What `clearStale` does, for one lock. */
	clearStaleLock(name: string): Promise<ClearOutcome>;
	/** The `--force` path: remove every lock, live or not (with `dryRun`, only say which). */
	clearAll(options?: {dryRun?: boolean}): Promise<ClearAllResult>;
	/** Call `onChange` whenever a lock appears, changes or goes away; returns the function that stops watching. */
	watch(onChange: () => void, options?: WatchLocksOptions): () => void;
}
