const isoPattern =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Epoch seconds this large are really milliseconds (a seconds value would be after year 5138). */
const millisecondsThreshold = 1e11;

function fromIso(text: string): number | null {
	const match = isoPattern.exec(text);
	if (!match) {
		return null;
	}

	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
	const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3))] as const;
	if (parts[1] > 11 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 || parts[4] > 59 || parts[5] > 60) {
		return null;
	}

	if (zone === undefined) {
		// No zone: local time, as Python's datetime.now().isoformat() writes it.
		return new Date(...parts).getTime();
	}

	let offsetMinutes = 0;
	if (zone !== 'Z' && zone !== 'z') {
		const digits = zone.slice(1).replace(':', '');
		offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * (zone.startsWith('-') ? -1 : 1);
	}

	return Date.UTC(...parts) - offsetMinutes * 60_000;
}

function fromEpoch(value: number): number | null {
	if (!Number.isFinite(value) || value <= 0) {
		return null;
	}

	return value >= millisecondsThreshold ? Math.round(value) : Math.round(value * 1000);
}

/**
 * Read a timestamp as epoch ms: ISO 8601 with or without a zone (zone-less means local time),
 * `T` or a space between date and time, any fraction digits; or epoch seconds (number or numeric
 * string). Null when it is none of these.
 */
export function parseTimestamp(value: unknown): number | null {
	if (typeof value === 'number') {
		return fromEpoch(value);
	}

	if (typeof value !== 'string') {
		return null;
	}

	const text = value.trim();
	if (/^\d+(?:\.\d+)?$/.test(text)) {
		return fromEpoch(Number(text));
	}

	const epochMs = fromIso(text);
	return epochMs === null || Number.isNaN(epochMs) ? null : epochMs;
}
