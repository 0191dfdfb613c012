import React from 'react';
import {Box} from 'ink';
import {Lines, titleLine} from '../line.js';
import type {Theme} from '../theme.js';
import {helpLines} from './help-lines.js';

export interface HelpOverlayProps {
	offset: number;
	height: number;
	width: number;
	theme: Theme;
}

/** Every key, from the keymap; Esc or `?` closes it. */
export function HelpOverlay({offset, height, width, theme}: HelpOverlayProps) {
	const body = helpLines(theme, width);
	const room = Math.max(0, height - 1);
	const {up, down} = theme.symbols;
	const more = body.length > offset + room ? `, ${up}${theme.unicode ? '' : '/'}${down} scroll` : '';
	const title = titleLine(`help (Esc or ? closes${more})`, width, theme, {tone: 'accent'});
	return (
		<Box flexDirection="column" width={width}>
			<Lines lines={[title, ...body.slice(offset, offset + room)]} width={width} theme={theme}/>
		</Box>
	);
}
