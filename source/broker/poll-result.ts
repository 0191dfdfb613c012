import type {FetchOutcome} from './sources.js';
import type {StatusSnapshot} from './snapshot.js';

/** What an account's poller knows after its latest poll. */
export interface PollResult {
	accountId: string;
	/** The latest valid snapshot. Kept when later polls fail, so the deck shows it marked STALE rather than nothing. */
	snapshot: StatusSnapshot | null;
	/** When `snapshot` was received, epoch ms. */
	receivedAt: number | null;
	/** Why the latest poll failed; null when it succeeded. */
	error: string | null;
	/** When the latest poll finished, epoch ms. */
	polledAt: number;
	/** Duration of the latest poll in ms (a failed one too). */
	latencyMs: number | null;
	/** Polls failed in a row; 0 after a success. */
	consecutiveFailures: number;
	/** The configured poll interval; data older than 3 of these is STALE. */
	intervalMs: number;
	/**
	 * The publisher's `asOf` advanced but its `seq` did not rise: something refreshes the timestamp
	 * while the loop that builds the snapshot is stuck. (A lower `seq` is a restart, not a stall.)
	 */
	seqStalled: boolean;
}

/** Folds one poll's outcome into the account's result. Pure. */
export function recordPoll(previous: PollResult | null, outcome: FetchOutcome, context: {accountId: string; intervalMs: number; now: number}): PollResult {
	const base = {accountId: context.accountId, polledAt: context.now, latencyMs: Math.round(outcome.latencyMs), intervalMs: context.intervalMs};
	if (!outcome.ok) {
		return {
			...base,
			snapshot: previous?.snapshot ?? null,
			receivedAt: previous?.receivedAt ?? null,
			error: outcome.error,
			consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1,
			seqStalled: previous?.seqStalled ?? false,
		};
	}

	return {
		...base,
		snapshot: outcome.snapshot,
		receivedAt: context.now,
		error: null,
		consecutiveFailures: 0,
		seqStalled: isSeqStalled(previous?.snapshot ?? null, outcome.snapshot, previous?.seqStalled ?? false),
	};
}

function isSeqStalled(previous: StatusSnapshot | null, next: StatusSnapshot, wasStalled: boolean): boolean {
	if (previous === null || previous.seq === null || next.seq === null) {
		return false;
	}

	if (next.asOf === previous.asOf) {
		// The same snapshot read twice says nothing new.
		return wasStalled;
	}

	return next.asOf > previous.asOf && next.seq === previous.seq;
}
