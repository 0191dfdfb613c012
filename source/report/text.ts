import type {ComponentView, FleetSnapshot} from '../runtime/snapshot.js';
import {printable} from '../text/printable.js';
import {displayWidth, fit} from '../text/width.js';
import {levelWords, problemLevels, type ProblemLevel} from '../vocabulary.js';
import {wrap} from '../text/columns.js';

function stateText(component: ComponentView): string {
	return component.instances > 1 ? `${component.state} x${component.instances}` : component.state;
}

function pidText(component: ComponentView): string {
	const holder = component.processes.find(process => process.holdsLock);
	return String(holder?.instance ?? component.processes[0]?.instance ?? '-');
}

const columns = [5, 12, 20, 13, 8, 17] as const;

function row(values: string[]): string {
	return values.map((value, index) => fit(value, columns[index] ?? 10)).join(' ').trimEnd();
}

function componentRow(account: string, component: ComponentView): string {
	return row([levelWords[component.level], account, component.name, stateText(component), pidText(component), component.lock?.verdict ?? '-']);
}

/**
 * The `--once` table: fits 80 display cells a line (a CJK or emoji name counts two a character),
 * level words rather than colours, problems spelled out, every name and reason made printable.
 */
export function formatText(snapshot: FleetSnapshot): string {
	const counts = new Map<ProblemLevel, number>();
	for (const problem of snapshot.problems) {
		counts.set(problem.level, (counts.get(problem.level) ?? 0) + 1);
	}

	const summary = problemLevels
		.filter(level => counts.has(level))
		.map(level => `${counts.get(level)} ${levelWords[level].toLowerCase()}`)
		.join(', ');
	// The host name is cut (not the level) when a long one would push the header past 80 columns.
	const status = ` ${snapshot.generatedAt.replace(/\.\d+Z$/, 'Z')}  ${levelWords[snapshot.level]}${summary ? ` (${summary})` : ''}`;
	const host = printable(snapshot.host);
	const hostRoom = Math.max(8, 80 - 'fleetdeck '.length - displayWidth(status));
	const lines = [`fleetdeck ${displayWidth(host) > hostRoom ? fit(host, hostRoom) : host}${status}`];
	lines.push(row(['LEVEL', 'ACCOUNT', 'COMPONENT', 'STATE', 'PID', 'LOCK']));
	for (const service of snapshot.services) {
		lines.push(componentRow('(service)', service));
	}

	for (const account of snapshot.accounts) {
		for (const component of account.components) {
			lines.push(componentRow(account.id, component));
		}
	}

	if (snapshot.services.length === 0 && snapshot.accounts.length === 0) {
		lines.push(wrap(`(no components configured and no locks in ${snapshot.locksDir})`, 80, ' '));
	}

	if (snapshot.problems.length > 0) {
		lines.push('', 'PROBLEMS');
		for (const problem of snapshot.problems) {
			lines.push(wrap(`${fit(levelWords[problem.level], 5)} ${problem.message}`, 80, '      '));
		}
	}

	return lines.join('\n');
}
