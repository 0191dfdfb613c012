import type {EventQuery, HealthSample, JournalEvent, NewEvent, NewSample} from '../../journal/types.js';

/**
 * Where the runtime says what happened: the fleet's changes (duplicates, stale locks, health,
 * drift), the writer election's lock events, one health sample per poll. The SQLite journal
 * (`journal/open-journal.ts`) is the one that keeps them; a notifier (mail, a chat hook) is
 * another sink, fed the same events. Like the journal, a sink never throws: a face must not go
 * down because a disk filled.
 */
export interface EventSink {
	/** Keep one event. */
	record(event: NewEvent): void;
	/** Keep one health sample of an account. */
	sample(sample: NewSample): void;
}

/**
 * A sink that can also be read back: what a deck shows in its events strip and latency sparkline.
 * The SQLite journal implements it; `adapters/memory-event-log.ts` is the in-memory one for tests.
 */
export interface EventLog extends EventSink {
	/** Events matching `query`, oldest first. */
	events(query?: EventQuery): JournalEvent[];
	/** The last `limit` samples of an account, oldest first. */
	samples(account: string, limit: number): HealthSample[];
}
