import type {AccountConfig, HealthLimits} from '../config/types.js';
import {formatDuration} from '../text/duration.js';
import type {PollResult} from './poll-result.js';
import type {StatusSnapshot} from './snapshot.js';
import {healthRank, worstHealth, type ComponentState, type HealthLayer, type HealthState} from '../vocabulary.js';

/** One health level and, always, the reason for it in a sentence. */
export interface HealthLevel {
	state: HealthState;
	reason: string;
}

/** An account's three health levels (DESIGN.md §7). Fleet levels: ok→ok, degraded→warn, down→crit, unknown→unknown. */
export interface AccountHealth extends Record<HealthLayer, HealthLevel> {
	/** The bot runs exactly once under a live lock and its snapshot is fresh. */
	service: HealthLevel;
	/** The broker connection: right account, connected, synchronized, within its age, idle and credential limits. */
	connection: HealthLevel;
	/** The terminal answers, its ping is within limit, trading is allowed. */
	broker: HealthLevel;
	/** The latest snapshot is older than 3 poll intervals: show the STALE banner. */
	stale: boolean;
	/** The latest snapshot's `asOf` (ISO 8601, UTC); null before the first one. */
	asOf: string | null;
	/** Duration of the latest poll in ms. */
	latencyMs: number | null;
	/** Why the latest poll failed; null when it succeeded or none ran. */
	error: string | null;
}

/** Data older than this many poll intervals is STALE. */
export const staleAfterIntervals = 3;
/** An `asOf` further ahead of our clock than this means the publisher's clock is wrong, and its freshness cannot be judged. */
const maxClockAheadMs = 60_000;

/**
 * The service level each state of the brain gives: `ok` only when it runs exactly once under a
 * live lock. Every component state has its entry, so a new state cannot fall through unjudged.
 */
const serviceStates: Record<ComponentState, HealthLevel> = {
	running: {state: 'ok', reason: 'the brain runs once under a live lock'},
	stopped: {state: 'down', reason: 'the brain is not running'},
	duplicate: {state: 'down', reason: 'the brain runs more than once'},
	'stale-lock': {state: 'down', reason: 'the brain is not running and its lock is stale'},
	'crash-loop': {state: 'down', reason: 'the brain gave up after a crash loop'},
	unlocked: {state: 'degraded', reason: 'the brain runs without a lock'},
	orphaned: {state: 'degraded', reason: 'the brain runs as an orphan: its supervisor is gone'},
	backoff: {state: 'degraded', reason: 'the brain exited and waits to be restarted'},
	starting: {state: 'degraded', reason: 'the brain is starting'},
	remote: {state: 'unknown', reason: 'the brain\'s lock is held on another host: it cannot be checked from here'},
	unknown: {state: 'unknown', reason: 'the brain\'s lock cannot be verified'},
};

/**
 * Judges an account's three levels from its latest poll and its brain's component state (null
 * when the account has no brain). Pure.
 *
 * STALE (no snapshot for 3 poll intervals): service is `degraded` (the publisher has stopped
 * answering or its loop is frozen), connection and broker are `unknown` because what they last
 * said may no longer be true. A snapshot for the wrong account keeps connection `down` even when
 * stale: it proves the publisher is cross-wired.
 */
export function assessHealth(input: {account: AccountConfig; result: PollResult | null; serviceState: ComponentState | null; now: number}): AccountHealth {
	const {account, result, serviceState, now} = input;
	const snapshot = result?.snapshot ?? null;
	const intervalMs = result?.intervalMs ?? (account.broker ? account.broker.pollSeconds * 1000 : 0);
	const ageMs = snapshot === null ? null : now - snapshot.asOf;
	const stale = ageMs !== null && ageMs > staleAfterIntervals * intervalMs;
	const view: View = {account, result, snapshot, now, stale, ageMs: ageMs ?? 0, limits: account.broker?.limits ?? null};
	return {
		service: combine([...processCheck(serviceState, account), ...publisherChecks(view)]),
		connection: connectionLevel(view),
		broker: brokerLevel(view),
		stale,
		asOf: snapshot === null ? null : new Date(snapshot.asOf).toISOString(),
		latencyMs: result?.latencyMs ?? null,
		error: result?.error ?? null,
	};
}

/** The worst of several checks, with the reasons of every check that is not ok (worst first). */
export function combine(checks: HealthLevel[]): HealthLevel {
	if (checks.length === 0) {
		return {state: 'unknown', reason: 'nothing to judge'};
	}

	const state = worstHealth(...checks.map(check => check.state));
	const shown = state === 'ok' ? checks : checks.filter(check => check.state !== 'ok').sort((a, b) => healthRank(b.state) - healthRank(a.state));
	return {state, reason: shown.map(check => check.reason).join('; ')};
}

interface View {
	account: AccountConfig;
	result: PollResult | null;
	snapshot: StatusSnapshot | null;
	now: number;
	stale: boolean;
	ageMs: number;
	limits: HealthLimits | null;
}

function processCheck(serviceState: ComponentState | null, account: AccountConfig): HealthLevel[] {
	if (serviceState === null) {
		return account.broker === null ? [{state: 'unknown', reason: 'no brain and no status source configured'}] : [];
	}

	return [serviceStates[serviceState]];
}

function publisherChecks(view: View): HealthLevel[] {
	const {snapshot, result} = view;
	if (view.account.broker === null) {
		return [];
	}

	if (snapshot === null) {
		return [result?.error ? {state: 'degraded', reason: `no status from the publisher: ${result.error}`} : {state: 'unknown', reason: 'waiting for the first status'}];
	}

	const checks: HealthLevel[] = [];
	if (view.stale) {
		const lastError = result?.error ? `; last poll: ${result.error}` : '';
		checks.push({state: 'degraded', reason: `STALE: the last status is ${formatDuration(view.ageMs)} old${lastError}`});
	} else if (-view.ageMs > maxClockAheadMs) {
		checks.push({state: 'degraded', reason: `the status asOf is ${formatDuration(-view.ageMs)} in the future: the publisher's clock is wrong`});
	} else {
		checks.push({state: 'ok', reason: `status ${formatDuration(Math.max(0, view.ageMs))} old`});
	}

	if (result?.seqStalled) {
		checks.push({state: 'degraded', reason: `asOf advances but seq stays at ${snapshot.seq}: the publisher's loop may be stuck`});
	}

	return checks;
}

function missingData(view: View): HealthLevel | null {
	if (view.account.broker === null) {
		return {state: 'unknown', reason: 'no status source configured'};
	}

	if (view.snapshot === null) {
		return {state: 'unknown', reason: view.result?.error ? `no status: ${view.result.error}` : 'waiting for the first status'};
	}

	if (view.stale) {
		return {state: 'unknown', reason: `no fresh status (the last is ${formatDuration(view.ageMs)} old)`};
	}

	return null;
}

type AccountIdentity = Pick<AccountConfig, 'number' | 'server'>;

function identityChecks(account: AccountIdentity, snapshot: StatusSnapshot): HealthLevel[] {
	if (snapshot.account.trim() !== account.number.trim()) {
		return [{state: 'down', reason: `snapshot is for account ${snapshot.account}, expected ${account.number}`}];
	}

	if (account.server === null) {
		return [];
	}

	const server = snapshot.terminal?.server ?? null;
	if (server === null) {
		return [{state: 'unknown', reason: `terminal.server not published, cannot confirm server ${account.server}`}];
	}

	return server === account.server ? [] : [{state: 'down', reason: `snapshot is for server ${server}, expected ${account.server}`}];
}

/** Why the snapshot is proven to be another account's or another server's (cross-wired terminals); null when it is not. */
export function crossWiring(account: AccountIdentity, snapshot: StatusSnapshot): string | null {
	return identityChecks(account, snapshot).find(check => check.state === 'down')?.reason ?? null;
}

function connectionLevel(view: View): HealthLevel {
	const identity = view.snapshot === null ? [] : identityChecks(view.account, view.snapshot);
	const missing = missingData(view);
	if (missing !== null) {
		return combine([...identity, missing]);
	}

	const {connection} = view.snapshot!;
	if (connection === null) {
		return combine([...identity, {state: 'unknown', reason: 'the snapshot has no connection block'}]);
	}

	const checks = [...identity];
	switch (connection.state) {
		case 'disconnected': {
			return combine([...checks, {state: 'down', reason: `disconnected from the broker${since(connection.since)}`}]);
		}

		case 'connecting': {
			return combine([...checks, {state: 'degraded', reason: 'connecting to the broker'}]);
		}

		case 'resyncing': {
			return combine([...checks, {state: 'degraded', reason: 'resynchronizing with the broker'}]);
		}

		case 'connected': {
			break;
		}
	}

	const limits = view.limits!;
	checks.push(
		ageCheck(view.now, connection.lastSyncAt, limits.maxSyncAgeSeconds, 'lastSyncAt', age => `last sync ${age} ago`),
		ageCheck(view.now, connection.since, limits.maxConnectionAgeSeconds, 'since', age => `connection is ${age} old`),
		ageCheck(view.now, connection.lastActivityAt, limits.maxIdleSeconds, 'lastActivityAt', age => `idle for ${age}`),
		ageCheck(view.now, connection.credentialsRefreshedAt, limits.maxCredentialAgeSeconds, 'credentialsRefreshedAt', age => `credentials refreshed ${age} ago`),
	);
	const level = combine(checks);
	return level.state === 'ok' ? {state: 'ok', reason: `connected; ${level.reason}`} : level;
}

function ageCheck(now: number, at: number | null, limitSeconds: number, field: string, describe: (age: string) => string): HealthLevel {
	if (at === null) {
		return {state: 'unknown', reason: `connection.${field} not published`};
	}

	const ageMs = Math.max(0, now - at);
	const text = describe(formatDuration(ageMs));
	return ageMs > limitSeconds * 1000 ? {state: 'degraded', reason: `${text} (limit ${formatDuration(limitSeconds * 1000)})`} : {state: 'ok', reason: text};
}

function since(at: number | null): string {
	return at === null ? '' : ` since ${new Date(at).toISOString()}`;
}

function brokerLevel(view: View): HealthLevel {
	const missing = missingData(view);
	if (missing !== null) {
		return missing;
	}

	const snapshot = view.snapshot!;
	if (crossWiring(view.account, snapshot) !== null) {
		return {state: 'unknown', reason: 'the status is for another account or server (see connection)'};
	}

	const {terminal, permissions} = snapshot;
	if (terminal === null) {
		return {state: 'unknown', reason: 'the snapshot has no terminal block'};
	}

	if (!terminal.connected) {
		return {state: 'down', reason: 'the terminal is not connected to the trade server'};
	}

	const limitMs = view.limits!.maxPingMs;
	const checks: HealthLevel[] = [
		terminal.pingMs === null
			? {state: 'unknown', reason: 'terminal.pingMs not published'}
			: terminal.pingMs > limitMs
				? {state: 'degraded', reason: `ping ${Math.round(terminal.pingMs)} ms (limit ${limitMs} ms)`}
				: {state: 'ok', reason: `ping ${Math.round(terminal.pingMs)} ms`},
		terminal.tradeAllowed === null
			? {state: 'unknown', reason: 'terminal.tradeAllowed not published'}
			: terminal.tradeAllowed
				? {state: 'ok', reason: 'trading allowed'}
				: {state: 'down', reason: 'AutoTrading is switched off in the terminal'},
	];
	if (permissions?.tradeAllowed === false) {
		checks.push({state: 'down', reason: 'the account may not trade (account_info().trade_allowed is false)'});
	}

	if (permissions?.tradeExpert === false) {
		checks.push({state: 'down', reason: 'the account forbids expert advisors (account_info().trade_expert is false)'});
	}

	return combine(checks);
}
