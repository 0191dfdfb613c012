import type {VerdictCode} from '../locks/types.js';
import type {Role} from '../config/types.js';
import type {Level} from './levels.js';

/** Component states (DESIGN.md §5), plus `remote` (its lock is held on another host) and `unknown`. */
export type ComponentState =
	| 'running'
	| 'stopped'
	| 'duplicate'
	| 'unlocked'
	| 'stale-lock'
	| 'orphaned'
	| 'starting'
	| 'backoff'
	| 'crash-loop'
	| 'remote'
	| 'unknown';

export interface LockView {
	name: string;
	verdict: VerdictCode;
	reason: string;
	pid: number | null;
	account: string | null;
	hostname: string | null;
	createdAt: string | null;
	heartbeatAt: string | null;
	token: number | null;
	/** Lock file format: `v1` or one of the legacy Python formats. */
	format: string | null;
	/** The supervisor's child, for locks taken by `fleetdeck run`. */
	child: {pid: number; startToken: string | null} | null;
	orphaned: boolean;
	ageSeconds: number | null;
	path: string;
}

export interface ProcessView {
	pid: number;
	ppid: number;
	/** PID of the topmost process of the instance this process belongs to. */
	instance: number;
	command: string;
	startToken: string | null;
	cpu: number | null;
	memoryBytes: number | null;
	uptimeSeconds: number | null;
	holdsLock: boolean;
}

export interface ComponentView {
	name: string;
	role: Role;
	account: string | null;
	enabled: boolean;
	state: ComponentState;
	level: Level;
	/** Running copies, counted by instance (a venv redirector and its interpreter are one). */
	instances: number;
	lock: LockView | null;
	processes: ProcessView[];
	/** The `run` supervisor's restart count, when supervised. */
	restarts: number | null;
}

export interface Problem {
	level: Level;
	code: string;
	account: string | null;
	component: string | null;
	message: string;
}

export interface AccountView {
	id: string;
	number: string;
	enabled: boolean;
	level: Level;
	components: ComponentView[];
}

export interface FleetSnapshot {
	schema: 1;
	generatedAt: string;
	host: string;
	level: Level;
	/** Config file this snapshot was built from; null without one. */
	config: string | null;
	locksDir: string;
	accounts: AccountView[];
	services: ComponentView[];
	locks: LockView[];
	problems: Problem[];
}
