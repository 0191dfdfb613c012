import React from 'react';
import {watcherLockName} from '../../runtime/config.js';
import type {FleetSnapshot, LockView} from '../../runtime/snapshot.js';
import {isStale} from '../../runtime/locks.js';
import {printable} from '../../text/printable.js';
import {LineView, type Line} from '../line.js';
import type {Theme} from '../theme.js';

export interface ServicesRowProps {
	snapshot: FleetSnapshot;
	width: number;
	theme: Theme;
}

/**
 * Locks of no configured component. `c` clears the stale ones with the rest, so the deck must
 * show them: otherwise the confirmation would name a lock the operator has never seen. The
 * journal writer's own lock is shown only when stale: held, it is fleetdeck at work (a watcher,
 * or this very deck), and would cost a row on every screen (`fleetdeck locks` lists it).
 */
export function strayLocks(snapshot: FleetSnapshot): LockView[] {
	const names = new Set([...snapshot.services, ...snapshot.accounts.flatMap(account => account.components)].map(component => component.name));
	return snapshot.locks.filter(lock => !names.has(lock.name) && (lock.name !== watcherLockName || isStale(lock.verdict)));
}

/** The row is there when it has something to show. */
export function hasServicesRow(snapshot: FleetSnapshot | null): boolean {
	return snapshot !== null && (snapshot.services.length > 0 || strayLocks(snapshot).length > 0);
}

export function servicesLine(snapshot: FleetSnapshot, theme: Theme): Line {
	const line: Line = [];
	if (snapshot.services.length > 0) {
		line.push({text: 'services ', tone: 'muted', bold: true});
	}

	for (const service of snapshot.services) {
		const badge = theme.component(service.state);
		line.push({text: ` ${printable(service.name)} `, bold: true}, {text: `${badge.symbol} ${badge.word}`, tone: badge.tone});
		if (service.instances > 1) {
			line.push({text: ` x${service.instances}`, tone: 'crit'});
		}

		if (service.health) {
			const health = theme.health(service.health.state);
			line.push({text: ` health ${health.symbol} ${health.word}`, tone: health.tone});
		}
	}

	const strays = strayLocks(snapshot);
	if (strays.length > 0) {
		line.push({text: `${line.length > 0 ? '  ' : ''}other locks `, tone: 'muted', bold: true});
		for (const lock of strays) {
			const badge = theme.verdict(lock.verdict);
			line.push({text: ` ${printable(lock.name)} `, bold: true}, {text: `${badge.symbol} ${badge.word}`, tone: badge.tone});
		}
	}

	return line;
}

/** One line: every shared service with its state and health check, then locks of no component. */
export function ServicesRow({snapshot, width, theme}: ServicesRowProps) {
	return <LineView line={servicesLine(snapshot, theme)} width={width} theme={theme}/>;
}
