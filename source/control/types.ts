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
}

export interface ClearTarget {
	lock: string;
	verdict: string;
	reason: string;
}

export type PlanStep =
	| {id: string; label: string; kind: 'stop'; target: StopTarget}
	| {id: string; label: string; kind: 'launch'; target: LaunchTarget}
	| {id: string; label: string; kind: 'clear'; target: ClearTarget}
	/** A step that will not be carried out, with the reason (already running, refused …). */
	| {
		id: string;
		label: string;
		kind: 'skip';
		reason: string;
		/** A refusal (a duplicate or an unlocked copy must be dealt with first): the action does not succeed. */
		refused?: boolean;
	};

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
	steps: Array<{id: string; label: string; status: StepStatus; message: string}>;
}

export interface Controller {
	plan(kind: ActionKind, scope: Scope): Promise<Plan>;
	execute(plan: Plan, onProgress?: (progress: StepProgress) => void): Promise<ActionResult>;
}
