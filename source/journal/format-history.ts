import {styleText} from 'node:util';
import {columnWidth} from '../text/columns.js';
import {printable} from '../text/printable.js';
import {fit} from '../text/width.js';
import type {EventLevel, JournalEvent} from './types.js';

export interface HistoryFormatOptions {
	/** Colour the level (the word is always there too); the caller passes false for NO_COLOR and pipes. */
	color?: boolean;
	/**
	 * Line width to fit, default 100. `Infinity` (output to a pipe or a file) keeps every message
	 * whole: the columns are still aligned, only the message is not cut.
	 */
	width?: number;
}

const levelStyles: Record<EventLevel, Parameters<typeof styleText>[0]> = {info: 'dim', warn: 'yellow', crit: 'red'};

/**
 * `fleetdeck history` as text: one line per event, oldest first, no line wider than `width`:
 * local time, level, kind, component (or account), pid, and as much of the message as fits
 * (all of it when `width` is `Infinity`).
 */
export function formatHistory(events: readonly JournalEvent[], options: HistoryFormatOptions = {}): string {
	if (events.length === 0) {
		return 'No events in this window.';
	}

	const width = options.width ?? 100;
	const who = events.map(event => event.component ?? event.account ?? '-');
	const pids = events.map(event => event.pid === null ? '-' : String(event.pid));
	const kindWidth = columnWidth(events.map(event => event.kind), 4, 18);
	const whoWidth = columnWidth(who, 1, 24);
	const pidWidth = columnWidth(pids, 1, 7);
	// Time (19), level (4), then kind, who and pid, each column followed by one space.
	const messageWidth = Math.max(10, width - (19 + 4 + kindWidth + whoWidth + pidWidth + 5));
	return events.map((event, index) => {
		const level = event.level.toUpperCase();
		return [
			localTime(event.at),
			options.color ? styleText(levelStyles[event.level], level, {validateStream: false}) : level,
			fit(event.kind, kindWidth),
			fit(who[index]!, whoWidth),
			fit(pids[index]!, pidWidth, 'right'),
			Number.isFinite(messageWidth) ? fit(event.message, messageWidth).trimEnd() : printable(event.message),
		].join(' ');
	}).join('\n');
}

/** `YYYY-MM-DD HH:MM:SS` in the local time zone, as the operator's clock shows it. */
export function localTime(iso: string): string {
	const at = new Date(iso);
	const two = (value: number) => String(value).padStart(2, '0');
	return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
