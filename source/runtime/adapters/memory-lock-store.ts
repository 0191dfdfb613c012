import type {ClearOutcome} from '../../locks/index.js';
import type {JudgeContext} from '../../locks/context.js';
import {assertLockName} from '../../locks/inspect.js';
import {judgeStoredLock, type StoredLock} from '../../locks/judge-lock.js';
import {buildRecord, serializeRecord} from '../../locks/record.js';
import {describeHolder, ownershipOf, refreshedRecord} from '../../locks/release.js';
import {isStale, type LockInspection} from '../../locks/types.js';
import type {HostFacts} from '../../procs/types.js';
import type {LockStore} from '../ports/lock-store.js';

/** Enough for the odd race (a lock vanishing or changing between looks) without spinning forever; as the filesystem store. */
const maxAttempts = 20;

/**
 * The space a set of in-memory stores share, as processes share a locks directory: NAME → the
 * record's bytes, the fencing-token counter per NAME, the watchers, and the one clock. Every
 * method is one synchronous step, which is what makes it atomic: JavaScript runs no other code
 * in between, as link(2) lets no other process in between on disk.
 */
export class MemoryLockSpace {
	readonly #locks = new Map<string, StoredLock>();
	readonly #tokens = new Map<string, number>();
	readonly #watchers = new Set<() => void>();

	/** @param now The clock of every store on this space: record times, modification times, judging. */
	constructor(readonly now: () => number = Date.now) {}

	/**
	 * Store bytes under NAME as some other writer would (a legacy bot's record, a half-written
	 * file), replacing what was there; tests plant records with it.
	 */
	put(name: string, raw: Buffer | string, options: {mtimeMs?: number; ownerUid?: number | null} = {}): void {
		this.#locks.set(name, {raw: Buffer.from(raw), mtimeMs: options.mtimeMs ?? this.now(), ownerUid: options.ownerUid ?? null});
		this.#changed();
	}

	/** The stored lock NAME, as a store reads it; undefined when there is none. */
	read(name: string): StoredLock | undefined {
		return this.#locks.get(name);
	}

	/** Every NAME that holds a lock, sorted as the filesystem store sorts them. */
	names(): string[] {
		return [...this.#locks.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	}

	/** Create NAME holding `stored` only if there is no lock by that NAME: the atomic acquire. */
	create(name: string, stored: StoredLock): boolean {
		if (this.#locks.has(name)) {
			return false;
		}

		this.#locks.set(name, stored);
		this.#changed();
		return true;
	}

	/** Replace NAME's bytes only if they are still `expected`: the heartbeat's rewrite. */
	replaceIfUnchanged(name: string, expected: Buffer, next: StoredLock): boolean {
		if (!this.#holds(name, expected)) {
			return false;
		}

		this.#locks.set(name, next);
		this.#changed();
		return true;
	}

	/** Remove NAME only if it still holds `expected`, byte for byte: a takeover removes only the lock it judged. */
	removeIfUnchanged(name: string, expected: Buffer): 'removed' | 'missing' | 'changed' {
		const stored = this.#locks.get(name);
		if (stored === undefined) {
			return 'missing';
		}

		if (!stored.raw.equals(expected)) {
			return 'changed';
		}

		this.#locks.delete(name);
		this.#changed();
		return 'removed';
	}

	/** The last fencing token handed out for NAME; 0 before the first. */
	token(name: string): number {
		return this.#tokens.get(name) ?? 0;
	}

	/** Make NAME's counter at least `token`; never lowers it. */
	raiseToken(name: string, token: number): void {
		this.#tokens.set(name, Math.max(this.token(name), token));
	}

	/** Call `onChange` after every change to any lock; returns the unsubscribe. */
	subscribe(onChange: () => void): () => void {
		const watcher = () => onChange();
		this.#watchers.add(watcher);
		return () => {
			this.#watchers.delete(watcher);
		};
	}

	#holds(name: string, expected: Buffer): boolean {
		return this.#locks.get(name)?.raw.equals(expected) ?? false;
	}

	#changed(): void {
		// Told after the step, never inside it: a watcher that reads the store sees the change made.
		for (const watcher of this.#watchers) {
			queueMicrotask(watcher);
		}
	}
}

export interface MemoryLockStoreOptions {
	/** The space this store's locks live in; stores playing different processes share one. */
	space: MemoryLockSpace;
	/** The process this store acts for: the holder it records when it acquires. */
	holder: {pid: number; startToken: string | null; uid?: number | null};
	/** The host this store runs on, recorded in every lock it takes and judged against. */
	host: HostFacts;
	/**
	 * How locks are judged: `probe` is the process table the verdicts consult (a test's table of
	 * which PIDs live), `matchFor`, `remoteExpirySeconds`, `findLockChild`… as for the filesystem
	 * store. `host` and `now` come from this store's `host` and its space's clock unless set here.
	 */
	context: JudgeContext;
	/** Recorded as the holder's command line when acquire names none; default none. */
	command?: string | null;
	/** Names the store in paths and messages; default `memory`. */
	label?: string;
}

/**
 * A step boundary: where the filesystem store waits on I/O, this one lets every other caller run,
 * so concurrent callers interleave here as processes do there. The contracts must hold at every
 * such boundary; the contention tests prove it.
 */
async function turn(): Promise<void> {
	await new Promise<void>(resolve => {
		setImmediate(resolve);
	});
}

/**
 * A lock store with no files: records live as bytes in a `MemoryLockSpace`, judged by the same
 * `judgeStoredLock` (so the same `judge()`) as the filesystem's, against the facts it is given.
 * It keeps every contract of the port: the atomic acquire is one synchronous create-if-absent;
 * the fencing token grows across releases and takeovers; a stale lock is removed only if it still
 * holds the very bytes judged (one synchronous compare-and-delete, where the filesystem needs its
 * takeover guard because a read, a compare and an unlink are three steps), so two contenders that
 * both judged it stale cannot both take it; release and heartbeat act only for the holder.
 */
export function createMemoryLockStore(options: MemoryLockStoreOptions): LockStore {
	const {space, holder, host} = options;
	const label = options.label ?? 'memory';
	const lockPath = (name: string) => `${label}:${name}.lock`;
	const context = (): JudgeContext => ({...options.context, host: options.context.host ?? host, now: options.context.now ?? space.now()});

	const inspectNow = (name: string): LockInspection | null => {
		const stored = space.read(name);
		if (stored === undefined) {
			return null;
		}

		return {name, path: lockPath(name), ...judgeStoredLock(name, stored, context()), raw: stored.raw, mtimeMs: stored.mtimeMs};
	};

	/** The takeover: the judged holder's token counts as handed out, then the judged bytes (and only those) go. */
	const removeJudged = (judged: LockInspection): 'removed' | 'missing' | 'changed' => {
		if (judged.raw === null) {
			return 'changed';
		}

		const token = judged.record?.token;
		if (typeof token === 'number' && token > 0) {
			space.raiseToken(judged.name, token);
		}

		return space.removeIfUnchanged(judged.name, judged.raw);
	};

	const store: LockStore = {
		location: label,
		async acquire(name, acquireOptions = {}) {
			assertLockName(name);
			let tookOver: LockInspection | null = null;
			let lastSeen: LockInspection | null = null;
			for (let attempt = 0; attempt < maxAttempts; attempt++) {
				await turn();
				// Chosen and used in one step, so no other acquire can take the same token.
				const token = Math.max(space.token(name), tookOver?.record?.token ?? 0) + 1;
				const now = space.now();
				const record = buildRecord({name, holder, host, token, account: acquireOptions.account ?? null, command: acquireOptions.command === undefined ? options.command ?? null : acquireOptions.command, child: acquireOptions.child ?? null, now});
				if (space.create(name, {raw: serializeRecord(record), mtimeMs: now, ownerUid: holder.uid ?? null})) {
					space.raiseToken(name, token);
					return {acquired: true, record, path: lockPath(name), tookOver};
				}

				const existing = inspectNow(name);
				if (existing === null) {
					continue;
				}

				lastSeen = existing;
				if (!isStale(existing.verdict) || acquireOptions.takeOverStale === false) {
					return {acquired: false, holder: existing};
				}

				// Judged, then removed a turn later: whoever else judged it meanwhile finds other bytes.
				await turn();
				if (removeJudged(existing) === 'removed') {
					tookOver = existing;
				}
			}

			if (lastSeen === null) {
				throw new Error(`could not acquire ${lockPath(name)}: it kept appearing and vanishing for ${maxAttempts} attempts`);
			}

			return {acquired: false, holder: lastSeen};
		},
		async release(name, held) {
			assertLockName(name);
			await turn();
			const stored = space.read(name);
			if (stored === undefined) {
				return {released: false, reason: `${name}.lock does not exist (already released or removed)`};
			}

			const ownership = ownershipOf(name, stored.raw, held);
			if (!ownership.ours) {
				return {released: false, reason: ownership.reason};
			}

			return space.removeIfUnchanged(name, ownership.raw) === 'removed'
				? {released: true, reason: `released ${name}.lock held by ${describeHolder(held)}`}
				: {released: false, reason: `${name}.lock changed while being released; left alone`};
		},
		async heartbeat(name, held, update = {}) {
			assertLockName(name);
			await turn();
			const stored = space.read(name);
			if (stored === undefined) {
				return false;
			}

			const ownership = ownershipOf(name, stored.raw, held);
			const now = space.now();
			return ownership.ours && space.replaceIfUnchanged(name, ownership.raw, {raw: refreshedRecord(ownership.raw, update, new Date(now)), mtimeMs: now, ownerUid: stored.ownerUid});
		},
		async inspect(name) {
			assertLockName(name);
			await turn();
			return inspectNow(name);
		},
		async list() {
			await turn();
			return space.names().flatMap(name => inspectNow(name) ?? []);
		},
		async clearStale() {
			const removed: LockInspection[] = [];
			const kept: LockInspection[] = [];
			for (const inspection of await store.list()) {
				if (isStale(inspection.verdict) && removeJudged(inspection) === 'removed') {
					removed.push(inspection);
				} else {
					kept.push(inspection);
				}
			}

			return {removed, kept, failed: []};
		},
		async clearStaleLock(name): Promise<ClearOutcome> {
			const judged = await store.inspect(name);
			if (judged === null) {
				return {result: 'missing'};
			}

			if (!isStale(judged.verdict)) {
				return {result: 'kept', reason: `${name}.lock is ${judged.verdict} (${judged.reason}); not removed`};
			}

			switch (removeJudged(judged)) {
				case 'removed': {
					return {result: 'removed', judged};
				}

				case 'missing': {
					return {result: 'missing'};
				}

				case 'changed': {
					return {result: 'kept', reason: `${name}.lock changed while it was being removed (someone took it); not removed`};
				}
			}
		},
		async clearAll({dryRun = false} = {}) {
			const removed: LockInspection[] = [];
			for (const inspection of await store.list()) {
				// As `--force` on disk: whatever the verdict; only bytes changed since the listing are spared.
				if (dryRun || (inspection.raw !== null && space.removeIfUnchanged(inspection.name, inspection.raw) === 'removed')) {
					removed.push(inspection);
				}
			}

			return {removed, failed: []};
		},
		watch(onChange, watchOptions = {}) {
			const stop = space.subscribe(onChange);
			// Nothing to scan first: the watch reports from the moment it is made.
			queueMicrotask(() => watchOptions.onReady?.());
			return stop;
		},
	};
	return store;
}
