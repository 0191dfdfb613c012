import React from 'react';
import {Box} from 'ink';
import type {FleetSnapshot, HealthLevelView} from '../../runtime/snapshot.js';
import {printable} from '../../text/printable.js';
import {healthLayers, type HealthLayer} from '../../vocabulary.js';
import {clockTime} from '../format.js';
import {Lines, type Line, type Segment} from '../line.js';
import type {Theme} from '../theme.js';

export interface HeaderProps {
	snapshot: FleetSnapshot | null;
	now: number;
	stale: boolean;
	error: string | null;
	pollSeconds: number;
	width: number;
	theme: Theme;
}

/** A health layer's name where the header is narrow (under 100 columns). */
const shortLayerNames: Record<HealthLayer, string> = {service: 'svc', connection: 'conn', broker: 'brk'};

function healthSegments(name: string, level: HealthLevelView, theme: Theme): Segment[] {
	const badge = theme.health(level.state);
	return [{text: `  ${name} `, tone: 'muted'}, {text: `${badge.symbol} ${badge.word}`, tone: badge.tone}];
}

/** Lines the header takes: one, plus a banner while data is stale or the last refresh failed. */
export function headerHeight(stale: boolean, error: string | null): number {
	return stale || error ? 2 : 1;
}

export function headerLines({snapshot, now, stale, error, pollSeconds, width, theme}: HeaderProps): Line[] {
	const line: Line = [{text: 'fleetdeck ', bold: true, tone: 'accent'}, {text: `${printable(snapshot?.host ?? '')} ${clockTime(now, {seconds: false})}  `}];
	if (snapshot === null) {
		line.push({text: `reading the fleet${theme.symbols.ellipsis}`, tone: 'muted'});
	} else {
		const level = theme.level(snapshot.level);
		line.push({text: `${level.symbol} ${level.word}`, tone: level.tone, bold: true});
		const short = width < 100;
		if (snapshot.health === null) {
			line.push({text: '  health n/a', tone: 'muted'});
		} else {
			const {health} = snapshot;
			line.push(...healthLayers.flatMap(layer => healthSegments(short ? shortLayerNames[layer] : layer, health[layer], theme)));
		}
	}

	const lines = [line];
	if (stale) {
		lines.push([{text: ` STALE: no fresh data for over ${3 * pollSeconds} s${error ? ` (${printable(error)})` : ''} `, tone: 'crit', bold: true, inverse: true}]);
	} else if (error) {
		lines.push([{text: `refresh failed, showing the last data: ${printable(error)}`, tone: 'warn'}]);
	}

	return lines;
}

/** Host, clock, overall level, the three health levels and the STALE banner. */
export function Header(props: HeaderProps) {
	return (
		<Box flexDirection="column" width={props.width}>
			<Lines lines={headerLines(props)} width={props.width} theme={props.theme}/>
		</Box>
	);
}
