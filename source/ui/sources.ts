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

/** Epoch milliseconds. */
export interface Clock {
	now(): number;
}

/** Opaque handle returned by `Timers`. */
export type TimerHandle = unknown;

/** The timer functions the stores use, injected so tests drive time by hand. */
export interface Timers {
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle): void;
	setInterval(callback: () => void, ms: number): TimerHandle;
	clearInterval(handle: TimerHandle): void;
}

export const systemClock: Clock = {now: () => Date.now()};

export const systemTimers: Timers = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
	setInterval: (callback, ms) => setInterval(callback, ms),
	clearInterval: handle => clearInterval(handle as NodeJS.Timeout),
};
