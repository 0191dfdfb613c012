import React from 'react';
import {Box} from 'ink';
import {Lines, titleLine} from '../line.js';
import type {Theme} from '../theme.js';
import {eventLine, windowFromNewest, type EventItem} from './event-lines.js';

export interface EventsStripProps {
	items: EventItem[];
	/** Lines, the title row included. */
	height: number;
	width: number;
	/** Items scrolled back from the newest. */
	offset: number;
	focused: boolean;
	theme: Theme;
}

/** The newest events and deck notices under the tables. */
export function EventsStrip({items, height, width, offset, focused, theme}: EventsStripProps) {
	const shown = windowFromNewest(items, Math.max(0, height - 1), offset);
	const back = offset > 0 ? ` (${offset} back)` : '';
	const title = titleLine(`events${back}`, width, theme, {focused});
	const lines = shown.length === 0 ? [[{text: 'no events yet', tone: 'muted' as const}]] : shown.map(item => eventLine(item, theme));
	return (
		<Box flexDirection="column" width={width}>
			<Lines lines={[title, ...lines]} width={width} theme={theme}/>
		</Box>
	);
}
