import type {ProcessProbe} from '../../procs/types.js';

/** What a signal or kill request achieved. `gone`: there was no such process (any more). */
export type SignalOutcome = {result: 'sent'} | {result: 'gone'} | {result: 'failed'; reason: string};

/**
 * The only code that touches other processes. One implementation per platform, chosen by
 * `processControl()`; callers check identity with `probe` immediately before every call that
 * signals, so none of these methods decides whom to signal.
 */
export interface ProcessControl {
	/** Who runs under `pid` now, with its start token (the identity lock records use). */
	probe(pid: number): Promise<ProcessProbe>;
	/** Whether `pid` leads its own process group (POSIX pgid == pid); null when that cannot be read. */
	leadsGroup(pid: number): boolean | null;
	/** The graceful stop of one process: POSIX its stop signal; Windows a close request, then CTRL_BREAK to its group. */
	requestStop(pid: number, signal: NodeJS.Signals): Promise<SignalOutcome>;
	/** Kill `pid` outright; with `group`, everything in the process group (Windows: the tree) it leads. */
	forceKill(pid: number, group: boolean): Promise<SignalOutcome>;
	/**
	 * The supervisor's side: signal the process group its own child leads. A group id cannot be
	 * reused while any member lives, and the child's PID not before the supervisor reaps it.
	 */
	signalGroup(pid: number, signal: NodeJS.Signals): SignalOutcome;
	/** Whether any process is left in the group `pid` led. */
	groupAlive(pid: number): boolean;
}
