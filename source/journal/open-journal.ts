import {existsSync, mkdirSync, renameSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
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
 * Open (creating it and its directory when needed) the journal at `file`. Never throws: a file
 * that is not a database is moved aside to `<name>.corrupt-<timestamp>` and a fresh journal
 * started; anything else that stops the journal (read-only disk, permissions, a newer schema, a
 * write that fails later) leaves a no-op journal whose `warning` says why.
 */
/**
 * The warning hook of a command-line run: the journal's trouble (cannot open, disk full) is said
 * on stderr when it happens, once, and the command carries on without history.
 */
export function warnOnStderr(message: string): void {
	process.stderr.write(`fleetdeck: ${message}\n`);
}

export function openJournal(file: string, options: JournalOptions = {}): Journal {
	return new SqliteJournal(path.resolve(file), options);
}

class SqliteJournal implements Journal {
	readonly path: string;
	#db: Database.Database | null = null;
	#statements: Statements | null = null;
	#failed = false;
	#warning: string | null = null;
	readonly #now: () => number;
	readonly #host: string;
	readonly #retentionMs: {events: number; samples: number};
	readonly #busyTimeoutMs: number;
	readonly #onWarning: ((message: string) => void) | undefined;

	constructor(file: string, options: JournalOptions) {
		this.path = file;
		this.#now = options.now ?? Date.now;
		this.#host = options.host ?? os.hostname();
		this.#retentionMs = {
			events: (options.retentionDays?.events ?? defaultRetentionDays.events) * dayMs,
			samples: (options.retentionDays?.samples ?? defaultRetentionDays.samples) * dayMs,
		};
		this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
		this.#onWarning = options.onWarning;
		try {
			mkdirSync(path.dirname(file), {recursive: true});
			this.#openRepairing();
		} catch (error) {
			this.#fail('cannot be opened', error);
		}
	}

	get available(): boolean {
		return this.#statements !== null;
	}

	get warning(): string | null {
		return this.#warning;
	}

	record(event: NewEvent): number | null {
		return this.#guard('write failed', null, statements => this.#insert(statements, event));
	}

	recordMany(events: Iterable<NewEvent>): number {
		return this.#guard('write failed', 0, statements => this.#db!.transaction(() => {
			let count = 0;
			for (const event of events) {
				this.#insert(statements, event);
				count++;
			}

			return count;
		}).immediate());
	}

	sample(sample: NewSample): void {
		this.#guard('write failed', undefined, statements => {
			const latency = sample.latencyMs === null || !Number.isFinite(sample.latencyMs) ? null : Math.round(sample.latencyMs);
			statements.insertSample.run(sample.account, this.#epoch(sample.at), packLevels(sample), latency);
		});
	}

	events(query: EventQuery = {}): JournalEvent[] {
		return this.#guard('read failed', [], statements => statements.events.all({
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
		return this.#guard('read failed', [], statements => statements.samples.all(account, limit).reverse().map(row => ({
			account,
			at: new Date(row.at).toISOString(),
			...unpackLevels(row.levels),
			latencyMs: row.latency_ms,
		})));
	}

	report(sinceMs: number): ComponentReport[] {
		const until = this.#now();
		// One read transaction: every component is reported from the same snapshot.
		return this.#guard('read failed', [], statements => this.#db!.transaction(() => statements.components.all().flatMap(
			component => statements.componentReport.all({component, since: sinceMs, until}),
		))());
	}

	prune(): PruneResult {
		return this.#guard('prune failed', {events: 0, samples: 0}, statements => {
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
		this.#release();
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

	#openRepairing(): void {
		const found = statSync(this.path, {throwIfNoEntry: false});
		try {
			this.#connect();
		} catch (error) {
			if (!isDamaged(error)) {
				throw error;
			}

			this.#release();
			const movedTo = this.#moveAside(found);
			this.#connect();
			this.#warn(movedTo === null
				? `journal ${this.path} was damaged (${describe(error)}) and has already been replaced by another fleetdeck process`
				: `journal ${this.path} was damaged (${describe(error)}); moved it to ${movedTo} and started a fresh journal`);
		}
	}

	#connect(): void {
		const db = new Database(this.path, {timeout: this.#busyTimeoutMs});
		this.#db = db;
		db.pragma('journal_mode = WAL');
		// A process crash loses nothing committed in WAL mode with NORMAL; only an OS crash or power
		// loss can drop the last few events, a fair price for not fsyncing on every event.
		db.pragma('synchronous = NORMAL');
		migrate(db);
		this.#statements = prepareStatements(db);
	}

	/**
	 * Rename the damaged file (and its WAL and shared-memory index, which belong to it) aside, never
	 * delete it. Skipped when the file is no longer the one found damaged: another fleetdeck process
	 * moved it first and may already have started a fresh journal in its place.
	 */
	#moveAside(found: {dev: number; ino: number} | undefined): string | null {
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

	#guard<T>(failure: string, fallback: T, work: (statements: Statements) => T): T {
		if (!this.#statements) {
			return fallback;
		}

		try {
			return work(this.#statements);
		} catch (error) {
			this.#fail(failure, error);
			return fallback;
		}
	}

	#fail(failure: string, error: unknown): void {
		this.#release();
		if (!this.#failed) {
			this.#failed = true;
			this.#warn(`journal ${this.path} ${failure} (${describe(error)}); fleetdeck keeps monitoring without history`);
		}
	}

	#warn(message: string): void {
		this.#warning = message;
		this.#onWarning?.(message);
	}

	#release(): void {
		this.#statements = null;
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

/** The file is not (or no longer) a usable SQLite database, as opposed to being unreachable. */
function isDamaged(error: unknown): boolean {
	return error instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code);
}

function describe(error: unknown): string {
	if (error instanceof Database.SqliteError) {
		return `${error.code}: ${error.message}`;
	}

	return error instanceof Error ? error.message : String(error);
}
