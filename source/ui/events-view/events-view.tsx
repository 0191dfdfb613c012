import React from 'react';
import {Box} from 'ink';
import {eventLine, windowFromNewest, type EventItem} from '../events-strip/event-lines.js';
import {Lines, titleLine} from '../line.js';
import type {Theme} from '../theme.js';

export interface EventsViewProps {
	/** Already filtered. */
	items: EventItem[];
	filter: string;
	offset: number;
	height: number;
	width: number;
	theme: Theme;
}

/** The whole journal timeline (newest at the bottom), filterable with `/`. */
export function EventsView({items, filter, offset, height, width, theme}: EventsViewProps) {
	const shown = windowFromNewest(items, Math.max(0, height - 1), offset);
	const facts = [`${items.length} events`, filter ? `filter "${filter}"` : '', offset > 0 ? `${offset} back` : ''].filter(Boolean).join(', ');
	const title = titleLine(`events view (${facts})`, width, theme, {tone: 'accent'});
	const lines = shown.length === 0 ? [[{text: filter ? 'no event matches the filter' : 'no events yet', tone: 'muted' as const}]] : shown.map(item => eventLine(item, theme));
	return (
		<Box flexDirection="column" width={width}>
			<Lines lines={[title, ...lines]} width={width} theme={theme}/>
		</Box>
	);
}
