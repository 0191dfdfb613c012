import {verdictCodes, verdictProvesStale, type VerdictCode} from '../vocabulary.js';

// The verdict codes are part of the lock API (`--json` carries them); their one definition is the vocabulary.
export {verdictCodes, type VerdictCode};

/** Whether the verdict proves the holder is gone: the only verdicts a lock may be removed for. */
export function isStale(code: VerdictCode): boolean {
	return verdictProvesStale[code];
}

/** The identity of a process a supervisor runs, recorded so an orphaned child still counts. */
export interface ChildIdentity {
	pid: number;
	startToken: string | null;
}

/**
 * How a `live` verdict was proven, strongest first: the holder's recorded start token matched
 * (`start-token`); the holder is gone but the supervisor's recorded child matched its start token
 * (`child`); the holder's command line matched the component's configured `match` (`match`); it
 * merely names the lock (`name`). Null for every other verdict. Without a config only the first
 * two are proof enough to signal a process (DESIGN.md §9).
 */
export type LockProof = 'start-token' | 'child' | 'match' | 'name';

/** Whether a proof identifies the process by its recorded start token, not by what its command line says. */
export function provenByRecord(proof: LockProof | null): boolean {
	return proof === 'start-token' || proof === 'child';
}

/** What the `run` supervisor says about itself, carried in its lock record. */
export interface SupervisorState {
	state: 'starting' | 'running' | 'backoff' | 'crash-loop' | 'stopping';
	restarts: number;
	/** When the next start is due while in backoff, ISO 8601. */
	nextStartAt?: string | null;
	lastExit?: {code: number | null; signal: string | null; at: string} | null;
}

/** A lockfile record, version 1 (docs/lock-protocol.md). */
export interface LockRecord {
	v: 1;
	name: string;
	pid: number;
	account: string | null;
	hostname: string;
	bootId: string | null;
	startToken: string | null;
	createdAt: string;
	heartbeatAt: string | null;
	token: number;
	command: string | null;
	child: ChildIdentity | null;
	supervisor?: SupervisorState | null;
}

/** A record as read from disk: version 1, or a legacy Python lockfile (read, never written). */
export interface ParsedLock {
	format: 'v1' | 'legacy-json' | 'legacy-lines' | 'legacy-pid';
	name: string;
	pid: number;
	account: string | null;
	hostname: string | null;
	bootId: string | null;
	startToken: string | null;
	/** Epoch ms of createdAt (v1) or timestamp (legacy); null when absent or unparseable. */
	createdAt: number | null;
	heartbeatAt: number | null;
	token: number | null;
	command: string | null;
	child: ChildIdentity | null;
	supervisor: SupervisorState | null;
	/**
	 * Fields that were present but unusable (a time in no known unit, an account that is an
	 * object…) and so read as null, each in words naming the field; the verdict's reason carries
	 * them. Absent or empty when there are none.
	 */
	ignored?: readonly string[];
}

/** A lock as judged now. */
export interface LockInspection {
	name: string;
	path: string;
	verdict: VerdictCode;
	/** The verdict in an operator's words ("PID 19248 is gone"). */
	reason: string;
	/** The parsed record; null when unreadable or not a regular file. */
	record: ParsedLock | null;
	/** The exact bytes judged, so a takeover removes only this very record. */
	raw: Buffer | null;
	/** Modification time of the file, epoch ms; null when not statable. */
	mtimeMs: number | null;
	/** When the holder is a supervisor that is gone but its recorded child lives on. */
	orphaned: boolean;
	/** How a `live` verdict was proven; null for any other verdict. */
	proof: LockProof | null;
	/**
	 * The processes this verdict proved to hold the lock (the recorded holder, a supervisor's
	 * recorded child), each with the start token it was seen with (null where the platform gives
	 * none). Empty unless `live`. Only these count as the lock's holders, never a PID merely named.
	 */
	holders: ChildIdentity[];
}
