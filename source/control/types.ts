import type {ComponentState} from '../fleet/types.js';
import type {VerdictCode} from '../locks/types.js';

/**
 * The controller contract shared by the CLI commands and the TUI: every action is first a plan
 * (exactly what will happen, shown before any destructive step), then an execution that reports
 * progress per step.
 */
export type ActionKind = 'launch' | 'shutdown' | 'stop-duplicates' | 'clear-stale';

/** Which accounts an action covers: named ones, or the whole fleet (services included). */
export type Scope = {accounts: string[]} | 'all';

/** A process to stop, identified beyond its PID. */
export interface StopTarget {
	component: string;
	account: string | null;
	/** The instance's topmost PID: a supervisor, a venv redirector or the bot itself. */
	pid: number;
	startToken: string | null;
	/** Every PID of the instance (stopping an instance stops its whole tree). */
	pids: number[];
	/** Why it is a target: the component's copy, a duplicate beside the lock holder, or a copy running without its lock. */
	why: 'component' | 'duplicate' | 'unlocked';
	/** The lock the instance holds, to remove if it is left behind. */
	lock: string | null;
	/** Signal for a graceful stop. */
	stopSignal: NodeJS.Signals;
	stopTimeoutSeconds: number;
}

export interface LaunchTarget {
	component: string;
	account: string | null;
	/** The verdict of the stale lock the new supervisor takes over; null when there is no lock. */
	staleLock: VerdictCode | null;
}

export interface ClearTarget {
	lock: string;
	verdict: VerdictCode;
	reason: string;
}

/**
 * Why a step is not carried out: a closed set. The words for each, and whether it is a refusal
 * (the action does not succeed), come from `control/steps.ts` alone; nothing reads them back.
 */
export const skipWhys = [
	/** launch: the component runs once under its live lock. */
	'already-running',
	/** launch: `enabled: false` (the component's or its account's). */
	'disabled',
	/** launch, refused: more than one copy runs. */
	'duplicates-running',
	/** launch, refused: a copy runs without its lock. */
	'unlocked-copy',
	/** launch, refused: the lock is held on another host. */
	'held-remotely',
	/** launch, refused: the lock cannot be verified (doubt means held). */
	'lock-unverifiable',
	/** stop, without a config: the instance matches by name only; a refusal when it holds the lock. */
	'name-only',
	/** shutdown: the lock is there but no process of it is visible here; a refusal when the lock is live. */
	'not-visible',
	/** stop-duplicates: the copy that is kept. */
	'kept',
] as const;

export type SkipWhy = (typeof skipWhys)[number];

/** The facts each reason's words are made of. */
export type SkipReason =
	| {why: 'already-running'; state: ComponentState; holderPid: number | null}
	| {why: 'disabled'}
	| {why: 'duplicates-running' | 'unlocked-copy'; pids: number[]}
	| {why: 'held-remotely'; hostname: string | null; lockReason: string}
	| {why: 'lock-unverifiable' | 'not-visible'; verdict: VerdictCode; lockReason: string}
	/** `lock` is set when the instance holds the component's lock, proven only by name or pattern. */
	| {why: 'name-only'; pid: number; lock: {recordPid: number | null; byPattern: boolean} | null}
	| {why: 'kept'; pid: number; holdsLock: boolean};

/** A step that will not be carried out, for the component (and account) it names. */
export type SkipStep = {id: string; kind: 'skip'; component: string; account: string | null} & SkipReason;

/**
 * One step of a plan. `id` is an opaque key (progress is reported per id); its meaning is in the
 * typed fields, and its words come from `stepLabel` in `control/steps.ts`.
 */
export type PlanStep =
	| {id: string; kind: 'stop'; target: StopTarget}
	| {id: string; kind: 'launch'; target: LaunchTarget}
	| {id: string; kind: 'clear'; target: ClearTarget}
	| SkipStep;

export interface Plan {
	kind: ActionKind;
	scope: Scope;
	/** One sentence: "stop BRAIN_ATLAS PID 19248, then WATCHDOG_ATLAS PID 19301; open trades are not touched". */
	summary: string;
	/** Whether the plan needs an explicit yes before it runs. */
	destructive: boolean;
	steps: PlanStep[];
}

export type StepStatus = 'pending' | 'running' | 'waiting' | 'done' | 'failed' | 'skipped';

export interface StepProgress {
	stepId: string;
	status: StepStatus;
	/** What is happening now, in operator words ("waiting for PID 19248 to exit (12 s of 30 s)"). */
	message: string;
}

export interface ActionResult {
	kind: ActionKind;
	/** True only when every step that was to be carried out succeeded. */
	ok: boolean;
	summary: string;
	/** `label` is the step's `stepLabel`, for printing only. */
	steps: Array<{id: string; label: string; status: StepStatus; message: string}>;
}

export interface Controller {
	plan(kind: ActionKind, scope: Scope): Promise<Plan>;
	execute(plan: Plan, onProgress?: (progress: StepProgress) => void): Promise<ActionResult>;
}
