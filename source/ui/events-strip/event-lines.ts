import type {EventLevel, JournalEvent} from '../../runtime/journal.js';
import {printable} from '../../text/printable.js';
import {clockTime} from '../format.js';
import {cell, type Line} from '../line.js';
import type {Notice} from '../store/action-store.js';
import type {Theme, Tone} from '../theme.js';

/** A journal event or a deck notice, as the strip and the events view list them; `text` is printable. */
export interface EventItem {
	key: string;
	at: number;
	level: EventLevel;
	text: string;
}

const levelTones: Record<EventLevel, Tone> = {info: 'plain', warn: 'warn', crit: 'crit'};
const levelWords: Record<EventLevel, string> = {info: 'info', warn: 'WARN', crit: 'CRIT'};

/** Journal events and local notices in one timeline, oldest first. */
export function eventItems(events: readonly JournalEvent[], notices: readonly Notice[]): EventItem[] {
	const journal = events.map((event): EventItem => ({
		key: `j${event.id}`,
		at: Date.parse(event.at),
		level: event.level,
		text: printable(`${event.component ?? event.account ?? 'fleet'} ${event.kind}: ${event.message}`),
	}));
	const local = notices.map((notice): EventItem => ({key: `n${notice.id}`, at: notice.at, level: notice.level, text: `deck: ${printable(notice.message)}`}));
	return [...journal, ...local].sort((a, b) => a.at - b.at);
}

export function filterItems(items: EventItem[], filter: string): EventItem[] {
	const needle = filter.trim().toLowerCase();
	return needle === '' ? items : items.filter(item => item.text.toLowerCase().includes(needle));
}

export function eventLine(item: EventItem, theme: Theme): Line {
	const tone = levelTones[item.level];
	return [
		{text: `${clockTime(item.at)} `, tone: 'muted'},
		{text: cell(levelWords[item.level], 5, theme.symbols.ellipsis), tone, bold: item.level !== 'info'},
		{text: item.text, tone: item.level === 'info' ? 'plain' : tone},
	];
}

/** The `height` items ending `offset` items before the newest. */
export function windowFromNewest<T>(items: readonly T[], height: number, offset: number): T[] {
	const end = Math.max(0, items.length - offset);
	return items.slice(Math.max(0, end - height), end);
}
