/**
 * Levels follow the monitoring-plugin convention. They aggregate by severity, where `unknown`
 * ranks above `ok` and below `warn`: a fleet with one unverifiable lock and nothing worse is
 * UNKNOWN, but a crash anywhere is CRITICAL whatever else cannot be verified.
 */
export const levels = ['ok', 'unknown', 'warn', 'crit'] as const;
export type Level = (typeof levels)[number];

const rank: Record<Level, number> = {ok: 0, unknown: 1, warn: 2, crit: 3};

export function worst(...candidates: Level[]): Level {
	let result: Level = 'ok';
	for (const level of candidates) {
		if (rank[level] > rank[result]) {
			result = level;
		}
	}

	return result;
}

/** Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export const exitCodes: Record<Level, number> = {ok: 0, warn: 1, crit: 2, unknown: 3};
