const isoPattern =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The instants a lock timestamp may name: from 2000-01-01 up to (not including) 2200-01-01 UTC.
 * Anything outside is a broken clock or a misread unit, never a lock's real age, and the range
 * keeps every value far inside what `Date` can represent. It also makes the unit of an epoch
 * number unambiguous: the range spans a factor of 7.7, the units a factor of 1000 each.
 */
export const earliestTimestampMs = Date.UTC(2000, 0, 1);
export const latestTimestampMs = Date.UTC(2200, 0, 1);

/** What a timestamp field must hold, for the reason given when one is ignored. */
export const timestampExpectation = 'an ISO 8601 time or epoch seconds, milliseconds, microseconds or nanoseconds, between 2000 and 2200';
export const isoTimestampExpectation = 'an ISO 8601 time between 2000 and 2200';

function plausible(epochMs: number): number | null {
	return Number.isFinite(epochMs) && epochMs >= earliestTimestampMs && epochMs < latestTimestampMs ? Math.round(epochMs) : null;
}

function daysInMonth(year: number, monthIndex: number): number {
	return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function fromIso(text: string): number | null {
	const match = isoPattern.exec(text);
	if (!match) {
		return null;
	}

	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
	const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3))] as const;
	if (parts[1] < 0 || parts[1] > 11 || parts[2] < 1 || parts[2] > daysInMonth(parts[0], parts[1]) || parts[3] > 23 || parts[4] > 59 || parts[5] > 60) {
		return null;
	}

	if (zone === undefined) {
		// No zone: local time, as Python's datetime.now().isoformat() writes it.
		return plausible(new Date(...parts).getTime());
	}

	let offsetMinutes = 0;
	if (zone !== 'Z' && zone !== 'z') {
		const digits = zone.slice(1).replace(':', '');
		offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * (zone.startsWith('-') ? -1 : 1);
	}

	return plausible(Date.UTC(...parts) - offsetMinutes * 60_000);
}

/** Epoch seconds (Python's time.time()), milliseconds (Date.now()), microseconds or nanoseconds (time.time_ns()). */
const epochUnitsToMs = [1000, 1, 1e-3, 1e-6] as const;

/**
 * An epoch number in whichever unit puts it inside the plausible range. The ranges of the four
 * units do not overlap, so at most one does; a value that fits none (0, negative, year 1970 or
 * 3000 in any unit) is not a time.
 */
function fromEpoch(value: number): number | null {
	if (!Number.isFinite(value) || value <= 0) {
		return null;
	}

	for (const factor of epochUnitsToMs) {
		const epochMs = plausible(value * factor);
		if (epochMs !== null) {
			return epochMs;
		}
	}

	return null;
}

/**
 * Read an ISO 8601 timestamp as epoch ms: with or without a zone (zone-less means local time),
 * `T` or a space between date and time, any fraction digits. Null when it is not one, names a
 * day that does not exist, or lies outside 2000–2200.
 */
export function parseIsoTimestamp(value: unknown): number | null {
	return typeof value === 'string' ? fromIso(value.trim()) : null;
}

/**
 * Read a legacy timestamp as epoch ms: ISO 8601 (as parseIsoTimestamp), or an epoch number in
 * seconds, milliseconds, microseconds or nanoseconds (a JSON number or a decimal string). Null
 * when it is none of these or lies outside 2000–2200: every value returned is a finite integer
 * that `new Date(…).toISOString()` can always format.
 */
export function parseTimestamp(value: unknown): number | null {
	if (typeof value === 'number') {
		return fromEpoch(value);
	}

	if (typeof value !== 'string') {
		return null;
	}

	const text = value.trim();
	return /^\d+(?:\.\d+)?$/.test(text) ? fromEpoch(Number(text)) : fromIso(text);
}
