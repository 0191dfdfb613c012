import type {FetchOutcome, FetchOptions, HealthLevel} from '../../broker/index.js';
import type {StatusSource} from '../../config/types.js';

/** A service health check's answer: its level, and how long the answer took (null when none came). */
export type ServiceHealth = HealthLevel & {latencyMs: number | null};

/**
 * Where the broker side of the world is read: each account's status snapshot (DESIGN.md §7a) and
 * each service's health URL. The live fleet's pollers read through it every poll interval. Neither
 * method throws: a failure is an outcome that says why, in words with no secrets in them.
 * Implementation: `adapters/source-status-feed.ts` (HTTP and status files, `broker/sources.ts`).
 */
export interface StatusFeed {
	/** One read of an account's status source, validated. */
	fetch(source: StatusSource, options: FetchOptions): Promise<FetchOutcome>;
	/** One check of a service's health URL: healthy when it answers 2xx within the timeout. */
	checkService(url: string, timeoutSeconds: number): Promise<ServiceHealth>;
}
