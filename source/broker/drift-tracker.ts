import type {AccountConfig, HealthLimits} from '../config/types.js';
import {diffPositions, driftPause, driftSeverity, type DriftSeverity, type RawDifference} from './drift.js';
import {eventLevels, type DriftClass, type DriftStatus} from '../vocabulary.js';
import {crossWiring} from './health.js';
import {positionId, type StatusSnapshot} from './snapshot.js';

/** A difference as the deck shows it: `suspected` until seen on enough consecutive polls, then `confirmed`. */
export interface DriftItem {
	/** Stable across polls: class and position. */
	key: string;
	class: DriftClass;
	status: DriftStatus;
	/** How loud it is once confirmed (`opened-manually` is info only). */
	severity: DriftSeverity;
	positionId: number;
	symbol: string | null;
	message: string;
	detail: Record<string, unknown>;
	/** When first seen, ISO 8601. */
	since: string;
	/** Consecutive judged snapshots it has been seen on. */
	polls: number;
}

export interface DriftObservation {
	/** Every current difference, suspected and confirmed, loudest first. */
	items: DriftItem[];
	/** Items confirmed by this observation: journal "drift seen". */
	raised: DriftItem[];
	/** Confirmed items gone in this observation (as last seen): journal "drift resolved". */
	resolved: DriftItem[];
	/** Why drift is not being judged right now (resynchronizing, …); null when it is. */
	paused: string | null;
}

/** How long a closed position's id stays buried (MetaApi's tombstones). */
export const tombstoneMs = 5 * 60_000;

/**
 * Turns per-snapshot differences into raised/resolved drift with ghost defense:
 * - only a new snapshot counts as a poll (a later `asOf`); older ones, and ones whose `lastSyncAt`
 *   predates the last judged one, are late data and ignored;
 * - nothing is judged while the connection is not `connected` (resyncing, …), and a pause breaks
 *   the run of consecutive polls a difference needs;
 * - a difference is `suspected` until seen on `driftPersistPolls` consecutive judged snapshots;
 * - every judged snapshot is a full view that replaces the last one: a difference it lacks is gone;
 * - an id proven closed is buried for 5 minutes, so late broker data cannot resurrect it.
 */
export class DriftTracker {
	private readonly persistPolls: number;
	private readonly pending = new Map<string, DriftItem>();
	private readonly tombstones = new Map<number, number>();
	private lastAsOf: number | null = null;
	private lastSyncAt: number | null = null;
	private lastBrokerIds = new Set<number>();
	private lastBotIds = new Set<number>();
	private paused: string | null = null;

	/**
	 * `account`, when given, pauses judging on a snapshot proven to be another account's: its
	 * positions would all read as drift of this one (cross-wired terminals); its `broker.magic`
	 * is the bot's magic.
	 */
	constructor(
		private readonly limits: Pick<HealthLimits, 'driftPersistPolls' | 'positionStaleSeconds' | 'duplicateTradeWindowSeconds'>,
		private readonly account: (Pick<AccountConfig, 'number' | 'server'> & {broker?: {magic?: number | null} | null}) | null = null,
	) {
		this.persistPolls = Math.max(1, limits.driftPersistPolls);
	}

	/** Feeds the latest snapshot (null when the poll failed: nothing changes). */
	observe(snapshot: StatusSnapshot | null, now: number): DriftObservation {
		for (const [id, expiresAt] of this.tombstones) {
			if (expiresAt <= now) {
				this.tombstones.delete(id);
			}
		}

		if (snapshot === null || !this.isNew(snapshot)) {
			return this.view([], []);
		}

		this.lastAsOf = snapshot.asOf;
		this.lastSyncAt = snapshot.connection?.lastSyncAt ?? this.lastSyncAt;
		this.paused = driftPause(snapshot) ?? (this.account ? crossWiring(this.account, snapshot) : null);
		if (this.paused !== null) {
			for (const [key, item] of this.pending) {
				if (item.status === 'suspected') {
					this.pending.delete(key);
				}
			}

			return this.view([], []);
		}

		return this.judge(snapshot, now);
	}

	private isNew(snapshot: StatusSnapshot): boolean {
		if (this.lastAsOf !== null && snapshot.asOf <= this.lastAsOf) {
			return false;
		}

		const syncAt = snapshot.connection?.lastSyncAt ?? null;
		return this.lastSyncAt === null || syncAt === null || syncAt >= this.lastSyncAt;
	}

	private judge(snapshot: StatusSnapshot, now: number): DriftObservation {
		const bot = snapshot.positions!.bot!;
		const allBroker = snapshot.positions!.broker!;
		const brokerIds = new Set(allBroker.map(position => positionId(position)));
		const botIds = new Set(bot.map(position => positionId(position)));
		// Proof of a close: a closing deal for a position the broker no longer lists, or a position
		// last judged on either side that is now gone from both (the broker dropped it, then the bot
		// caught up). A deal for a listed position is a partial close. A position missing from the
		// broker's list alone, without a deal, is not proven closed: if it comes back, it is back.
		const closed = [
			...(snapshot.deals ?? []).map(deal => deal.positionId).filter(id => !brokerIds.has(id)),
			...[...this.lastBrokerIds, ...this.lastBotIds].filter(id => !brokerIds.has(id) && !botIds.has(id)),
		];
		for (const id of closed) {
			this.bury(id, now);
		}

		const broker = allBroker.filter(position => !this.tombstones.has(positionId(position)));
		this.lastBrokerIds = new Set(broker.map(position => positionId(position)));
		this.lastBotIds = botIds;
		const differences = diffPositions({...snapshot, positions: {bot, broker}}, this.limits, now, this.account?.broker?.magic ?? null);

		const raised: DriftItem[] = [];
		const seen = new Set<string>();
		for (const difference of differences) {
			seen.add(difference.key);
			const item = this.advance(difference, now);
			if (item.status === 'confirmed' && this.pending.get(difference.key)?.status !== 'confirmed') {
				raised.push(item);
			}

			this.pending.set(difference.key, item);
		}

		const resolved: DriftItem[] = [];
		for (const [key, item] of this.pending) {
			if (!seen.has(key)) {
				this.pending.delete(key);
				if (item.status === 'confirmed') {
					resolved.push(item);
				}
			}
		}

		return this.view(raised, resolved);
	}

	private advance(difference: RawDifference, now: number): DriftItem {
		const previous = this.pending.get(difference.key);
		const polls = (previous?.polls ?? 0) + 1;
		return {
			key: difference.key,
			class: difference.class,
			status: previous?.status === 'confirmed' || polls >= this.persistPolls ? 'confirmed' : 'suspected',
			severity: driftSeverity[difference.class],
			positionId: difference.positionId,
			symbol: difference.symbol,
			message: difference.message,
			detail: difference.detail,
			since: previous?.since ?? new Date(now).toISOString(),
			polls,
		};
	}

	private bury(id: number, now: number): void {
		if (!this.tombstones.has(id)) {
			this.tombstones.set(id, now + tombstoneMs);
		}
	}

	private view(raised: DriftItem[], resolved: DriftItem[]): DriftObservation {
		return {items: sortItems([...this.pending.values()]), raised: sortItems(raised), resolved: sortItems(resolved), paused: this.paused};
	}
}

/** Louder severities rank higher: the journal's event levels are listed quietest first. */
function loudness(severity: DriftSeverity): number {
	return eventLevels.indexOf(severity);
}

function sortItems(items: DriftItem[]): DriftItem[] {
	return items.sort(
		(a, b) =>
			Number(b.status === 'confirmed') - Number(a.status === 'confirmed') ||
			loudness(b.severity) - loudness(a.severity) ||
			a.positionId - b.positionId ||
			a.class.localeCompare(b.class),
	);
}

/**
 * The loudest confirmed drift: `ok` when there is none. Suspected items never raise the level,
 * so a ghost cannot page anyone; map info→ok, warn→warn, crit→crit for the fleet level.
 */
export function driftLevel(items: DriftItem[]): 'ok' | DriftSeverity {
	let level: 'ok' | DriftSeverity = 'ok';
	for (const item of items) {
		if (item.status === 'confirmed' && (level === 'ok' || loudness(item.severity) > loudness(level))) {
			level = item.severity;
		}
	}

	return level;
}
