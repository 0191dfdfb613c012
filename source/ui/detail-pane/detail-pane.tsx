import React from 'react';
import {Box} from 'ink';
import type {AccountView} from '../../runtime/snapshot.js';
import {Lines, titleLine} from '../line.js';
import type {Theme} from '../theme.js';
import {detailLines} from './detail-lines.js';

export interface DetailPaneProps {
	account: AccountView;
	latency: number[];
	offset: number;
	height: number;
	width: number;
	focused: boolean;
	theme: Theme;
}

/** Lines below the title row, for scrolling limits. */
export function detailBodyLength(account: AccountView, latency: number[], theme: Theme): number {
	return detailLines(account, latency, theme).length;
}

/** The selected account: components, processes, locks, health, positions and drift. */
export function DetailPane({account, latency, offset, height, width, focused, theme}: DetailPaneProps) {
	const body = detailLines(account, latency, theme);
	const room = Math.max(0, height - 1);
	const more = body.length > offset + room ? ` (${theme.symbols.down} more)` : '';
	const title = titleLine(`detail${more}`, width, theme, {focused});
	return (
		<Box flexDirection="column" width={width}>
			<Lines lines={[title, ...body.slice(offset, offset + room)]} width={width} theme={theme}/>
		</Box>
	);
}
