import {JournalInputError} from './types.js';

const unitMs: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000};

/** A date, optionally with a time and zone: 2026-11-22, 2026-11-22T18:00, 2026-11-22 18:00:00Z, …+02:00. */
const isoDate = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `--since` as epoch ms: a duration back from `now` (`30m`, `24h`, `7d`, also `s` and `w`) or an
 * ISO date (a date or time without a zone is local time, as the operator reads a clock).
 */
export function parseSince(text: string, now: number): number {
	const trimmed = text.trim();
	const duration = /^(\d+)\s*([smhdw])$/i.exec(trimmed);
	if (duration?.[1] !== undefined && duration[2] !== undefined) {
		const amount = Number(duration[1]);
		if (amount <= 0) {
			throw new JournalInputError(`--since "${text}" must be longer than zero`);
		}

		return now - amount * unitMs[duration[2].toLowerCase()]!;
	}

	if (isoDate.test(trimmed)) {
		// A bare date parses as UTC midnight in JavaScript; the operator means local midnight.
		const at = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00` : trimmed.replace(' ', 'T'));
		if (Number.isNaN(at)) {
			throw new JournalInputError(`--since "${text}" is not a real date`);
		}

		if (at > now) {
			throw new JournalInputError(`--since "${text}" is in the future`);
		}

		return at;
	}

	throw new JournalInputError(`--since "${text}" is not understood; expected a duration such as 30m, 24h, 7d or an ISO date such as 2026-11-22 or 2026-11-22T18:00:00Z`);
}
