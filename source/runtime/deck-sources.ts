import type {FleetSnapshot} from '../fleet/types.js';
import type {JournalEvent} from '../journal/types.js';

/** What the deck reads the world through; the CLI wires real adapters, tests wire plain data. */
export interface DeckSources {
	/** Build a fresh fleet snapshot (locks × processes × broker × config). */
	snapshot(): Promise<FleetSnapshot>;
	/** Call `onChange` whenever something in the locks directory changes; returns the unsubscribe. */
	watchLocks(onChange: () => void): () => void;
	/** The newest `limit` journal events, oldest first. */
	recentEvents(limit: number): JournalEvent[];
	/** The last `limit` status-poll latencies of an account in ms, oldest first. */
	latency(account: string, limit: number): number[];
	/** Seconds between polls; data older than three of them is STALE. */
	pollSeconds: number;
}
