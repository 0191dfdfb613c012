import type {AccountView, ComponentView, HealthLevelView} from '../../runtime/snapshot.js';
import {shortDuration} from '../../text/duration.js';
import {printable} from '../../text/printable.js';
import {driftProblemCodes, healthLayers} from '../../vocabulary.js';
import {bytes, percent, sparkline} from '../format.js';
import {cell, type Line} from '../line.js';
import type {Theme} from '../theme.js';

const heading = (text: string): Line => [{text, tone: 'accent', bold: true}];

function componentLines(components: ComponentView[], theme: Theme): Line[] {
	const {ellipsis} = theme.symbols;
	return components.map(component => {
		const badge = theme.component(component.state);
		const extras = [
			component.instances > 1 ? `${component.instances} instances` : '',
			component.restarts ? `${component.restarts} restarts` : '',
			component.enabled ? '' : 'disabled',
			// `by` is read from a file in the locks directory: printable before it reaches the terminal.
			component.plannedStop ? printable(`shut down by ${component.plannedStop.by} at ${component.plannedStop.at}`) : '',
		].filter(Boolean).join(', ');
		return [
			{text: '  '},
			{text: cell(`${badge.symbol} ${badge.word}`, 13, ellipsis), tone: badge.tone},
			{text: `${cell(component.name, 23, ellipsis)} `, bold: true},
			{text: cell(component.role, 9, ellipsis), tone: 'muted'},
			{text: extras, tone: component.instances > 1 ? 'crit' : 'muted'},
		];
	});
}

function processLines(components: ComponentView[], theme: Theme): Line[] {
	const {ellipsis} = theme.symbols;
	const rows = components.flatMap(component => component.processes.map(process => ({component, process})));
	if (rows.length === 0) {
		return [[{text: '  no matching processes', tone: 'muted'}]];
	}

	const title = ['COMPONENT', 'PID', 'INSTANCE', 'CPU', 'MEM', 'UPTIME', 'LOCK', 'COMMAND'];
	const widths = [18, 8, 9, 7, 7, 8, 7, 0];
	const row = (values: string[]) => values.map((value, index) => (widths[index] ? `${cell(value, widths[index] - 1, ellipsis)} ` : value)).join('');
	return [
		[{text: `  ${row(title)}`, tone: 'muted'}],
		...rows.map(({component, process}): Line => [
			{text: `  ${row([
				component.name,
				String(process.pid),
				process.instance === process.pid ? String(process.instance) : `${process.instance}^`,
				percent(process.cpu),
				bytes(process.memoryBytes),
				shortDuration(process.uptimeSeconds),
			])}`},
			{text: cell(process.holdsLock ? 'holder' : '-', 7, ellipsis), tone: process.holdsLock ? 'ok' : 'muted', bold: process.holdsLock},
			{text: printable(process.command), tone: 'muted'},
		]),
	];
}

function lockLines(account: AccountView, theme: Theme): Line[] {
	const {ellipsis} = theme.symbols;
	const locks = account.components.flatMap(component => (component.lock ? [component.lock] : []));
	if (locks.length === 0) {
		return [[{text: '  no locks', tone: 'muted'}]];
	}

	return locks.map(lock => {
		const badge = theme.verdict(lock.verdict);
		return [
			{text: '  '},
			{text: `${cell(lock.name, 23, ellipsis)} `, bold: true},
			{text: cell(`${badge.symbol} ${badge.word}`, 18, ellipsis), tone: badge.tone},
			{text: cell(lock.pid === null ? 'PID -' : `PID ${lock.pid}`, 11, ellipsis)},
			{text: printable(lock.reason), tone: 'muted'},
		];
	});
}

function healthLine(name: string, level: HealthLevelView, theme: Theme): Line {
	const badge = theme.health(level.state);
	return [
		{text: `  ${cell(name, 12, theme.symbols.ellipsis)}`},
		{text: cell(`${badge.symbol} ${badge.word}`, 11, theme.symbols.ellipsis), tone: badge.tone},
		{text: printable(level.reason), tone: 'muted'},
	];
}

function healthLines(account: AccountView, theme: Theme): Line[] {
	const {health} = account;
	if (health === null) {
		return [[{text: '  no broker status source configured', tone: 'muted'}]];
	}

	const lines = healthLayers.map(layer => healthLine(layer, health[layer], theme));
	const facts = [health.asOf ? `as of ${health.asOf}` : 'no snapshot yet', health.error ? `last poll failed: ${health.error}` : ''].filter(Boolean);
	lines.push([{text: `  ${printable(facts.join(', '))}`, tone: health.error ? 'warn' : 'muted'}]);
	if (health.stale) {
		lines.push([{text: '  STALE: status data is older than three poll intervals', tone: 'warn', bold: true}]);
	}

	return lines;
}

function driftLines(account: AccountView, theme: Theme): Line[] {
	const positions = account.positions === null
		? 'positions: no status data'
		: `positions: bot ${account.positions.bot} ${theme.symbols.separator} broker ${account.positions.broker}`;
	const lines: Line[] = [[{text: `  ${positions}`}]];
	if (account.drift.length === 0) {
		lines.push([{text: '  no drift', tone: 'muted'}]);
	}

	for (const drift of account.drift) {
		// Suspected drift, and a class that raises no problem (a manual trade), are shown, never alarmed.
		const tone = drift.status === 'suspected' || driftProblemCodes[drift.class] === null ? 'muted' : 'warn';
		lines.push([
			{text: '  '},
			{text: cell(drift.class, 20, theme.symbols.ellipsis), tone},
			{text: cell(drift.status, 10, theme.symbols.ellipsis), tone: 'muted'},
			{text: cell(`#${drift.positionId} ${drift.symbol ?? ''}`, 18, theme.symbols.ellipsis)},
			{text: printable(drift.message), tone: 'muted'},
		]);
	}

	return lines;
}

function latencyLine(latency: number[], theme: Theme): Line {
	if (latency.length === 0) {
		return [{text: '  poll latency: no samples', tone: 'muted'}];
	}

	return [
		{text: '  poll latency '},
		{text: sparkline(latency, theme.symbols.spark, 40), tone: 'accent'},
		{text: `  last ${Math.round(latency.at(-1) ?? 0)} ms, max ${Math.round(Math.max(...latency))} ms`, tone: 'muted'},
	];
}

/**
 * Everything the detail pane can show for one account, top to bottom; the pane scrolls through it.
 * Every string from the snapshot is made printable here (`cell` does it for table cells): names,
 * commands, reasons and broker text come from lockfiles, processes and status sources.
 */
export function detailLines(account: AccountView, latency: number[], theme: Theme): Line[] {
	const level = theme.level(account.level);
	return [
		[{text: `${printable(`${account.id} ${account.number}`)}  `, bold: true}, {text: `${level.symbol} ${level.word}`, tone: level.tone}, {text: account.enabled ? '' : '  (disabled)', tone: 'muted'}],
		heading('Components'),
		...componentLines(account.components, theme),
		heading('Processes'),
		...processLines(account.components, theme),
		heading('Locks'),
		...lockLines(account, theme),
		heading('Health'),
		...healthLines(account, theme),
		latencyLine(latency, theme),
		heading('Positions and drift'),
		...driftLines(account, theme),
	];
}
