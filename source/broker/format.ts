/** A duration in an operator's words: `850 ms`, `12 s`, `45 min`, `4.2 h`. */
export function formatDuration(ms: number): string {
	const abs = Math.abs(ms);
	if (abs < 1000) {
		return `${Math.round(ms)} ms`;
	}

	if (abs < 90_000) {
		return `${trim(ms / 1000)} s`;
	}

	if (abs < 90 * 60_000) {
		return `${Math.round(ms / 60_000)} min`;
	}

	return `${trim(ms / 3_600_000)} h`;
}

function trim(value: number): number {
	return Number(value.toFixed(1));
}
