import React from 'react';
import {Box} from 'ink';
import {barEntries, type KeyContext} from '../keymap.js';
import {Lines, textWidth, type Line} from '../line.js';
import type {Theme} from '../theme.js';

export interface StatusBarProps {
	context: KeyContext;
	/** What is going on now (an action, the filter), shown before the keys. */
	note: string;
	width: number;
	theme: Theme;
	/** At most this many lines (two at 80 columns hold every deck key). */
	maxLines?: number;
}

const kept = new Set(['help', 'quit']);

/**
 * The keys that apply now, wrapped over up to `maxLines` lines; when even that is too narrow, the
 * later keys give way, but help and quit always stay, at the end of the last line.
 */
export function statusLines({context, note, width, theme, maxLines = 2}: StatusBarProps): Line[] {
	const entries = barEntries(context, theme.symbols);
	const text = (entry: {keys: string; label: string}) => `${entry.keys} ${entry.label}`;
	const segments = (entry: {keys: string; label: string}): Line => [{text: entry.keys, tone: 'accent', bold: true}, {text: ` ${entry.label}  `}];
	const tail = entries.filter(entry => kept.has(entry.label));
	const tailWidth = tail.reduce((sum, entry) => sum + textWidth(text(entry)) + 2, 0);
	const lines: Line[] = [note ? [{text: `${note}  `, tone: 'warn', bold: true}] : []];
	let used = note ? textWidth(note) + 2 : 0;
	for (const entry of entries.filter(entry => !kept.has(entry.label))) {
		const size = textWidth(text(entry)) + 2;
		const room = () => width - used - (lines.length === maxLines ? tailWidth : 0);
		if (size - 2 > room() && lines.length < maxLines) {
			lines.push([]);
			used = 0;
		}

		if (size - 2 > room()) {
			break;
		}

		lines.at(-1)?.push(...segments(entry));
		used += size;
	}

	if (used + tailWidth - 2 > width && lines.length < maxLines) {
		lines.push([]);
	}

	lines.at(-1)?.push(...tail.flatMap(entry => segments(entry)));
	// The gap after a line's last entry would overhang an entry that ends at the edge, and the
	// clip would then eat that entry's last letter ("S shutdown al…").
	return lines.map(line => line.map((segment, index) => (index === line.length - 1 ? {...segment, text: segment.text.trimEnd()} : segment)));
}

/** The bottom bar: htop's key row, driven by the keymap. */
export function StatusBar(props: StatusBarProps) {
	return (
		<Box flexDirection="column" width={props.width}>
			<Lines lines={statusLines(props)} width={props.width} theme={props.theme}/>
		</Box>
	);
}
