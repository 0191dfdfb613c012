import {columnWidth} from '../text/columns.js';
import {fit} from '../text/width.js';
import {twoUnits} from '../text/duration.js';
import type {ComponentReport, ReportJson} from './types.js';

const counters = [
	['RESTARTS', 'restarts'],
	['CRASH-LOOPS', 'crashLoops'],
	['STALE-CLEARED', 'staleLocksCleared'],
	['DUPLICATES', 'duplicatesSeen'],
] as const satisfies ReadonlyArray<readonly [string, keyof ComponentReport]>;

/**
 * `fleetdeck report` as a text table (under 100 columns): per component its restarts, crash
 * loops, stale locks cleared, duplicates seen and downtime. `sinceLabel` is what the operator
 * asked for (`7d`, `2026-11-01`).
 */
export function formatReport(rows: readonly ComponentReport[], sinceLabel: string): string {
	const title = `Report since ${sinceLabel}`;
	if (rows.length === 0) {
		return `${title}: no component started, stopped, restarted, crashed, cleared a stale lock or ran twice.`;
	}

	const componentWidth = columnWidth(rows.map(row => row.component), 'COMPONENT'.length, 24);
	const accountWidth = columnWidth(rows.map(row => row.account ?? '-'), 'ACCOUNT'.length, 16);
	const line = (component: string, account: string, counts: readonly string[], downtime: string) => [
		fit(component, componentWidth),
		fit(account, accountWidth),
		...counts.map((count, index) => fit(count, counters[index]![0].length, 'right')),
		fit(downtime, 'DOWNTIME'.length + 2, 'right'),
	].join('  ');
	return [
		title,
		line('COMPONENT', 'ACCOUNT', counters.map(([header]) => header), 'DOWNTIME'),
		...rows.map(row => line(row.component, row.account ?? '-', counters.map(([, field]) => String(row[field])), formatDuration(row.downtimeMs))),
	].join('\n');
}

/** `report --json`: the window and the rows. */
export function toReportJson(rows: readonly ComponentReport[], sinceMs: number, untilMs: number): ReportJson {
	return {since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), components: [...rows]};
}

/** A duration in its two largest units: `45s`, `4m 10s`, `1h 05m`, `3d 04h`. */
export function formatDuration(ms: number): string {
	return twoUnits(Math.round(ms / 1000), ' ');
}
