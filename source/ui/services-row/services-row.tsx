import React from 'react';
import type {ComponentView} from '../../fleet/types.js';
import {LineView, type Line} from '../line.js';
import type {Theme} from '../theme.js';

export interface ServicesRowProps {
	services: ComponentView[];
	width: number;
	theme: Theme;
}

export function servicesLine(services: ComponentView[], theme: Theme): Line {
	const line: Line = [{text: 'services ', tone: 'muted', bold: true}];
	for (const service of services) {
		const badge = theme.component(service.state);
		line.push({text: ` ${service.name} `, bold: true}, {text: `${badge.symbol} ${badge.word}`, tone: badge.tone});
		if (service.instances > 1) {
			line.push({text: ` x${service.instances}`, tone: 'crit'});
		}

		if (service.health) {
			const health = theme.health(service.health.state);
			line.push({text: ` health ${health.symbol} ${health.word}`, tone: health.tone});
		}
	}

	return line;
}

/** One line: every shared service with its state and health check. */
export function ServicesRow({services, width, theme}: ServicesRowProps) {
	return <LineView line={servicesLine(services, theme)} width={width} theme={theme}/>;
}
