import {setTimeout as sleep} from 'node:timers/promises';
import type {AccountConfig, HealthLimits, StatusSource} from '../config/types.js';
import {DriftTracker, type DriftObservation} from './drift-tracker.js';
import {recordPoll, type PollResult} from './poll-result.js';
import {fetchSnapshot, type SnapshotFetcher} from './sources.js';

export interface AssessOnceOptions {
	/** Distinct snapshots wanted; defaults to `limits.driftPersistPolls`, what confirming a difference takes. */
	polls?: number;
	/** Pause between two requests (default 200 ms). */
	gapMs?: number;
	/** Give up polling after this long and report what was seen (default 5 s). */
	deadlineMs?: number;
	fetch?: SnapshotFetcher;
}

export interface OnceAssessment {
	/** Feed to `assessHealth`; null only when no poll could be made. */
	result: PollResult | null;
	/** Drift as the deck would show it after these polls. */
	drift: DriftObservation;
	/** Distinct snapshots judged. */
	polls: number;
}

/**
 * The headless `--once` view of one account, held to the deck's rules: a difference counts as
 * confirmed only after `polls` distinct snapshots (a re-read of an unchanged file is not a poll),
 * and one seen on fewer, because the deadline came first, stays `suspected`.
 * Stops early when a judged snapshot shows no difference at all: more polls cannot confirm anything.
 */
export async function assessOnce(source: StatusSource, account: AccountConfig, limits: HealthLimits, options: AssessOnceOptions = {}): Promise<OnceAssessment> {
	const wanted = Math.max(1, options.polls ?? limits.driftPersistPolls);
	const gapMs = options.gapMs ?? 200;
	const deadline = Date.now() + (options.deadlineMs ?? 5000);
	const intervalMs = (account.broker?.pollSeconds ?? 2) * 1000;
	const sourceTimeoutMs = source.kind === 'http' ? source.timeoutSeconds * 1000 : 5000;
	const fetch = options.fetch ?? fetchSnapshot;
	const tracker = new DriftTracker(limits, account);
	let result: PollResult | null = null;
	let drift = tracker.observe(null, Date.now());
	let judged = 0;
	let seen = 0;
	let lastAsOf: number | null = null;
	for (;;) {
		const timeoutMs = Math.max(100, Math.min(sourceTimeoutMs, deadline - Date.now()));
		const outcome = await fetch(source, {timeoutMs});
		result = recordPoll(result, outcome, {accountId: account.id, intervalMs, now: Date.now()});
		const snapshot = outcome.ok ? outcome.snapshot : null;
		drift = tracker.observe(snapshot, Date.now());
		if (snapshot !== null && (lastAsOf === null || snapshot.asOf > lastAsOf)) {
			lastAsOf = snapshot.asOf;
			seen++;
			judged += drift.paused === null ? 1 : 0;
		}

		// A source that failed twice in a row will not answer within a headless run's patience,
		// and an account that stays paused (disconnected, resyncing) as long as confirming would
		// take has nothing to judge: the deck would show the same.
		const unreachable = !outcome.ok && result.consecutiveFailures >= 2;
		const stillPaused = drift.paused !== null && seen >= wanted;
		const settled = unreachable || stillPaused || judged >= wanted || (judged > 0 && drift.paused === null && drift.items.length === 0);
		if (settled || Date.now() + gapMs >= deadline) {
			return {result, drift, polls: judged};
		}

		await sleep(gapMs);
	}
}
