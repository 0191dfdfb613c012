import {type ActionKind, type ActionResult, type Controller, type Plan, type Scope, skipReason, type StepProgress} from '../../runtime/control.js';
import type {EventLevel} from '../../runtime/journal.js';
import {systemClock, systemTimers, type Clock, type TimerHandle, type Timers} from '../sources.js';
import {createEmitter} from './emitter.js';

/** Where the one action the deck runs at a time stands. */
export type ActionPhase =
	| {phase: 'idle'}
	| {phase: 'planning'; kind: ActionKind}
	/** A destructive plan waiting for an explicit `y`. */
	| {phase: 'confirming'; plan: Plan}
	| {
		phase: 'running';
		plan: Plan;
		/** Latest progress per step id. */
		progress: Record<string, StepProgress>;
		/** Spinner frame counter; advances while the action runs so the view visibly never freezes. */
		frame: number;
	};

/** A message the deck itself adds to the events strip (action results, "nothing to do"). */
export interface Notice {
	id: number;
	/** Epoch ms. */
	at: number;
	level: EventLevel;
	message: string;
}

export interface ActionState {
	action: ActionPhase;
	/** Oldest first, at most `noticeLimit`. */
	notices: Notice[];
}

export interface ActionStore {
	getState(): ActionState;
	subscribe(listener: () => void): () => void;
	/** Plan `kind` over `scope`; destructive plans wait for `confirm`, others run at once. */
	request(kind: ActionKind, scope: Scope): void;
	/** Run the plan waiting for confirmation. */
	confirm(): void;
	/** Drop the plan waiting for confirmation; nothing is done. */
	cancel(): void;
	notice(level: EventLevel, message: string): void;
	/** Stop the spinner and stop listening; a running action's detached children keep running. */
	dispose(): void;
}

export interface ActionStoreOptions {
	controller: Controller;
	clock?: Clock;
	timers?: Timers;
	/** Called when an action has finished, so the fleet is re-read. */
	onSettled?: () => void;
	spinnerMs?: number;
	noticeLimit?: number;
}

/** Steps that would actually be carried out. */
export function actionableSteps(plan: Plan): number {
	return plan.steps.filter(step => step.kind !== 'skip').length;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export function createActionStore(options: ActionStoreOptions): ActionStore {
	const {controller, clock = systemClock, timers = systemTimers, onSettled, spinnerMs = 100, noticeLimit = 50} = options;
	const emitter = createEmitter();
	let state: ActionState = {action: {phase: 'idle'}, notices: []};
	let nextId = 1;
	let spinner: TimerHandle | null = null;
	let disposed = false;

	const set = (next: ActionState) => {
		if (!disposed) {
			state = next;
			emitter.emit();
		}
	};

	const setPhase = (action: ActionPhase) => {
		set({...state, action});
	};

	const notice = (level: EventLevel, message: string) => {
		const added: Notice = {id: nextId++, at: clock.now(), level, message};
		set({...state, notices: [...state.notices, added].slice(-noticeLimit)});
	};

	const stopSpinner = () => {
		if (spinner !== null) {
			timers.clearInterval(spinner);
			spinner = null;
		}
	};

	const report = (result: ActionResult) => {
		// The controller's summaries name their action already ("stop-duplicates: 1 done, …").
		const summary = result.summary.startsWith(result.kind) ? result.summary : `${result.kind}: ${result.summary}`;
		notice(result.ok ? 'info' : 'crit', summary);
		for (const step of result.steps) {
			if (step.status === 'failed') {
				notice('crit', `${step.label}: ${step.message}`);
			}
		}
	};

	const run = async (plan: Plan) => {
		const progress: Record<string, StepProgress> = {};
		for (const step of plan.steps) {
			progress[step.id] = {stepId: step.id, status: step.kind === 'skip' ? 'skipped' : 'pending', message: step.kind === 'skip' ? skipReason(step) : ''};
		}

		setPhase({phase: 'running', plan, progress, frame: 0});
		spinner = timers.setInterval(() => {
			if (state.action.phase === 'running') {
				setPhase({...state.action, frame: state.action.frame + 1});
			}
		}, spinnerMs);
		try {
			const result = await controller.execute(plan, update => {
				if (state.action.phase === 'running' && state.action.plan === plan) {
					setPhase({...state.action, progress: {...state.action.progress, [update.stepId]: update}});
				}
			});
			stopSpinner();
			setPhase({phase: 'idle'});
			report(result);
		} catch (error) {
			stopSpinner();
			setPhase({phase: 'idle'});
			notice('crit', `${plan.kind} failed: ${errorText(error)}`);
		}

		if (!disposed) {
			onSettled?.();
		}
	};

	const request = (kind: ActionKind, scope: Scope) => {
		if (state.action.phase !== 'idle') {
			notice('warn', `${kind} not started: another action is still in progress`);
			return;
		}

		setPhase({phase: 'planning', kind});
		controller.plan(kind, scope).then(plan => {
			if (disposed) {
				return;
			}

			if (actionableSteps(plan) === 0) {
				setPhase({phase: 'idle'});
				notice('info', `${kind}: nothing to do (${plan.summary})`);
			} else if (plan.destructive) {
				setPhase({phase: 'confirming', plan});
			} else {
				void run(plan);
			}
		}, (error: unknown) => {
			setPhase({phase: 'idle'});
			notice('crit', `${kind} could not be planned: ${errorText(error)}`);
		});
	};

	return {
		getState: () => state,
		subscribe: emitter.subscribe,
		request,
		confirm() {
			if (state.action.phase === 'confirming') {
				void run(state.action.plan);
			}
		},
		cancel() {
			if (state.action.phase === 'confirming') {
				const {plan} = state.action;
				setPhase({phase: 'idle'});
				notice('info', `${plan.kind} cancelled: nothing was done`);
			}
		},
		notice,
		dispose() {
			stopSpinner();
			disposed = true;
			emitter.clear();
		},
	};
}
