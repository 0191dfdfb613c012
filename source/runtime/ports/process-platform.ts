import type {ChildProcess} from 'node:child_process';
import type {ProcessInfo, ProcessProbe} from '../../procs/types.js';

/*
 * The ProcessPlatform port: everything fleetdeck asks of the operating system about processes.
 * One implementation per OS (`source/procs/platform/`, chosen by `processPlatform()`); spawning
 * and stopping go through it and nowhere else. Adapters read the world and return plain data:
 * none of these methods decides whom to signal; callers check identity with `probe` immediately
 * before every call that signals.
 */

/** What a signal or kill request achieved. `gone`: there was no such process (any more). */
export type SignalOutcome = {result: 'sent'} | {result: 'gone'} | {result: 'failed'; reason: string};

/** A process as a lock holder records it: the PID and the start token that makes it unique. */
export interface ProcessIdentity {
	pid: number;
	/** Linux: field 22 of `/proc/<pid>/stat`; Windows and macOS: the creation time in epoch ms. Null when unknown. */
	startToken: string | null;
}

/** One read of the whole process table. */
export interface ProcessTable {
	/** Every process the OS let us read, zombies excluded (they have exited). */
	processes: ProcessInfo[];
	/**
	 * PIDs the OS listed but would not let us read (procfs mounted with `hidepid=1`): alive, of
	 * unknown identity. Their absence from `processes` proves nothing.
	 */
	hidden: number[];
	/**
	 * When the read began, epoch ms. A PID missing from the table had exited by then, or started
	 * after it: a lock written since cannot be judged against this table.
	 */
	readStartedAt: number;
}

/** A process table read, or why it could not be read: a PID is `gone` only against a table that was read. */
export type TableRead = ({ok: true} & ProcessTable) | {ok: false; reason: string};

/** What `spawnSupervised` starts: an argv (never a shell string) in its own process group or session. */
export interface SupervisedSpawn {
	file: string;
	args: string[];
	cwd: string;
	/** Added to this process's environment for the child. */
	env?: Record<string, string>;
	/**
	 * Where the child's stdout and stderr go: `inherit` (the `run` supervisor's bot writes to the
	 * supervisor's own log) or an open file descriptor (`launch` appends the supervisor's to its log).
	 */
	output: 'inherit' | number;
}

/**
 * The signalling half of the platform: all that stopping a process needs. The stop paths
 * (`control/stop.ts`, the supervisor's stop of its own child) depend on this much only.
 */
export interface ProcessSignals {
	/** Who runs under `pid` now, with its start token (the identity lock records use). One PID, asked by a command. */
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

/** One operating system's processes: the table, one PID, this process, starting and stopping. */
export interface ProcessPlatform extends ProcessSignals {
	/** Which implementation this is, for messages. */
	readonly name: 'linux' | 'windows' | 'posix';
	/** The whole process table in one pass (pid, ppid, name, argv, command, startToken, startedAt, uid; cpu/memory null). Throws when it cannot be read. */
	table(): Promise<ProcessTable>;
	/** This process as a lock it takes records it: the same start token `table()` and `probe()` report for it. */
	self(): Promise<ProcessIdentity>;
	/** Start a supervised process detached into its own process group (POSIX: its own session). */
	spawnSupervised(request: SupervisedSpawn): ChildProcess;
}
