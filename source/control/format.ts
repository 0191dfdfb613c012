import {printable} from '../text/printable.js';
import {displayWidth, padToWidth} from '../text/width.js';
import {skipReason, skipRefuses, stepComponent, stepLabel} from './steps.js';
import type {ActionResult, Plan, PlanStep, StepStatus} from './types.js';

/** A column of at least `width` display cells, always followed by a space; measured once printable. */
function pad(text: string, width: number): string {
	const shown = printable(text);
	return displayWidth(shown) >= width ? `${shown} ` : padToWidth(shown, width);
}

/** The plan as the operator reads it before saying yes: one numbered line per step. */
export function formatPlan(plan: Plan): string {
	const lines = plan.steps.map((step, index) => `  ${index + 1}. ${stepLabel(step)}${step.kind === 'skip' ? `: ${skipReason(step)}` : ''}`);
	return [`${plan.kind}: ${plan.summary}`, ...lines].map(printable).join('\n');
}

/** What a step's outcome is called in the launch table. */
function launchResult(step: PlanStep, status: StepStatus): string {
	if (step.kind === 'skip') {
		return skipRefuses(step) ? 'refused' : step.why === 'already-running' ? 'already running' : 'skipped';
	}

	// A launch step is skipped only when a concurrent launch started the component first.
	return status === 'done' ? 'started' : status === 'skipped' && step.kind === 'launch' ? 'already running' : status;
}

/** The launch table: started / already running / refused / failed, with the reason. */
export function formatLaunchTable(plan: Plan, result: ActionResult | null): string {
	const lines = [`${pad('COMPONENT', 26)}${pad('RESULT', 17)}DETAIL`];
	for (const step of plan.steps) {
		const component = stepComponent(step);
		const outcome = result?.steps.find(entry => entry.id === step.id);
		const status = outcome ? launchResult(step, outcome.status) : step.kind === 'launch' ? 'would start' : launchResult(step, 'skipped');
		const detail = outcome?.message ?? (step.kind === 'skip' ? skipReason(step) : stepLabel(step));
		const [first = '', ...rest] = detail.split('\n');
		lines.push(...[`${pad(component, 26)}${pad(status, 17)}${first}`, ...rest.map(line => `${' '.repeat(43)}${line}`)].map(printable));
	}

	return lines.join('\n');
}

/** One line per step of an executed action. */
export function formatResult(result: ActionResult): string {
	return [...result.steps.map(step => `  ${pad(step.status, 8)} ${step.label}: ${step.message}`), result.summary].map(printable).join('\n');
}
