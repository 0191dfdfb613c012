import React from 'react';
import {LineView, type Line} from '../line.js';
import type {Theme} from '../theme.js';

export interface FilterBarProps {
	text: string;
	/** What the filter narrows: accounts or events. */
	target: string;
	width: number;
	theme: Theme;
}

export function filterLine({text, target, theme}: FilterBarProps): Line {
	return [
		{text: `filter ${target}: `, tone: 'accent', bold: true},
		{text: `/${text}_`},
		{text: `   Enter apply ${theme.symbols.separator} Esc clear`, tone: 'muted'},
	];
}

/** Replaces the status bar while the filter is being typed. */
export function FilterBar(props: FilterBarProps) {
	return <LineView line={filterLine(props)} width={props.width} theme={props.theme}/>;
}
