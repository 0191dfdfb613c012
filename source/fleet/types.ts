import type {PlannedStop} from '../locks/planned-stop.js';
import type {LockProof} from '../locks/types.js';
import type {Role} from '../config/types.js';
import type {ComponentState, DriftClass, DriftStatus, HealthLayer, HealthState, Level, ProblemCode, ProblemLevel, VerdictCode} from '../vocabulary.js';

// The snapshot's enumerations, as its readers have always imported them from here; their one
// definition is the vocabulary.
export type {ComponentState, DriftClass, HealthState};

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
	/**
	 * How a `live` verdict was proven: `start-token`, `child` (an orphan's child by its start
	 * token), `match` (the configured pattern), `name` (the command line names the lock); null
	 * for any other verdict. Without a config only `start-token` and `child` allow a signal.
	 */
	proof: LockProof | null;
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
	/** Stopped on purpose by `fleetdeck shutdown` (who, when): state `stopped`, level ok; null otherwise. */
	plannedStop: PlannedStop | null;
	/** A service's health URL check; null where none is configured. */
	health: HealthLevelView | null;
}

export interface Problem {
	level: ProblemLevel;
	code: ProblemCode;
	account: string | null;
	component: string | null;
	message: string;
}

export interface HealthLevelView {
	state: HealthState;
	reason: string;
}

/** One view per health layer (service, connection, broker: DESIGN.md §7). */
export type HealthLayersView = Record<HealthLayer, HealthLevelView>;

/** The three health levels of DESIGN.md §7 for one account. */
export interface AccountHealthView extends HealthLayersView {
	/** The status data is older than three poll intervals. */
	stale: boolean;
	/** When the publisher built the snapshot last read, ISO 8601. */
	asOf: string | null;
	/** Duration of the last poll. */
	latencyMs: number | null;
	/** Why the last poll failed, when it did. */
	error: string | null;
}

export interface DriftView {
	class: DriftClass;
	/** `suspected` until seen on enough consecutive polls, then `confirmed`. */
	status: DriftStatus;
	positionId: number;
	symbol: string | null;
	message: string;
}

export interface AccountView {
	id: string;
	number: string;
	enabled: boolean;
	level: Level;
	components: ComponentView[];
	/** Null when the account has no broker status source configured. */
	health: AccountHealthView | null;
	drift: DriftView[];
	/** Open positions as the bot and the broker see them; null without status data. */
	positions: {bot: number; broker: number} | null;
}

export interface FleetSnapshot {
	schema: 1;
	generatedAt: string;
	host: string;
	level: Level;
	/** Across all accounts, the worst of each health level; null when no account has a status source. */
	health: HealthLayersView | null;
	/** Config file this snapshot was built from; null without one. */
	config: string | null;
	locksDir: string;
	accounts: AccountView[];
	services: ComponentView[];
	locks: LockView[];
	problems: Problem[];
}
