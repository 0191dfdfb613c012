import type {AccountConfig, StatusSource} from '../config/types.js';
import {recordPoll, type PollResult} from './poll-result.js';
import {fetchSnapshot, type FetchOutcome, type SnapshotFetcher} from './sources.js';

/** Time as the poller sees it; tests pass a fake one. */
export interface Clock {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
};

export interface PollerOptions {
	accountId: string;
	source: StatusSource;
	/** Time between the starts of two polls while the source answers. */
	intervalMs: number;
	/** Deadline per request; defaults to the HTTP source's `timeoutSeconds`, 5 s for files. */
	timeoutMs?: number;
	/** Payload size cap in bytes (default 1 MiB). */
	maxBytes?: number;
	/** Longest wait between retries while the source fails (default 8 intervals, at most 60 s). */
	maxBackoffMs?: number;
	clock?: Clock;
	/** Jitter source in [0, 1). */
	random?: () => number;
	fetch?: SnapshotFetcher;
	/** Called after every poll, success or failure, with the account's new result. */
	onChange?: (result: PollResult) => void;
}

export interface Poller {
	readonly accountId: string;
	/** The result after the latest finished poll; null before the first. */
	latest(): PollResult | null;
	/** Cancels the request in flight and the next timer; resolves once nothing of this poller is left running. */
	stop(): Promise<void>;
}

/**
 * Polls one account's status source forever: one request at a time (the next is scheduled only
 * when the current one has finished or timed out), on the interval while it answers, with
 * exponential backoff and jitter while it fails, back on the interval after the first success.
 * Each account has its own poller, so a hung source delays nobody else.
 */
export function startPoller(options: PollerOptions): Poller {
	const clock = options.clock ?? systemClock;
	const random = options.random ?? Math.random;
	const fetch = options.fetch ?? fetchSnapshot;
	const maxBackoffMs = options.maxBackoffMs ?? Math.min(60_000, 8 * options.intervalMs);
	let result: PollResult | null = null;
	let timer: unknown = null;
	let inFlight: Promise<void> | null = null;
	let controller: AbortController | null = null;
	let stopped = false;

	const poll = async () => {
		controller = new AbortController();
		const started = clock.now();
		const outcome: FetchOutcome = await fetch(options.source, {timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, signal: controller.signal}).catch(
			(error: unknown) => ({ok: false, error: `status fetch failed: ${String(error)}`, latencyMs: clock.now() - started}),
		);
		controller = null;
		if (stopped) {
			return;
		}

		result = recordPoll(result, outcome, {accountId: options.accountId, intervalMs: options.intervalMs, now: clock.now()});
		const delay = outcome.ok
			? Math.max(0, options.intervalMs - (clock.now() - started))
			: backoffDelay(result.consecutiveFailures, options.intervalMs, maxBackoffMs, random());
		schedule(delay);
		try {
			options.onChange?.(result);
		} catch {
			// A listener that throws (a journal write failing) must neither stop this account's
			// polling nor escape as an unhandled rejection that would take the deck down.
		}
	};

	const schedule = (delay: number) => {
		timer = clock.setTimeout(() => {
			timer = null;
			inFlight = poll().finally(() => {
				inFlight = null;
			});
		}, delay);
	};

	schedule(0);
	return {
		accountId: options.accountId,
		latest: () => result,
		async stop() {
			stopped = true;
			if (timer !== null) {
				clock.clearTimeout(timer);
				timer = null;
			}

			controller?.abort();
			await inFlight;
		},
	};
}

/** Wait before retry number `failures` (1-based): the interval doubled per failure, capped, then halved to full at random. */
export function backoffDelay(failures: number, intervalMs: number, maxBackoffMs: number, jitter: number): number {
	const base = Math.min(maxBackoffMs, intervalMs * 2 ** Math.max(0, failures - 1));
	return base / 2 + (jitter * base) / 2;
}

export interface FleetPollers {
	/** Latest result per account id (only accounts with a status source). */
	latest(): Map<string, PollResult | null>;
	stop(): Promise<void>;
}

/** One poller per enabled account that has a status source, on its configured interval. */
export function startAccountPollers(
	accounts: AccountConfig[],
	options: Omit<PollerOptions, 'accountId' | 'source' | 'intervalMs'> = {},
): FleetPollers {
	const pollers = accounts.flatMap(account =>
		account.enabled && account.broker !== null
			? [startPoller({...options, accountId: account.id, source: account.broker.status, intervalMs: account.broker.pollSeconds * 1000})]
			: [],
	);
	return {
		latest: () => new Map(pollers.map(poller => [poller.accountId, poller.latest()])),
		async stop() {
			await Promise.all(pollers.map(async poller => poller.stop()));
		},
	};
}

/** One poll, for the headless `--once` path. */
export async function pollOnce(
	source: StatusSource,
	context: {accountId: string; intervalMs: number; timeoutMs?: number; fetch?: SnapshotFetcher; now?: () => number},
): Promise<PollResult> {
	const outcome = await (context.fetch ?? fetchSnapshot)(source, {timeoutMs: context.timeoutMs});
	return recordPoll(null, outcome, {accountId: context.accountId, intervalMs: context.intervalMs, now: (context.now ?? Date.now)()});
}
