import React from 'react';
import {Text} from 'ink';
import {printable} from '../text/printable.js';
import {displayWidth, fit, sliceToWidth} from '../text/width.js';
import type {Theme, Tone} from './theme.js';

/** A run of text in one style. */
export interface Segment {
	text: string;
	tone?: Tone;
	bold?: boolean;
	inverse?: boolean;
}

/** One terminal line, built as data so layout and tests can measure it. */
export type Line = Segment[];

/** Display cells of `text` (CJK and emoji take two), as the terminal and Ink measure it. */
export function textWidth(text: string): number {
	return displayWidth(text);
}

/**
 * One table cell: `text` made printable, clipped to `width` cells (marking the cut with
 * `ellipsis`) and padded to exactly `width` cells.
 */
export function cell(text: string, width: number, ellipsis: string): string {
	return width <= 0 ? '' : fit(text, width, 'left', ellipsis);
}

export function lineText(line: Line): string {
	return line.map(segment => segment.text).join('');
}

/** Cut a line to `width` cells, marking the cut; a wide character is never split. */
export function clipLine(line: Line, width: number, ellipsis: string): Line {
	if (textWidth(lineText(line)) <= width) {
		return line;
	}

	const clipped: Line = [];
	let room = width - textWidth(ellipsis);
	for (const segment of line) {
		if (room <= 0) {
			break;
		}

		const text = sliceToWidth(segment.text, room);
		clipped.push({...segment, text});
		room = text.length < segment.text.length ? 0 : room - textWidth(text);
	}

	clipped.push({text: ellipsis});
	return clipped;
}

/**
 * The last guard before the terminal: every segment printable, whoever built it. The line
 * builders already escape what they take from the snapshot (so their widths are right); this
 * catches a builder that forgot, because one raw ESC from a lockfile's name is an OSC 52
 * clipboard write or a retitled window on the operator's terminal.
 */
function printableLine(line: Line): Line {
	return line.map(segment => {
		const text = printable(segment.text);
		return text === segment.text ? segment : {...segment, text};
	});
}

const asciiFallbacks: Record<string, string> = {
	'→': '->',
	'←': '<-',
	'…': '...',
	'—': '-',
	'–': '-',
	'×': 'x',
	'·': '.',
	'•': '*',
	'‘': "'",
	'’': "'",
	'“': '"',
	'”': '"',
	'≥': '>=',
	'≤': '<=',
};

/**
 * Text for a terminal that is not UTF-8: journal messages, commands and reasons come from other
 * modules and may hold arrows or ellipses, which such a terminal would show as mojibake.
 */
export function asciiText(text: string): string {
	// eslint-disable-next-line no-control-regex
	return /^[\u0000-\u007F]*$/.test(text) ? text : [...text].map(char => (char.codePointAt(0)! < 0x80 ? char : asciiFallbacks[char] ?? '?')).join('');
}

interface LineViewProps {
	line: Line;
	width: number;
	theme: Theme;
}

/** One line of the deck, never wider than `width` and never wrapped. */
export function LineView({line, width, theme}: LineViewProps) {
	const safe = printableLine(line);
	const shown = theme.unicode ? safe : safe.map(segment => ({...segment, text: asciiText(segment.text)}));
	const clipped = clipLine(shown, width, theme.symbols.ellipsis);
	return (
		<Text wrap="truncate-end">
			{clipped.length === 0 ? ' ' : clipped.map((segment, index) => (
				<Text
					// Segments never reorder within a line.
					// eslint-disable-next-line react/no-array-index-key
					key={index}
					color={segment.tone ? theme.paint(segment.tone) : undefined}
					bold={theme.color && segment.bold}
					inverse={theme.color && segment.inverse}
				>
					{segment.text}
				</Text>
			))}
		</Text>
	);
}

interface LinesProps {
	lines: Line[];
	width: number;
	theme: Theme;
}

/** A block of lines, one Ink row each. */
export function Lines({lines, width, theme}: LinesProps) {
	return (
		<>
			{lines.map((line, index) => (
				// Rows are positional: the same index is the same screen row.
				// eslint-disable-next-line react/no-array-index-key
				<LineView key={index} line={line} width={width} theme={theme}/>
			))}
		</>
	);
}

/** A pane's title row: `── title ─────` filling exactly `width`; focused panes lead with the selection mark. */
export function titleLine(title: string, width: number, theme: Theme, options: {focused?: boolean; tone?: Tone} = {}): Line {
	const {rule, selected} = theme.symbols;
	const head = `${options.focused ? selected : rule.repeat(2)} ${title} `;
	return [
		{text: head, tone: options.tone ?? (options.focused ? 'accent' : 'muted'), bold: options.focused ?? options.tone !== undefined},
		{text: rule.repeat(Math.max(0, width - textWidth(head))), tone: 'muted'},
	];
}
