/**
 * Every enumeration fleetdeck speaks, defined once (DESIGN.md §2). Each `as const` array is the
 * only list of its members and its type derives from it; every table keyed by one of these types
 * is a `Record`, so a member added here without its mapping (exit code, health level, theme tone,
 * problem code, …) fails to compile instead of going silently missing from a face. Faces iterate
 * the arrays (Prometheus writes one series per member), so a new member shows up everywhere.
 *
 * The values are public contracts (`--json` fields, Prometheus labels, journal kinds):
 * test/vocabulary pins each array to docs/snapshot.md and source/journal/README.md.
 *
 * Bottom of the tree: imports nothing from the project.
 */

// ── Fleet levels ────────────────────────────────────────────────────────────────────────────────

/**
 * Levels follow the monitoring-plugin convention, listed from least to most severe: `unknown`
 * ranks above `ok` and below `warn`, so a fleet with one unverifiable lock and nothing worse is
 * UNKNOWN, but a crash anywhere is CRITICAL whatever else cannot be verified.
 */
export const levels = ['ok', 'unknown', 'warn', 'crit'] as const;
export type Level = (typeof levels)[number];

/** Severity of a level: its place in `levels` (ok 0 … crit 3). Not the exit code. */
export function levelRank(level: Level): number {
	return levels.indexOf(level);
}

/** The most severe of the candidates; `ok` when there are none. */
export function worst(...candidates: readonly Level[]): Level {
	let result: Level = 'ok';
	for (const level of candidates) {
		if (levelRank(level) > levelRank(result)) {
			result = level;
		}
	}

	return result;
}

/**
 * The monitoring code of each level (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN): how Prometheus
 * writes a level, and the `--once` exit code. The CLI's exit-code table (source/exit-codes.ts,
 * which imports nothing) repeats these four beside its other codes; test/vocabulary keeps the
 * two equal.
 */
export const levelExitCodes = {ok: 0, warn: 1, crit: 2, unknown: 3} as const satisfies Record<Level, number>;

/** A level as a word, the same in the `--once` table and the deck (never colour alone). */
export const levelWords: Record<Level, string> = {ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKN'};

/** The levels a problem can have: every level but `ok`, most severe first. */
export type ProblemLevel = Exclude<Level, 'ok'>;
export const problemLevels: readonly ProblemLevel[] = levels.filter((level): level is ProblemLevel => level !== 'ok').reverse();

// ── Health ──────────────────────────────────────────────────────────────────────────────────────

/** The three health layers of an account (DESIGN.md §7), in the order they are shown. */
export const healthLayers = ['service', 'connection', 'broker'] as const;
export type HealthLayer = (typeof healthLayers)[number];

/** One value per health layer, built without a cast: a new layer fails to compile here until it is listed. */
export function byHealthLayer<T>(value: (layer: HealthLayer) => T): Record<HealthLayer, T> {
	return {service: value('service'), connection: value('connection'), broker: value('broker')};
}

/** What each health layer can be. */
export const healthStates = ['ok', 'degraded', 'down', 'unknown'] as const;
export type HealthState = (typeof healthStates)[number];

/** The fleet level a health state counts as; health states are ranked by it. */
export const healthStateLevels: Record<HealthState, Level> = {ok: 'ok', degraded: 'warn', down: 'crit', unknown: 'unknown'};

/** Severity of a health state, on the same scale as `levelRank` (ok < unknown < degraded < down). */
export function healthRank(state: HealthState): number {
	return levelRank(healthStateLevels[state]);
}

/** The most severe of the candidates; `ok` when there are none. */
export function worstHealth(...candidates: readonly HealthState[]): HealthState {
	let result: HealthState = 'ok';
	for (const state of candidates) {
		if (healthRank(state) > healthRank(result)) {
			result = state;
		}
	}

	return result;
}

// ── Components and locks ────────────────────────────────────────────────────────────────────────

/** Component states (DESIGN.md §5), plus `remote` (its lock is held on another host) and `unknown`. */
export const componentStates = ['running', 'starting', 'stopped', 'stale-lock', 'duplicate', 'unlocked', 'orphaned', 'backoff', 'crash-loop', 'remote', 'unknown'] as const;
export type ComponentState = (typeof componentStates)[number];

/** Every verdict a lock can get (DESIGN.md §4, docs/lock-protocol.md). */
export const verdictCodes = ['live', 'stale-dead', 'stale-reused', 'stale-rebooted', 'stale-unreadable', 'writing', 'remote', 'remote-expired', 'unknown'] as const;
export type VerdictCode = (typeof verdictCodes)[number];

/**
 * Whether a verdict proves the holder gone: the only verdicts a lock may be removed for. A new
 * verdict must decide here, on purpose, whether `locks clear-stale` may act on it.
 */
export const verdictProvesStale: Record<VerdictCode, boolean> = {
	live: false,
	'stale-dead': true,
	'stale-reused': true,
	'stale-rebooted': true,
	'stale-unreadable': true,
	writing: false,
	remote: false,
	'remote-expired': false,
	unknown: false,
};

// ── Position drift ──────────────────────────────────────────────────────────────────────────────

/** How the bot's record of open positions can differ from the broker's (DESIGN.md §7). */
export const driftClasses = ['closed-externally', 'opened-manually', 'opened-by-bot-unheld', 'duplicate-trade', 'modified-externally', 'missing-sl', 'stale'] as const;
export type DriftClass = (typeof driftClasses)[number];

/** A difference is `suspected` until seen on enough consecutive polls, then `confirmed`. */
export const driftStatuses = ['suspected', 'confirmed'] as const;
export type DriftStatus = (typeof driftStatuses)[number];

// ── Problems ────────────────────────────────────────────────────────────────────────────────────

/** Every `code` a snapshot problem can carry (docs/snapshot.md, *problem*). */
export const problemCodes = [
	'duplicate',
	'not-running',
	'stale-lock',
	'unlocked',
	'orphaned',
	'backoff',
	'crash-loop',
	'remote-lock',
	'remote-lock-expired',
	'lock-unknown',
	'locks-dir',
	'locks-dir-writable',
	'config-writable',
	'health-service',
	'health-connection',
	'health-broker',
	'health-url',
	'drift-closed-externally',
	'drift-modified-externally',
	'drift-missing-sl',
	'drift-stale',
	'drift-opened-by-bot-unheld',
	'duplicate-trade',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

/** The problem a health layer that is not ok raises. */
export const healthProblemCodes: Record<HealthLayer, ProblemCode> = {service: 'health-service', connection: 'health-connection', broker: 'health-broker'};

/** The problem confirmed drift of each class raises; null for a class that is shown, never alarmed. */
export const driftProblemCodes: Record<DriftClass, ProblemCode | null> = {
	'closed-externally': 'drift-closed-externally',
	'opened-manually': null,
	'opened-by-bot-unheld': 'drift-opened-by-bot-unheld',
	// Named without the drift- prefix: DESIGN §9 calls it `duplicate-trade` (another copy of the bot is trading).
	'duplicate-trade': 'duplicate-trade',
	'modified-externally': 'drift-modified-externally',
	'missing-sl': 'drift-missing-sl',
	stale: 'drift-stale',
};

// ── Journal ─────────────────────────────────────────────────────────────────────────────────────

/** Every kind of journal event, grouped in families (`lock`, `process`, …) that `--kind lock` selects at once. */
export const eventKinds = [
	'lock.acquired',
	'lock.released',
	'lock.stale',
	'lock.cleared',
	'lock.heartbeat',
	'process.started',
	'process.exited',
	'process.restarted',
	'process.crash-loop',
	'stop.requested',
	'stop.escalated',
	'stop.confirmed',
	'stop.failed',
	'duplicate.seen',
	'duplicate.resolved',
	'health.changed',
	'drift.raised',
	'drift.resolved',
	'config.loaded',
	'config.rejected',
	'launch.started',
	'launch.skipped',
	'launch.failed',
	'supervisor.started',
	'supervisor.stopped',
	'journal.replaced',
	'journal.dropped',
] as const;
export type EventKind = (typeof eventKinds)[number];

/** How loud a journal event is, quietest first (an event is never `unknown`: it happened). */
export const eventLevels = ['info', 'warn', 'crit'] as const;
export type EventLevel = (typeof eventLevels)[number];
