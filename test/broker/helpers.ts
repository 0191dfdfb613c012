import type {TestContext} from 'node:test';
import type {AccountConfig, HealthLimits} from '../../source/config/types.js';
import type {PollResult} from '../../source/broker/poll-result.js';
import {validateSnapshot, type StatusSnapshot} from '../../source/broker/snapshot.js';
import {startBrokerSim, type BrokerSim, type SimAccountInit} from '../../fixtures/broker-sim.js';

export const limits: HealthLimits = {
	maxConnectionAgeSeconds: 4 * 3600,
	maxIdleSeconds: 30 * 60,
	maxCredentialAgeSeconds: 2 * 3600,
	maxSyncAgeSeconds: 120,
	maxPingMs: 500,
	positionStaleSeconds: 86_400,
	driftPersistPolls: 2,
	duplicateTradeWindowSeconds: 60,
};

export const t0 = Date.parse('2026-11-22T18:00:00.000Z');

export function account(overrides: Partial<AccountConfig> = {}): AccountConfig {
	return {
		id: 'ATLAS',
		number: '212000584',
		enabled: true,
		server: null,
		components: [],
		broker: {status: {kind: 'http', url: 'http://127.0.0.1:1/ATLAS/status', timeoutSeconds: 1}, pollSeconds: 2, limits, magic: null},
		...overrides,
	};
}

/** A position as a publisher writes it; loose on purpose, so tests can write bad ones. */
export interface WirePosition {
	ticket: unknown;
	identifier?: unknown;
	symbol: unknown;
	side: unknown;
	volume: unknown;
	sl?: unknown;
	tp?: unknown;
	openedAt?: unknown;
	updatedAt?: unknown;
	magic?: unknown;
}

/** A snapshot as a publisher writes it, before validation. */
export interface Wire {
	schema?: unknown;
	account?: unknown;
	asOf?: unknown;
	publisher?: unknown;
	connection?: {state: unknown; since?: unknown; lastSyncAt?: unknown; lastActivityAt?: unknown; credentialsRefreshedAt?: unknown; reconnects?: unknown} | null;
	terminal?: {connected: unknown; tradeAllowed?: unknown; pingMs?: unknown; server?: unknown} | null;
	permissions?: {tradeAllowed?: unknown; tradeExpert?: unknown} | null;
	seq?: unknown;
	positions?: {bot?: WirePosition[] | null; broker?: WirePosition[] | null} | null;
	deals?: Array<{positionId: unknown; reason?: unknown; profit?: unknown; time?: unknown}> | null;
	[extra: string]: unknown;
}

export function position(id: number, patch: Partial<WirePosition> = {}): WirePosition {
	return {ticket: id, identifier: id, symbol: 'BTCUSD', side: 'buy', volume: 0.1, sl: 61_000, tp: 66_000, openedAt: iso(t0 - 3_600_000), updatedAt: iso(t0 - 3_600_000), ...patch};
}

/** A healthy wire snapshot built at `at`, changed by `mutate`. */
export function wire(at: number, mutate: (snapshot: Wire) => void = () => {}): Wire {
	const snapshot: Wire = {
		schema: 1,
		account: '212000584',
		asOf: iso(at),
		publisher: {component: 'BRAIN_ATLAS', pid: 19_248},
		connection: {
			state: 'connected',
			since: iso(at - 3_600_000),
			lastSyncAt: iso(at - 2000),
			lastActivityAt: iso(at - 30_000),
			credentialsRefreshedAt: iso(at - 1_800_000),
			reconnects: 0,
		},
		terminal: {connected: true, tradeAllowed: true, pingMs: 38, server: 'AtlasFunded-Server'},
		permissions: {tradeAllowed: true, tradeExpert: true},
		seq: 100,
		positions: {bot: [position(5011)], broker: [position(5011)]},
	};
	mutate(snapshot);
	return snapshot;
}

/** The parsed form of `wire(at, mutate)`, through the real validator. */
export function snapshotAt(at: number, mutate?: (snapshot: Wire) => void): StatusSnapshot {
	const parsed = validateSnapshot(wire(at, mutate));
	if (!parsed.ok) {
		throw new Error(parsed.error);
	}

	return parsed.snapshot;
}

export function pollResult(snapshot: StatusSnapshot | null, patch: Partial<PollResult> = {}): PollResult {
	return {
		accountId: 'ATLAS',
		snapshot,
		receivedAt: snapshot?.asOf ?? null,
		error: null,
		polledAt: snapshot?.asOf ?? t0,
		latencyMs: 4,
		consecutiveFailures: 0,
		intervalMs: 2000,
		seqStalled: false,
		...patch,
	};
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

export const simAccounts: SimAccountInit[] = [
	{id: 'ATLAS', number: '212000584'},
	{id: 'GL_3', number: '107245'},
	{id: 'FTMO', number: '1521063483'},
];

/** A simulator that is closed when the test ends. */
export async function startSim(t: TestContext, accounts: SimAccountInit[] = simAccounts): Promise<BrokerSim> {
	const sim = await startBrokerSim({accounts});
	t.after(async () => sim.close());
	return sim;
}

/** Waits until `check` returns a value other than undefined/false, polling every 20 ms. */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) {
			return value;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, 20));
	}
}
