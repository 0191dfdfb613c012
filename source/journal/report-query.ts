import type {EventKind} from './types.js';

const upKinds: readonly EventKind[] = ['process.started', 'process.restarted'];
const downKinds: readonly EventKind[] = ['process.exited', 'stop.confirmed'];
const countedKinds: readonly EventKind[] = ['process.restarted', 'process.crash-loop', 'lock.cleared', 'duplicate.seen'];

const list = (kinds: readonly EventKind[]) => kinds.map(kind => `'${kind}'`).join(', ');

/**
 * Every component that has ever had an event, by skipping through `events_component_at` (one
 * index seek per component, not a scan of millions of rows).
 */
export const componentsSql = `
WITH RECURSIVE components(name) AS (
	SELECT MIN(component) FROM events INDEXED BY events_component_at
	UNION ALL
	SELECT (SELECT MIN(component) FROM events INDEXED BY events_component_at WHERE component > name)
	FROM components WHERE name IS NOT NULL
)
SELECT name FROM components WHERE name IS NOT NULL`;

/**
 * One component's report over [:since, :until]; no row when it had none of the reported events.
 * Both parts read the covering index `events_component_at` in time order, so nothing is sorted
 * and nothing is read from the table: it stays fast over millions of events.
 *
 * Downtime without pairing rows: among the component's transitions (starts, and exits or
 * confirmed stops) in time order, a down period begins at an exit whose previous transition was
 * a start or that has none (so a crash followed by the supervisor's stop counts once) and ends at
 * the next start. Begins and ends alternate, so downtime = Σ end times − Σ begin times, plus
 * :until for a period still open. Times are taken relative to :since to keep the sums small.
 */
export const componentReportSql = `
WITH counts AS (
	SELECT MAX(account) AS account,
		SUM(kind = 'process.restarted') AS restarts,
		SUM(kind = 'process.crash-loop') AS crashLoops,
		SUM(kind = 'lock.cleared') AS staleLocksCleared,
		SUM(kind = 'duplicate.seen') AS duplicatesSeen,
		SUM(kind IN (${list([...new Set([...upKinds, ...downKinds, ...countedKinds])])})) AS reported
	FROM events INDEXED BY events_component_at
	WHERE component = :component AND at >= :since AND at <= :until
),
transitions AS (
	SELECT at - :since AS t,
		kind IN (${list(upKinds)}) AS up,
		LAG(kind IN (${list(upKinds)})) OVER (ORDER BY at) AS previous_up
	FROM events INDEXED BY events_component_at
	WHERE component = :component AND at >= :since AND at <= :until AND kind IN (${list([...upKinds, ...downKinds])})
),
flagged AS (
	SELECT t, up AND previous_up = 0 AS came_up, NOT up AND previous_up IS NOT 0 AS went_down FROM transitions
),
downtime AS (
	SELECT COALESCE(SUM(CASE WHEN came_up THEN t WHEN went_down THEN -t ELSE 0 END)
		+ (:until - :since) * (SUM(went_down) - SUM(came_up)), 0) AS downtimeMs
	FROM flagged
)
SELECT :component AS component, account, restarts, crashLoops, staleLocksCleared, duplicatesSeen, downtimeMs
FROM counts, downtime
WHERE reported > 0`;
