import {type Plan, stepLabel, type StepStatus} from '../../runtime/control.js';
import {printable} from '../../text/printable.js';
import {titleLine, type Line} from '../line.js';
import type {Theme, Tone} from '../theme.js';

const statusTones: Record<StepStatus, Tone> = {pending: 'muted', running: 'accent', waiting: 'warn', done: 'ok', failed: 'crit', skipped: 'muted'};

function statusSymbol(status: StepStatus, spinner: string, theme: Theme): string {
	switch (status) {
		case 'running':
		case 'waiting': {
			return spinner;
		}

		case 'done': {
			return theme.level('ok').symbol;
		}

		case 'failed': {
			return theme.level('crit').symbol;
		}

		case 'pending':
		case 'skipped': {
			return '-';
		}
	}
}

export interface ProgressInput {
	plan: Plan;
	progress: Record<string, {status: StepStatus; message: string}>;
	frame: number;
	height: number;
	width: number;
	theme: Theme;
}

/** The running action: a spinner that keeps turning, and every step's status. */
export function progressLines({plan, progress, frame, height, width, theme}: ProgressInput): Line[] {
	const {spinner} = theme.symbols;
	const turning = spinner[frame % spinner.length] ?? '';
	const statuses = plan.steps.map(step => progress[step.id]?.status ?? 'pending');
	const finished = statuses.filter(status => status === 'done' || status === 'failed' || status === 'skipped').length;
	const title = titleLine(`${turning} ${plan.kind}: ${finished}/${plan.steps.length} steps`, width, theme, {tone: 'accent'});
	const steps = plan.steps.map((step, index): Line => {
		const status = statuses[index] ?? 'pending';
		const message = progress[step.id]?.message ?? '';
		return [
			{text: `  ${statusSymbol(status, turning, theme)} `, tone: statusTones[status]},
			{text: `${status.padEnd(8)} `, tone: statusTones[status]},
			{text: printable(stepLabel(step))},
			{text: message ? `  ${printable(message)}` : '', tone: 'muted'},
		];
	});
	const room = Math.max(0, height - 1);
	const active = statuses.findIndex(status => status === 'running' || status === 'waiting' || status === 'pending');
	const start = Math.max(0, Math.min((active < 0 ? steps.length : active) - 1, steps.length - room));
	return [title, ...steps.slice(start, start + room)];
}
