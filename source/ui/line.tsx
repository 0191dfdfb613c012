import React from 'react';
import {Text} from 'ink';
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

/** Display width; the deck only uses single-width symbols. */
export function textWidth(text: string): number {
	return [...text].length;
}

/** Clip `text` to `width` (marking the cut with `ellipsis`) and pad it to exactly `width`. */
export function cell(text: string, width: number, ellipsis: string): string {
	if (width <= 0) {
		return '';
	}

	const chars = [...text];
	const clipped = chars.length > width ? chars.slice(0, width - 1).join('') + ellipsis : text;
	return clipped + ' '.repeat(Math.max(0, width - textWidth(clipped)));
}

export function lineText(line: Line): string {
	return line.map(segment => segment.text).join('');
}

/** Cut a line to `width` columns, marking the cut. */
export function clipLine(line: Line, width: number, ellipsis: string): Line {
	if (textWidth(lineText(line)) <= width) {
		return line;
	}

	const clipped: Line = [];
	let room = width - 1;
	for (const segment of line) {
		if (room <= 0) {
			break;
		}

		const chars = [...segment.text];
		clipped.push({...segment, text: chars.slice(0, room).join('')});
		room -= Math.min(room, chars.length);
	}

	clipped.push({text: ellipsis});
	return clipped;
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
	const shown = theme.unicode ? line : line.map(segment => ({...segment, text: asciiText(segment.text)}));
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
