/** Short durations for narrow columns: 45s, 12m03s, 1h02m, 3d04h. */
export function duration(seconds: number | null): string {
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

export function bytes(value: number | null): string {
	if (value === null) {
		return '-';
	}

	const units = ['B', 'K', 'M', 'G', 'T'];
	let amount = value;
	let unit = 0;
	while (amount >= 1024 && unit < units.length - 1) {
		amount /= 1024;
		unit++;
	}

	return `${amount >= 100 || unit === 0 ? Math.round(amount) : amount.toFixed(1)}${units[unit]}`;
}

export function percent(value: number | null): string {
	return value === null ? '-' : `${value.toFixed(1)}%`;
}

/** Local wall-clock time, HH:MM:SS (HH:MM without seconds). */
export function clockTime(epochMs: number, {seconds = true}: {seconds?: boolean} = {}): string {
	const date = new Date(epochMs);
	const two = (n: number) => String(n).padStart(2, '0');
	const minutes = `${two(date.getHours())}:${two(date.getMinutes())}`;
	return seconds ? `${minutes}:${two(date.getSeconds())}` : minutes;
}

/** Spread values over the theme's bar characters, scaled to their own maximum. */
export function sparkline(values: number[], bars: readonly string[], width: number): string {
	const shown = values.slice(-width);
	const max = Math.max(...shown, 1);
	return shown.map(value => bars[Math.min(bars.length - 1, Math.floor((value / max) * (bars.length - 1)))] ?? '').join('');
}

/** Word-wrap `text` to lines of at most `width` characters (longer words are cut). */
export function wrapText(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && [...line].length + 1 + [...word].length > room) {
			lines.push(line);
			line = '';
		}

		line = line ? `${line} ${word}` : word;
		while ([...line].length > room) {
			lines.push([...line].slice(0, room).join(''));
			line = [...line].slice(room).join('');
		}
	}

	if (line) {
		lines.push(line);
	}

	return lines;
}
