import {defaultLevels} from '../../journal/kinds.js';
import {redactDetail, redactText} from '../../journal/redact.js';
import type {EventQuery, HealthSample, JournalEvent, NewEvent, NewSample} from '../../journal/types.js';
import type {EventLog} from '../ports/event-sink.js';

export interface MemoryEventLogOptions {
	/** Epoch ms for events and samples recorded without a time; default the system clock. */
	now?: () => number;
	/** Host name stamped on events; default `memory`. */
	host?: string;
}

/** A kind filter as the journal reads one: an exact kind, or a family (`lock` is every `lock.*`). */
function kindMatches(kind: string, wanted: readonly string[]): boolean {
	return wanted.some(value => kind === value || kind.startsWith(`${value}.`));
}

/**
 * The journal's EventLog without SQLite: events and samples kept in arrays, filled in and redacted
 * as the journal does (id, host, default level, `at` from the clock), read back with the same
 * query rules. For tests of the runtime, and wherever history need not outlive the process.
 */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): EventLog & {readonly all: readonly JournalEvent[]} {
	const now = options.now ?? Date.now;
	const host = options.host ?? 'memory';
	const events: JournalEvent[] = [];
	const samples = new Map<string, HealthSample[]>();
	const epoch = (at: string | undefined) => {
		const parsed = at === undefined ? Number.NaN : Date.parse(at);
		return Number.isNaN(parsed) ? now() : parsed;
	};

	return {
		get all() {
			return events;
		},
		record(event: NewEvent) {
			events.push({
				id: events.length + 1,
				at: new Date(epoch(event.at)).toISOString(),
				host,
				kind: event.kind,
				account: event.account ?? null,
				component: event.component ?? null,
				pid: Number.isSafeInteger(event.pid) ? event.pid! : null,
				level: event.level ?? defaultLevels[event.kind],
				message: redactText(event.message),
				detail: event.detail === undefined ? {} : redactDetail(event.detail),
			});
		},
		sample(sample: NewSample) {
			const at = new Date(epoch(sample.at)).toISOString();
			const kept = (samples.get(sample.account) ?? []).filter(other => other.at !== at);
			kept.push({...sample, at});
			kept.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
			samples.set(sample.account, kept);
		},
		events(query: EventQuery = {}) {
			const matching = events
				.filter(event => {
					const at = Date.parse(event.at);
					return at >= (query.since ?? 0) && at <= (query.until ?? Number.MAX_SAFE_INTEGER)
						&& (query.account === undefined || event.account === query.account)
						&& (query.component === undefined || event.component === query.component)
						&& (query.kinds === undefined || query.kinds.length === 0 || kindMatches(event.kind, query.kinds));
				})
				.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
			return query.limit === undefined || query.limit < 0 ? matching : matching.slice(Math.max(0, matching.length - query.limit));
		},
		samples(account: string, limit: number) {
			const kept = samples.get(account) ?? [];
			return kept.slice(Math.max(0, kept.length - limit));
		},
	};
}
