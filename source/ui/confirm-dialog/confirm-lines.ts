import {type Plan, type PlanStep, skipReason, stepLabel} from '../../runtime/control.js';
import {printable} from '../../text/printable.js';
import {wrapText} from '../format.js';
import {titleLine, type Line} from '../line.js';
import type {Theme} from '../theme.js';

function stepLine(step: PlanStep, index: number): Line {
	return step.kind === 'skip'
		? [{text: `  -  ${printable(`${stepLabel(step)}: ${skipReason(step)}`)} (skipped)`, tone: 'muted'}]
		: [{text: `  ${String(index + 1).padStart(2)}. ${printable(stepLabel(step))}`}];
}

/**
 * The plan exactly as it will run: its summary and every step, one a line; when they cannot all
 * fit, the labels are packed together, and only a plan too big for the whole screen is cut. Labels
 * and reasons name lockfiles and processes, so they are made printable before they are measured.
 */
export function confirmLines(plan: Plan, height: number, width: number, theme: Theme): Line[] {
	const {separator} = theme.symbols;
	const title = titleLine(`confirm ${plan.kind}`, width, theme, {tone: 'crit'});
	const summary: Line[] = wrapText(printable(plan.summary), width - 2).map(text => [{text: `  ${text}`, bold: true}]);
	const prompt: Line = [
		{text: '  y', tone: 'crit', bold: true},
		{text: ' yes, run it    '},
		{text: 'any other key', tone: 'accent', bold: true},
		{text: ' cancel (default: No)'},
	];
	const room = Math.max(1, height - summary.length - 4);
	let steps: Line[] = plan.steps.map((step, index) => stepLine(step, index));
	if (steps.length > room) {
		const packed = plan.steps.map(step => printable(step.kind === 'skip' ? `(${stepLabel(step)}: skipped)` : stepLabel(step))).join(` ${separator} `);
		steps = wrapText(packed, width - 2).map(text => [{text: `  ${text}`}]);
		if (steps.length > room) {
			steps = [...steps.slice(0, room - 1), [{text: `  ${theme.symbols.ellipsis} and more: ${plan.steps.length} steps in all`, tone: 'warn'}]];
		}
	}

	return [title, ...summary, [{text: ' '}], ...steps, [{text: ' '}], prompt];
}
