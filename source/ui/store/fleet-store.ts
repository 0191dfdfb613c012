import {isDeepStrictEqual} from 'node:util';
import type {FleetSnapshot} from '../../runtime/snapshot.js';
import type {JournalEvent} from '../../runtime/journal.js';
import type {DeckSources} from '../../runtime/deck-sources.js';
import {systemClock, systemTimers, type Clock, type TimerHandle, type Timers} from '../sources.js';
import {createEmitter} from './emitter.js';

/** What the deck shows of the fleet; a new object only when something visible changed. */
export interface FleetState {
	/** The last snapshot built; null until the first build succeeds. */
	snapshot: FleetSnapshot | null;
	/** Why the last build failed; null after a success. */
	error: string | null;
	/** The last successful snapshot is older than three poll intervals (or none came in that long). */
	stale: boolean;
	/** Clock time to the minute, for the header clock. */
	now: number;
	/** The newest journal events, oldest first. */
	events: JournalEvent[];
	/** Recent status-poll latencies (ms) per account id, oldest first. */
	latency: Record<string, number[]>;
}

export interface FleetStore {
	getState(): FleetState;
	/** For `useSyncExternalStore`: called after every visible change; returns the unsubscribe. */
	subscribe(listener: () => void): () => void;
	/** Rebuild now (the `r` key, or after an action). */
	refresh(): void;
	/** Stop every timer and watcher; nothing is emitted afterwards. */
	dispose(): void;
}

export interface FleetStoreOptions {
	sources: DeckSources;
	clock?: Clock;
	timers?: Timers;
	/** Quiet time after a lock-directory change before rebuilding (one burst of writes, one build). */
	debounceMs?: number;
	/** How often the clock (and the STALE check) ticks. */
	tickMs?: number;
	eventLimit?: number;
	latencyLimit?: number;
}

/** Snapshots differ visibly only outside `generatedAt`, which changes on every build. */
export function sameSnapshot(a: FleetSnapshot | null, b: FleetSnapshot | null): boolean {
	if (a === null || b === null) {
		return a === b;
	}

	return isDeepStrictEqual({...a, generatedAt: ''}, {...b, generatedAt: ''});
}

function sameEvents(a: JournalEvent[], b: JournalEvent[]): boolean {
	return a.length === b.length && a.every((event, index) => event.id === b[index]?.id);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export function createFleetStore(options: FleetStoreOptions): FleetStore {
	const {sources, clock = systemClock, timers = systemTimers, debounceMs = 50, tickMs = 1000, eventLimit = 200, latencyLimit = 30} = options;
	const pollMs = Math.max(0.1, sources.pollSeconds) * 1000;
	const emitter = createEmitter();
	const startedAt = clock.now();
	let lastSuccessAt: number | null = null;
	let building = false;
	let again = false;
	let disposed = false;
	let debounce: TimerHandle | null = null;

	// The header clock shows minutes: a clock to the second would redraw the whole frame every
	// second (Ink renders every line on every change), about 1.5 % of a core for an idle deck.
	// The tick stays at a second so STALE shows on time; it emits only when something changed.
	const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
	const isStale = (now: number) => now - (lastSuccessAt ?? startedAt) > 3 * pollMs;

	let state: FleetState = {snapshot: null, error: null, stale: false, now: minute(startedAt), events: [], latency: {}};

	const update = (patch: Partial<FleetState>) => {
		if (disposed) {
			return;
		}

		const next = {...state, ...patch};
		const visible
			= next.snapshot !== state.snapshot
			|| next.error !== state.error
			|| next.stale !== state.stale
			|| next.now !== state.now
			|| next.events !== state.events
			|| next.latency !== state.latency;
		if (visible) {
			state = next;
			emitter.emit();
		}
	};

	const readJournal = (snapshot: FleetSnapshot | null): Pick<FleetState, 'events' | 'latency'> => {
		const events = sources.recentEvents(eventLimit);
		const latency: Record<string, number[]> = {};
		for (const account of snapshot?.accounts ?? []) {
			latency[account.id] = sources.latency(account.id, latencyLimit);
		}

		return {
			events: sameEvents(events, state.events) ? state.events : events,
			latency: isDeepStrictEqual(latency, state.latency) ? state.latency : latency,
		};
	};

	const build = async () => {
		building = true;
		try {
			const built = await sources.snapshot();
			if (disposed) {
				return;
			}

			lastSuccessAt = clock.now();
			const snapshot = sameSnapshot(built, state.snapshot) ? state.snapshot : built;
			update({snapshot, error: null, stale: false, ...readJournal(snapshot)});
		} catch (error) {
			const now = clock.now();
			update({error: errorText(error), stale: isStale(now)});
		} finally {
			building = false;
			if (again && !disposed) {
				again = false;
				void build();
			}
		}
	};

	// Single flight: a request during a build is remembered once, never run beside it.
	const refresh = () => {
		if (disposed) {
			return;
		}

		if (building) {
			again = true;
			return;
		}

		void build();
	};

	const onLocksChanged = () => {
		if (disposed) {
			return;
		}

		if (debounce !== null) {
			timers.clearTimeout(debounce);
		}

		debounce = timers.setTimeout(() => {
			debounce = null;
			refresh();
		}, debounceMs);
	};

	const tick = () => {
		const now = clock.now();
		update({now: minute(now), stale: isStale(now)});
	};

	const unwatch = sources.watchLocks(onLocksChanged);
	const poll = timers.setInterval(refresh, pollMs);
	const clockTick = timers.setInterval(tick, tickMs);
	refresh();

	return {
		getState: () => state,
		subscribe: emitter.subscribe,
		refresh,
		dispose() {
			if (disposed) {
				return;
			}

			disposed = true;
			unwatch();
			timers.clearInterval(poll);
			timers.clearInterval(clockTick);
			if (debounce !== null) {
				timers.clearTimeout(debounce);
				debounce = null;
			}

			emitter.clear();
		},
	};
}
