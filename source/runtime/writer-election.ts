import {watcherLockName} from '../config/schema.js';
import {lockClearedEvent} from '../journal/fleet-events.js';
import {LocksDirError, type HeldLock} from '../locks/index.js';
import type {LockInspection} from '../locks/types.js';
import type {EventSink, LockStore} from './ports.js';

export interface WriterElectionOptions {
	/** The store the fleet's locks live in; the writer's lock is taken there, judged as the fleet's are. */
	locks: LockStore;
	/** Where taking over a stale writer lock, and becoming or ceasing to be the writer, are recorded. */
	journal: EventSink;
	/** Who stands, in the journal's words: "the watcher", "the deck". */
	by: string;
	/**
	 * Least time between two tries (an acquire while another holds the lock, a heartbeat while
	 * this process holds it). A deck rebuilds on every lock change, the writer's own heartbeat
	 * included: without this floor, each heartbeat would set off the next one.
	 */
	minIntervalMs: number;
	/** Problems the operator should hear about (the locks directory cannot be used, a heartbeat failed). */
	onWarning?: (message: string) => void;
	/** Epoch ms; injected by tests. */
	now?: () => number;
}

/** Whether this process is the fleet's journal writer, and if not, why not. */
export type Standing =
	| {writer: true}
	| {
		writer: false;
		/** The lock of the process that is the writer, when one was seen. */
		holder: LockInspection | null;
		/** Why this process is not the writer, in words. */
		why: string;
	};

export interface WriterElection {
	/**
	 * Try to become the writer (taking the lock, a stale one included), or stay it (heartbeat).
	 * Single flight; at most once per `minIntervalMs` unless `force`. Resolves to the standing after
	 * the try. Never rejects: a failure is a standing that says why.
	 */
	refresh(options?: {force?: boolean}): Promise<Standing>;
	/** The standing after the last try; a process that never tried is not the writer. */
	standing(): Standing;
	/** Release the lock if this process holds it; no further try is made. */
	close(): Promise<void>;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * The election of the one process that journals the fleet's changes (DESIGN.md §2), by the
 * project's own lock protocol: whoever holds `fleetdeck-watch.lock` in the locks directory is the
 * writer. A `fleetdeck watch` takes it at start; a deck tries at start and on every poll, so it
 * takes over when the watcher stops (a watcher killed outright leaves a stale lock, which acquire
 * takes over on proof that its holder is gone). Two writers would double-count every duplicate.
 */
export function createWriterElection(options: WriterElectionOptions): WriterElection {
	const {locks, journal, by, minIntervalMs, onWarning = () => {}, now = Date.now} = options;
	const name = watcherLockName;
	let held: HeldLock | null = null;
	let current: Standing = {writer: false, holder: null, why: 'not tried yet'};
	let lastTry = Number.NEGATIVE_INFINITY;
	let inFlight: Promise<Standing> | null = null;
	let closed = false;
	let lastWarning: string | null = null;

	// Said once per problem, not once per poll: a deck polls every 2 s.
	const warn = (message: string) => {
		if (message !== lastWarning) {
			lastWarning = message;
			onWarning(message);
		}
	};

	const keep = async (ours: HeldLock): Promise<boolean> => {
		try {
			if (await locks.heartbeat(name, ours)) {
				return true;
			}
		} catch (error) {
			// The rewrite failed (a full disk): the lock on disk is still the one we wrote, so this
			// process is still the writer; its heartbeat only ages, which no local verdict reads.
			warn(`could not refresh the heartbeat of ${name}.lock: ${errorText(error)}; still journaling`);
			return true;
		}

		journal.record({kind: 'lock.released', level: 'warn', component: name, pid: process.pid, message: `${name}.lock is no longer held by ${by} (PID ${process.pid}): removed or replaced by someone else; ${by} stops journaling the fleet's changes unless it can take it again`});
		return false;
	};

	const take = async (): Promise<Standing> => {
		let result;
		try {
			result = await locks.acquire(name, {account: null});
		} catch (error) {
			const why = error instanceof LocksDirError && error.code === 'ENOENT'
				? `the locks directory ${locks.location} does not exist yet`
				: `cannot take ${name}.lock: ${errorText(error)}`;
			if (!(error instanceof LocksDirError && error.code === 'ENOENT')) {
				warn(why);
			}

			return {writer: false, holder: null, why};
		}

		if (!result.acquired) {
			return {writer: false, holder: result.holder, why: `${name}.lock is held (${result.holder.verdict}: ${result.holder.reason})`};
		}

		held = {pid: result.record.pid, startToken: result.record.startToken, token: result.record.token};
		lastWarning = null;
		if (result.tookOver) {
			journal.record(lockClearedEvent(result.tookOver, `${by} (PID ${process.pid}) taking it over`));
		}

		journal.record({kind: 'lock.acquired', component: name, pid: process.pid, message: `${name}.lock taken by ${by} (PID ${process.pid}, token ${held.token}): it journals the fleet's changes now`, detail: {fencingToken: held.token}});
		return {writer: true};
	};

	const attempt = async (): Promise<Standing> => {
		if (held !== null && (await keep(held))) {
			return {writer: true};
		}

		held = null;
		return take();
	};

	return {
		async refresh({force = false} = {}) {
			if (closed) {
				return current;
			}

			if (inFlight) {
				return inFlight;
			}

			if (!force && now() - lastTry < minIntervalMs) {
				return current;
			}

			lastTry = now();
			inFlight = attempt().then(standing => {
				current = standing;
				inFlight = null;
				return standing;
			});
			return inFlight;
		},
		standing: () => current,
		async close() {
			closed = true;
			await inFlight;
			const ours = held;
			held = null;
			current = {writer: false, holder: null, why: 'closed'};
			if (ours === null) {
				return;
			}

			const released = await locks.release(name, ours).catch((error: unknown) => ({released: false, reason: errorText(error)}));
			journal.record({
				kind: 'lock.released',
				level: released.released ? 'info' : 'warn',
				component: name,
				pid: process.pid,
				message: released.released ? `${name}.lock released by ${by} (PID ${process.pid}): it no longer journals the fleet's changes` : `${name}.lock not released by ${by} (PID ${process.pid}): ${released.reason}`,
			});
		},
	};
}
