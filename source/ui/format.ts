import {displayWidth, sliceToWidth} from '../text/width.js';

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

/**
 * Word-wrap `text` to lines of at most `width` cells (longer words are cut between characters).
 * Callers pass printable text: a raw newline would be taken for a space.
 */
export function wrapText(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && displayWidth(line) + 1 + displayWidth(word) > room) {
			lines.push(line);
			line = '';
		}

		line = line ? `${line} ${word}` : word;
		while (displayWidth(line) > room) {
			// At least one character a line, even one wider than the room, so the loop always ends.
			const head = sliceToWidth(line, room) || [...line][0] || '';
			lines.push(head);
			line = line.slice(head.length);
		}
	}

	if (line) {
		lines.push(line);
	}

	return lines;
}
