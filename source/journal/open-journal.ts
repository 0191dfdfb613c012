import {closeSync, constants, existsSync, fchmodSync, openSync, renameSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {ensurePrivateDir, privateFileMode} from '../files/private-dir.js';
import {defaultLevels} from './kinds.js';
import {redactDetail, redactText} from './redact.js';
import {componentReportSql, componentsSql} from './report-query.js';
import {packLevels, unpackLevels} from './sample-levels.js';
import {migrate} from './schema.js';
import type {
	ComponentReport, EventKind, EventLevel, EventQuery, HealthSample, Journal, JournalEvent, JournalOptions, NewEvent,
	NewSample, PruneResult,
} from './types.js';

const dayMs = 86_400_000;
export const defaultRetentionDays = {events: 90, samples: 7} as const;

/** Rows deleted per statement: each batch is its own short transaction, so writers get in between. */
const pruneBatchSize = 500;

type EventRow = {
	id: number; at: number; host: string; kind: EventKind; account: string | null; component: string | null;
	pid: number | null; level: EventLevel; message: string; detail: string | null;
};

type EventFilter = {since: number; until: number; account: string | null; component: string | null; kinds: string | null; limit: number};

type SampleRow = {at: number; levels: number; latency_ms: number | null};

function prepareStatements(db: Database.Database) {
	return {
		insertEvent: db.prepare<[number, string, string, string | null, string | null, number | null, string, string, string | null]>(
			'INSERT INTO events (at, host, kind, account, component, pid, level, message, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
		),
		insertSample: db.prepare<[string, number, number, number | null]>(
			'INSERT OR REPLACE INTO samples (account, at, levels, latency_ms) VALUES (?, ?, ?, ?)',
		),
		events: db.prepare<EventFilter, EventRow>(`
			SELECT * FROM (
				SELECT id, at, host, kind, account, component, pid, level, message, detail FROM events
				WHERE at >= :since AND at <= :until
					AND (:account IS NULL OR account = :account)
					AND (:component IS NULL OR component = :component)
					AND (:kinds IS NULL OR EXISTS (
						SELECT 1 FROM json_each(:kinds) WHERE kind = value OR substr(kind, 1, length(value) + 1) = value || '.'))
				ORDER BY at DESC, id DESC LIMIT :limit
			) ORDER BY at, id`),
		samples: db.prepare<[string, number], SampleRow>(
			'SELECT at, levels, latency_ms FROM samples WHERE account = ? ORDER BY at DESC LIMIT ?',
		),
		components: db.prepare<[], string>(componentsSql).pluck(),
		componentReport: db.prepare<{component: string; since: number; until: number}, ComponentReport>(componentReportSql),
		pruneEvents: db.prepare<[number, number]>(
			'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? LIMIT ?)',
		),
		sampleAccounts: db.prepare<[], {account: string}>('SELECT DISTINCT account FROM samples'),
		pruneSamples: db.prepare<[string, string, number, number]>(
			'DELETE FROM samples WHERE account = ? AND at IN (SELECT at FROM samples WHERE account = ? AND at < ? LIMIT ?)',
		),
	};
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The warning hook of a command-line run: the journal's trouble (cannot open, disk full, a damaged
 * file replaced) is said on stderr when it happens, once, and the command carries on.
 */
export function warnOnStderr(message: string): void {
	process.stderr.write(`fleetdeck: ${message}\n`);
}

/**
 * Events held in memory while the journal cannot be written. Beyond this the oldest are dropped:
 * a crash loop during a long outage repeats itself, and the newest events say where things stand.
 * How many were dropped, and from when to when, is journaled (`journal.dropped`) once it works again.
 */
export const heldEventsLimit = 1000;

/** Retry delays after a failed open or write: doubling from `first`, then steady at `max`. */
export const defaultRetryDelayMs = {first: 250, max: 30_000} as const;

/**
 * Open (creating it and its directory when needed) the journal at `file`. Never throws, and no
 * method does. Trouble writing (a full disk, an I/O error, another writer holding the lock past
 * the busy timeout, a journal that cannot be opened yet) is never final: events are held (at most
 * `heldEventsLimit`) and written when a retry succeeds. A damaged file (SQLite says CORRUPT or
 * NOTADB, or `PRAGMA quick_check` fails at open) is moved aside to `<name>.corrupt-<timestamp>`,
 * kept, and a fresh journal started, its first event saying so.
 */
export function openJournal(file: string, options: JournalOptions = {}): Journal {
	return new SqliteJournal(path.resolve(file), options);
}

/** `PRAGMA quick_check` found damage that no statement has tripped over yet. */
class DamagedJournal extends Error {}

type Identity = {dev: number; ino: number};

class SqliteJournal implements Journal {
	readonly path: string;
	#db: Database.Database | null = null;
	#statements: Statements | null = null;
	/** The file the connection is on: another process may move a damaged journal aside under it. */
	#identity: Identity | null = null;
	/** Events not yet written, oldest first; each already carries its own time. */
	#held: NewEvent[] = [];
	#dropped: {count: number; from: string; to: string} | null = null;
	#outage: {since: number} | null = null;
	#retryDelayMs: number;
	/** Monotonic (performance.now): an injected wall clock may stand still in tests. */
	#retryAt = 0;
	#retryTimer: NodeJS.Timeout | null = null;
	#closed = false;
	#warning: string | null = null;
	readonly #now: () => number;
	readonly #host: string;
	readonly #retentionMs: {events: number; samples: number};
	readonly #busyTimeoutMs: number;
	readonly #retryDelays: {first: number; max: number};
	readonly #onWarning: ((message: string) => void) | undefined;
	readonly #connectTo: (file: string, options: {timeout: number}) => Database.Database;

	constructor(file: string, options: JournalOptions) {
		this.path = file;
		this.#now = options.now ?? Date.now;
		this.#host = options.host ?? os.hostname();
		this.#retentionMs = {
			events: (options.retentionDays?.events ?? defaultRetentionDays.events) * dayMs,
			samples: (options.retentionDays?.samples ?? defaultRetentionDays.samples) * dayMs,
		};
		this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
		this.#retryDelays = options.retryDelayMs ?? defaultRetryDelayMs;
		this.#retryDelayMs = this.#retryDelays.first;
		this.#onWarning = options.onWarning;
		this.#connectTo = options.connect ?? ((target, connectOptions) => new Database(target, connectOptions));
		try {
			this.#openRepairing(true);
		} catch (error) {
			this.#trouble('cannot be opened', error);
		}
	}

	get available(): boolean {
		return this.#statements !== null && this.#outage === null;
	}

	get warning(): string | null {
		return this.#warning;
	}

	record(event: NewEvent): number | null {
		return this.#submit([event])?.at(-1) ?? null;
	}

	recordMany(events: Iterable<NewEvent>): number {
		const list = [...events];
		return Math.min(this.#submit(list)?.length ?? 0, list.length);
	}

	sample(sample: NewSample): void {
		// Not held through an outage: the next poll's sample supersedes this one.
		if (this.#closed || (this.#held.length > 0 && !this.#flush())) {
			return;
		}

		this.#use('write failed', undefined, statements => {
			const latency = sample.latencyMs === null || !Number.isFinite(sample.latencyMs) ? null : Math.round(sample.latencyMs);
			statements.insertSample.run(sample.account, this.#epoch(sample.at), packLevels(sample), latency);
		});
	}

	events(query: EventQuery = {}): JournalEvent[] {
		return this.#use('read failed', [], statements => statements.events.all({
			since: query.since ?? 0,
			until: query.until ?? Number.MAX_SAFE_INTEGER,
			account: query.account ?? null,
			component: query.component ?? null,
			kinds: query.kinds && query.kinds.length > 0 ? JSON.stringify(query.kinds) : null,
			limit: query.limit ?? -1,
		}).map(row => ({
			...row,
			at: new Date(row.at).toISOString(),
			detail: row.detail === null ? {} : JSON.parse(row.detail) as Record<string, unknown>,
		})));
	}

	samples(account: string, limit: number): HealthSample[] {
		return this.#use('read failed', [], statements => statements.samples.all(account, limit).reverse().map(row => ({
			account,
			at: new Date(row.at).toISOString(),
			...unpackLevels(row.levels),
			latencyMs: row.latency_ms,
		})));
	}

	report(sinceMs: number): ComponentReport[] {
		const until = this.#now();
		// One read transaction: every component is reported from the same snapshot.
		return this.#use('read failed', [], statements => this.#db!.transaction(() => statements.components.all().flatMap(
			component => statements.componentReport.all({component, since: sinceMs, until}),
		))());
	}

	prune(): PruneResult {
		return this.#use('prune failed', {events: 0, samples: 0}, statements => {
			const now = this.#now();
			const events = drain(() => statements.pruneEvents.run(now - this.#retentionMs.events, pruneBatchSize).changes);
			let samples = 0;
			for (const {account} of statements.sampleAccounts.all()) {
				samples += drain(() => statements.pruneSamples.run(account, account, now - this.#retentionMs.samples, pruneBatchSize).changes);
			}

			return {events, samples};
		});
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		if (this.#retryTimer !== null) {
			clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}

		if (this.#held.length > 0 || this.#dropped !== null) {
			// One last try, whatever the backoff says: after this the events are gone for good.
			this.#retryAt = 0;
			if (!this.#flush()) {
				const lost = this.#held.length + (this.#dropped?.count ?? 0);
				this.#warn(`journal ${this.path}: ${lost} event${lost === 1 ? '' : 's'} could not be written before closing and ${lost === 1 ? 'is' : 'are'} lost`);
			}
		}

		this.#release();
	}

	/** Hold `events` behind any already held, then try to write them all; the new events' ids when written now. */
	#submit(events: NewEvent[]): number[] | null {
		if (this.#closed || events.length === 0) {
			return this.#closed ? null : [];
		}

		// Stamped now: an event written after an outage keeps the time it happened.
		const at = new Date(this.#now()).toISOString();
		this.#held.push(...events.map(event => (event.at === undefined ? {...event, at} : event)));
		const ids = this.#flushIds();
		if (ids === null) {
			this.#trimHeld();
			this.#scheduleRetry();
			return null;
		}

		return ids.slice(-events.length);
	}

	/** Write everything held (with a note of what was dropped) in one transaction; true when nothing is left held. */
	#flush(): boolean {
		return this.#held.length === 0 && this.#dropped === null ? true : this.#flushIds() !== null;
	}

	#flushIds(repaired = false): number[] | null {
		const statements = this.#ready();
		if (statements === null) {
			return null;
		}

		const held = this.#held;
		const dropped = this.#dropped;
		let ids: number[];
		try {
			ids = this.#db!.transaction(() => {
				if (dropped !== null) {
					this.#insert(statements, {
						kind: 'journal.dropped',
						message: `${dropped.count} event${dropped.count === 1 ? '' : 's'} from ${dropped.from} to ${dropped.to} were lost while the journal could not be written (at most ${heldEventsLimit} are held)`,
						detail: {dropped: dropped.count, from: dropped.from, to: dropped.to},
					});
				}

				return held.map(event => this.#insert(statements, event));
			}).immediate();
		} catch (error) {
			const replaced = this.#failed('write failed', error);
			// A fresh journal in place of a damaged one: write what is held there at once.
			return replaced && !repaired ? this.#flushIds(true) : null;
		}

		this.#held = [];
		this.#dropped = null;
		this.#recovered(held.length, dropped?.count ?? 0);
		return ids;
	}

	/** Keep at most `heldEventsLimit` held events, counting what is dropped (the oldest). */
	#trimHeld(): void {
		const excess = this.#held.length - heldEventsLimit;
		if (excess <= 0) {
			return;
		}

		const dropped = this.#held.splice(0, excess);
		this.#dropped = {
			count: (this.#dropped?.count ?? 0) + excess,
			from: this.#dropped?.from ?? dropped[0]!.at!,
			to: dropped.at(-1)!.at!,
		};
	}

	/** Run a read or a one-statement write on a usable connection; on failure, the fallback. */
	#use<T>(failure: string, fallback: T, work: (statements: Statements) => T): T {
		if (this.#closed) {
			return fallback;
		}

		const statements = this.#ready();
		if (statements === null) {
			return fallback;
		}

		try {
			return work(statements);
		} catch (error) {
			this.#failed(failure, error);
			return fallback;
		}
	}

	/**
	 * The prepared statements of a connection to the journal now at `path`, reconnecting when
	 * there is none (and a retry is due) or when the file was replaced since (another process moved
	 * a damaged journal aside). Null while the journal cannot be used.
	 */
	#ready(): Statements | null {
		if (this.#statements !== null && this.#onCurrentFile()) {
			return this.#statements;
		}

		if (this.#outage !== null && performance.now() < this.#retryAt) {
			return null;
		}

		this.#release();
		try {
			this.#openRepairing(false);
			return this.#statements;
		} catch (error) {
			this.#trouble('cannot be opened', error);
			return null;
		}
	}

	#onCurrentFile(): boolean {
		const current = statSync(this.path, {throwIfNoEntry: false});
		return current !== undefined && this.#identity !== null && current.dev === this.#identity.dev && current.ino === this.#identity.ino;
	}

	/** A failed statement: a damaged file is replaced (true), anything else starts or extends an outage. */
	#failed(failure: string, error: unknown): boolean {
		if (isDamaged(error)) {
			const found = this.#identity;
			this.#release();
			try {
				this.#replaceDamaged(found ?? undefined, error);
				return true;
			} catch (repairError) {
				this.#trouble(failure, repairError);
				return false;
			}
		}

		this.#trouble(failure, error);
		return false;
	}

	/**
	 * Start (saying so once) or extend an outage: drop the connection (one that failed on I/O is not
	 * trusted further) and retry later, each delay twice the last, up to the maximum.
	 */
	#trouble(failure: string, error: unknown): void {
		this.#release();
		if (this.#outage === null) {
			this.#outage = {since: performance.now()};
			this.#retryDelayMs = this.#retryDelays.first;
			this.#warn(`journal ${this.path} ${failure} (${describe(error)}); fleetdeck keeps monitoring, holds up to ${heldEventsLimit} events in memory and retries`);
		} else {
			this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, this.#retryDelays.max);
		}

		this.#retryAt = performance.now() + this.#retryDelayMs;
		if (this.#retryTimer !== null) {
			clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}

		this.#scheduleRetry();
	}

	/** Write what is held when the retry is due, even if no new event comes to trigger it. */
	#scheduleRetry(): void {
		if (this.#closed || this.#held.length === 0 || this.#retryTimer !== null) {
			return;
		}

		// Unref'd: held events never keep a finished command alive (close makes the last try).
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (!this.#flush()) {
				this.#scheduleRetry();
			}
		}, Math.max(0, this.#retryAt - performance.now())).unref();
	}

	#recovered(written: number, dropped: number): void {
		if (this.#outage === null) {
			return;
		}

		const seconds = Math.round((performance.now() - this.#outage.since) / 100) / 10;
		this.#outage = null;
		this.#retryDelayMs = this.#retryDelays.first;
		this.#warn(`journal ${this.path} can be written again after ${seconds} s; wrote the ${written} held event${written === 1 ? '' : 's'}${dropped > 0 ? `, ${dropped} older one${dropped === 1 ? ' was' : 's were'} lost (journaled as journal.dropped)` : ''}`);
	}

	#insert(statements: Statements, event: NewEvent): number {
		const detail = event.detail === undefined ? {} : redactDetail(event.detail);
		return Number(statements.insertEvent.run(
			this.#epoch(event.at),
			this.#host,
			event.kind,
			event.account ?? null,
			event.component ?? null,
			Number.isSafeInteger(event.pid) ? event.pid! : null,
			event.level ?? defaultLevels[event.kind],
			redactText(event.message),
			Object.keys(detail).length === 0 ? null : JSON.stringify(detail),
		).lastInsertRowid);
	}

	#epoch(at: string | undefined): number {
		const parsed = at === undefined ? Number.NaN : Date.parse(at);
		return Number.isNaN(parsed) ? this.#now() : parsed;
	}

	#openRepairing(check: boolean): void {
		try {
			this.#connect(check);
		} catch (error) {
			if (!isDamaged(error)) {
				throw error;
			}

			const found = this.#identity;
			this.#release();
			this.#replaceDamaged(found ?? undefined, error);
		}
	}

	/**
	 * Move the damaged file aside and start a fresh journal, saying so once: on stderr (the warning
	 * hook) and as the new journal's first event. Only on proof of damage (CORRUPT, NOTADB, a failed
	 * quick_check), never on a busy or locked database: decks and supervisors share this file.
	 */
	#replaceDamaged(found: Identity | undefined, error: unknown): void {
		const movedTo = this.#moveAside(found);
		this.#connect(false);
		if (movedTo === null) {
			this.#warn(`journal ${this.path} was damaged (${describe(error)}) and has already been replaced by another fleetdeck process`);
			return;
		}

		const message = `journal ${this.path} was damaged (${describe(error)}); moved it to ${movedTo} and started a fresh journal`;
		this.#warn(message);
		this.#insert(this.#statements!, {kind: 'journal.replaced', message, detail: {movedTo}});
	}

	#connect(check: boolean): void {
		this.#createPrivately();
		const db = this.#connectTo(this.path, {timeout: this.#busyTimeoutMs});
		this.#db = db;
		// The file this connection is on, for proof that a file found damaged is still the one at `path`.
		const stats = statSync(this.path);
		this.#identity = {dev: stats.dev, ino: stats.ino};
		db.pragma('journal_mode = WAL');
		// A process crash loses nothing committed in WAL mode with NORMAL; only an OS crash or power
		// loss can drop the last few events, a fair price for not fsyncing on every event.
		db.pragma('synchronous = NORMAL');
		if (check) {
			// Damaged interior pages pass the open and fail only the statements that reach them, maybe
			// weeks later: looked for once, when a process first opens the journal.
			const verdict: unknown = db.pragma('quick_check(1)', {simple: true});
			if (verdict !== 'ok') {
				throw new DamagedJournal(`quick_check: ${String(verdict).replaceAll(/\s*\n\s*/g, ' ')}`);
			}
		}

		migrate(db);
		this.#statements = prepareStatements(db);
	}

	/**
	 * A new journal is its owner's alone, whatever the umask: its directory 0700 when created here,
	 * the database 0600 (SQLite gives its -wal and -shm the database's mode). An existing file or
	 * directory keeps the mode its owner chose.
	 */
	#createPrivately(): void {
		ensurePrivateDir(path.dirname(this.path));
		let fd: number;
		try {
			fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, privateFileMode);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
				return;
			}

			throw error;
		}

		try {
			fchmodSync(fd, privateFileMode);
		} finally {
			closeSync(fd);
		}
	}

	/**
	 * Rename the damaged file (and its WAL and shared-memory index, which belong to it) aside, never
	 * delete it. Skipped when the file is no longer the one found damaged: another fleetdeck process
	 * moved it first and may already have started a fresh journal in its place.
	 */
	#moveAside(found: Identity | undefined): string | null {
		const current = statSync(this.path, {throwIfNoEntry: false});
		if (!found || !current || current.dev !== found.dev || current.ino !== found.ino) {
			return null;
		}

		const movedTo = `${this.path}.corrupt-${new Date(this.#now()).toISOString().replaceAll(/[:.]/g, '-')}`;
		renameSync(this.path, movedTo);
		for (const suffix of ['-wal', '-shm']) {
			if (existsSync(this.path + suffix)) {
				renameSync(this.path + suffix, movedTo + suffix);
			}
		}

		return movedTo;
	}

	#warn(message: string): void {
		this.#warning = message;
		this.#onWarning?.(message);
	}

	#release(): void {
		this.#statements = null;
		this.#identity = null;
		try {
			this.#db?.close();
		} catch {}

		this.#db = null;
	}
}

/** Run a batched DELETE until a batch comes back short. */
function drain(batch: () => number): number {
	let total = 0;
	let removed: number;
	do {
		removed = batch();
		total += removed;
	} while (removed === pruneBatchSize);

	return total;
}

/** Proof that the file is not (or no longer) a usable SQLite database, as opposed to being busy or unreachable. */
function isDamaged(error: unknown): boolean {
	return error instanceof DamagedJournal || (error instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code));
}

function describe(error: unknown): string {
	if (error instanceof Database.SqliteError) {
		return `${error.code}: ${error.message}`;
	}

	return error instanceof Error ? error.message : String(error);
}
