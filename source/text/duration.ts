/** A duration in an operator's words, for messages and reasons: `850 ms`, `12 s`, `45 min`, `4.2 h`. */
export function formatDuration(ms: number): string {
	const abs = Math.abs(ms);
	if (abs < 1000) {
		return `${Math.round(ms)} ms`;
	}

	if (abs < 90_000) {
		return `${oneDecimal(ms / 1000)} s`;
	}

	if (abs < 90 * 60_000) {
		return `${Math.round(ms / 60_000)} min`;
	}

	return `${oneDecimal(ms / 3_600_000)} h`;
}

function oneDecimal(value: number): number {
	return Number(value.toFixed(1));
}

/** A duration in its two largest units, joined by `gap`: `45s`, `12m03s` or `12m 03s`, `1h02m`, `3d04h`. */
export function twoUnits(seconds: number, gap = ''): string {
	const two = (n: number) => String(n).padStart(2, '0');
	if (seconds < 60) {
		return `${seconds}s`;
	}

	if (seconds < 3600) {
		return `${Math.floor(seconds / 60)}m${gap}${two(seconds % 60)}s`;
	}

	if (seconds < 86_400) {
		return `${Math.floor(seconds / 3600)}h${gap}${two(Math.floor(seconds / 60) % 60)}m`;
	}

	return `${Math.floor(seconds / 86_400)}d${gap}${two(Math.floor(seconds / 3600) % 24)}h`;
}

/** Short durations for narrow columns: 45s, 12m03s, 1h02m, 3d04h; `-` when unknown. */
export function shortDuration(seconds: number | null): string {
	if (seconds === null || !Number.isFinite(seconds) || seconds < 0) {
		return '-';
	}

	return twoUnits(Math.floor(seconds));
}
