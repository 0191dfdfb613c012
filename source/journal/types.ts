/**
 * The journal's public shapes (source/journal/README.md). `fleetdeck history --json` prints `JournalEvent[]`,
 * `fleetdeck report --json` prints a `ReportJson`; their field names are a contract.
 */

import type Database from 'better-sqlite3';

/** Every kind of event, grouped in families (`lock`, `process`, …) that `--kind lock` selects at once. */
export const eventKinds = [
	'lock.acquired',
	'lock.released',
	'lock.stale',
	'lock.cleared',
	'lock.heartbeat',
	'process.started',
	'process.exited',
	'process.restarted',
	'process.crash-loop',
	'stop.requested',
	'stop.escalated',
	'stop.confirmed',
	'stop.failed',
	'duplicate.seen',
	'duplicate.resolved',
	'health.changed',
	'drift.raised',
	'drift.resolved',
	'config.loaded',
	'config.rejected',
	'launch.started',
	'launch.skipped',
	'launch.failed',
	'supervisor.started',
	'supervisor.stopped',
	'journal.replaced',
	'journal.dropped',
] as const;

export type EventKind = (typeof eventKinds)[number];

export const eventLevels = ['info', 'warn', 'crit'] as const;
export type EventLevel = (typeof eventLevels)[number];

/** One thing that happened, as stored and as `history --json` prints it. */
export interface JournalEvent {
	/** Row id: grows with every event written to this journal file. */
	id: number;
	/** When it happened, ISO 8601 UTC with milliseconds. */
	at: string;
	/** Host name of the process that recorded it. */
	host: string;
	kind: EventKind;
	/**
	 * Account id from the config (`ATLAS`), not the broker login; set it on component events too, so
	 * `history --account` finds them. Null for services and fleet-wide events.
	 */
	account: string | null;
	/** Component or service name, which is also its lock NAME; null for account- or fleet-wide events. */
	component: string | null;
	/** The process the event is about (the bot, not the supervisor, when both exist). */
	pid: number | null;
	level: EventLevel;
	/**
	 * One short sentence for the operator. Keep secrets out of it; as a backstop it is stored through
	 * `redactText` (secret flags' values in a quoted command line, URL passwords are hidden).
	 */
	message: string;
	/** Structured facts (exit code, verdict, removed lock record, …) with secret-looking keys redacted. */
	detail: Record<string, unknown>;
}

/** What a caller hands to `record`: the journal fills in id and host, and `at` (now) when absent. */
export interface NewEvent {
	kind: EventKind;
	message: string;
	/** Defaults to the kind's usual level (`defaultLevels`). */
	level?: EventLevel;
	account?: string | null;
	component?: string | null;
	pid?: number | null;
	detail?: Record<string, unknown>;
	/** ISO 8601; defaults to the journal's clock. */
	at?: string;
}

/** One of the three health levels (DESIGN.md §7), as the journal keeps it. */
export const healthStates = ['unknown', 'ok', 'degraded', 'down'] as const;
export type HealthState = (typeof healthStates)[number];

/** One poll's health of one account, kept compactly for sparklines. */
export interface HealthSample {
	account: string;
	/** ISO 8601 UTC. */
	at: string;
	service: HealthState;
	connection: HealthState;
	broker: HealthState;
	/** How long the status poll took; null when it failed or was not measured. */
	latencyMs: number | null;
}

export type NewSample = Omit<HealthSample, 'at'> & {at?: string};

/** Filters for `events`; all optional, combined with AND. */
export interface EventQuery {
	/** Oldest event to return, epoch ms (inclusive). */
	since?: number;
	/** Newest event to return, epoch ms (inclusive). */
	until?: number;
	account?: string;
	component?: string;
	/** Exact kinds or whole families (`lock` matches every `lock.*`); see `parseKinds`. */
	kinds?: string[];
	/** Return only the newest `limit` events (still oldest first). */
	limit?: number;
}

/** One component's record over a report window. */
export interface ComponentReport {
	component: string;
	account: string | null;
	/** `process.restarted` events. */
	restarts: number;
	/** `process.crash-loop` events: times a supervisor gave up. */
	crashLoops: number;
	/** `lock.cleared` events: stale locks removed. */
	staleLocksCleared: number;
	/** `duplicate.seen` events: times a second instance appeared. */
	duplicatesSeen: number;
	/**
	 * Time from an exit or confirmed stop to the next start, summed over the window; a component
	 * still down at the end of the window counts until then.
	 */
	downtimeMs: number;
}

/** `fleetdeck report --json`. */
export interface ReportJson {
	/** Window start and end, ISO 8601 UTC. */
	since: string;
	until: string;
	components: ComponentReport[];
}

/** Rows removed by one `prune`. */
export interface PruneResult {
	events: number;
	samples: number;
}

export interface JournalOptions {
	/** How long to keep rows; defaults: events 90 days, samples 7 days. */
	retentionDays?: {events?: number; samples?: number};
	/** Clock, epoch ms; injected by tests. */
	now?: () => number;
	/** Host name stamped on events; defaults to `os.hostname()`. */
	host?: string;
	/** How long a writer waits for another writer's lock before giving up, ms (default 10 000). */
	busyTimeoutMs?: number;
	/**
	 * Called once per problem, with the same text as `warning`: a damaged file moved aside; the
	 * start of an outage (cannot open, a write failed) and its end; events lost at `close`.
	 */
	onWarning?: (message: string) => void;
	/** Delays between retries after a failed open or write, ms: doubling from `first` up to `max` (default 250 and 30 000). */
	retryDelayMs?: {first: number; max: number};
	/**
	 * The database seam, for fault-injection tests only: opens a connection to `file`. Defaults to
	 * better-sqlite3's constructor; every retry and repair decision stays in the journal's own code.
	 */
	connect?: (file: string, options: {timeout: number}) => Database.Database;
}

/**
 * The fleet's history. No method throws. When the database cannot be opened or a write fails
 * (disk full, I/O error, locked too long), events are held in memory (a bounded queue) and written
 * once it works again, retried with backoff; `available` is false meanwhile and `warning` says why.
 * A damaged file is moved aside, kept, and a fresh journal started.
 */
export interface Journal {
	/** Write one event; returns its id once committed, or null when nothing was written. */
	record(event: NewEvent): number | null;
	/** Write many events (an array or a lazy iterable) in one transaction; returns how many were committed. */
	recordMany(events: Iterable<NewEvent>): number;
	/** Write one health sample. A second sample for the same account and millisecond replaces the first. */
	sample(sample: NewSample): void;
	/** Events matching `query`, oldest first. */
	events(query?: EventQuery): JournalEvent[];
	/** The last `limit` samples of an account, oldest first. */
	samples(account: string, limit: number): HealthSample[];
	/** Per-component restarts, crash loops, stale locks cleared, duplicates and downtime from `sinceMs` to now. */
	report(sinceMs: number): ComponentReport[];
	/** Remove rows past retention, a few hundred per statement so other writers get in between. */
	prune(): PruneResult;
	close(): void;
	/** False while the journal cannot be written (its events are held and retried). */
	readonly available: boolean;
	/** What went wrong (or was repaired), in words for stderr; null while all is well. */
	readonly warning: string | null;
	/** The database file. */
	readonly path: string;
}

/** Bad user input to `history`/`report` (`--since`, `--kind`). The CLI prints the message and exits 64. */
export class JournalInputError extends Error {
	override name = 'JournalInputError';
}
