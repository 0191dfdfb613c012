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

/** Short durations for narrow columns: 45s, 12m03s, 1h02m, 3d04h; `-` when unknown. */
export function shortDuration(seconds: number | null): string {
	if (seconds === null || !Number.isFinite(seconds) || seconds < 0) {
		return '-';
	}

	const s = Math.floor(seconds);
	const two = (n: number) => String(n).padStart(2, '0');
	if (s < 60) {
		return `${s}s`;
	}

	if (s < 3600) {
		return `${Math.floor(s / 60)}m${two(s % 60)}s`;
	}

	if (s < 86_400) {
		return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
	}

	return `${Math.floor(s / 86_400)}d${two(Math.floor(s / 3600) % 24)}h`;
}
