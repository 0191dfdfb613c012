import type {HealthLimits} from '../config/types.js';
import {formatDuration} from '../text/duration.js';
import {findDuplicateTrades} from './duplicate-trades.js';
import {positionId, type Deal, type Position, type StatusSnapshot} from './snapshot.js';
import type {DriftClass, EventLevel} from '../vocabulary.js';

/** How loud confirmed drift is, on the journal's scale: its `drift.raised` event has this level. */
export type DriftSeverity = EventLevel;

/**
 * How loud each class is once confirmed. A manual trade is shown, not alarmed; a position without
 * a stop-loss means the watchdog failed, which is the one that can lose the account.
 */
export const driftSeverity: Record<DriftClass, DriftSeverity> = {
	'opened-manually': 'info',
	'opened-by-bot-unheld': 'warn',
	// Another copy of the bot trading the same account doubles every risk it takes.
	'duplicate-trade': 'crit',
	'closed-externally': 'warn',
	'modified-externally': 'warn',
	stale: 'warn',
	'missing-sl': 'crit',
};

/** One difference between the bot's record and the broker's, as one snapshot shows it. */
export interface RawDifference {
	/** Names the same difference across polls: its class and position. */
	key: string;
	class: DriftClass;
	/** MetaTrader's position `identifier` when published, else the ticket. */
	positionId: number;
	symbol: string | null;
	/** The difference in an operator's words. */
	message: string;
	/** The compared values (`changes`, the closing deal's `reason` and `profit`, …). */
	detail: Record<string, unknown>;
}

/** A field the bot and the broker disagree on. */
export interface FieldChange {
	field: 'sl' | 'tp' | 'volume';
	bot: number | null;
	broker: number | null;
}

/**
 * Why drift cannot be judged from this snapshot, or null when it can. A terminal that is not
 * connected or is resynchronizing reports half a position list: judging it would raise ghosts.
 */
export function driftPause(snapshot: StatusSnapshot): string | null {
	if (snapshot.positions?.bot == null || snapshot.positions.broker == null) {
		return 'the snapshot does not carry both position lists';
	}

	// Without connection.state nobody can tell a synced list from one mid-resync: judge nothing.
	if (snapshot.connection === null) {
		return 'the snapshot does not publish connection.state';
	}

	const {state} = snapshot.connection;
	if (state !== 'connected') {
		return `the connection is ${state}`;
	}

	if (snapshot.terminal?.connected === false) {
		return 'the terminal is not connected';
	}

	return null;
}

/**
 * Compares the bot's positions with the broker's in one snapshot. Pure; [] when drift cannot be
 * judged (see `driftPause`). `magic` is the bot's configured magic; without it, the magics of the
 * positions the bot holds are the bot's.
 */
export function diffPositions(
	snapshot: StatusSnapshot,
	limits: Pick<HealthLimits, 'positionStaleSeconds' | 'duplicateTradeWindowSeconds'>,
	now: number,
	magic: number | null = null,
): RawDifference[] {
	if (driftPause(snapshot) !== null) {
		return [];
	}

	const {pairs, botOnly, brokerOnly} = matchPositions(snapshot.positions!.bot!, snapshot.positions!.broker!);
	const differences: RawDifference[] = [];
	for (const position of botOnly) {
		differences.push(closedExternally(position, snapshot.deals ?? []));
	}

	const duplicates = findDuplicateTrades(snapshot.positions!.broker!, snapshot.positions!.bot!, limits.duplicateTradeWindowSeconds);
	const copies = new Set(duplicates.flatMap(duplicate => duplicate.ids));
	for (const duplicate of duplicates) {
		const copyId = duplicate.ids.find(id => !duplicate.heldIds.includes(id))!;
		differences.push({
			key: `duplicate-trade:${duplicate.ids.join(',')}`,
			class: 'duplicate-trade',
			positionId: copyId,
			symbol: duplicate.symbol,
			message: duplicate.message,
			detail: {side: duplicate.side, volume: duplicate.volume, magic: duplicate.magic, ids: duplicate.ids, heldIds: duplicate.heldIds, spreadMs: duplicate.spreadMs},
		});
	}

	const botMagics = botMagicsOf(pairs, magic);
	for (const position of brokerOnly) {
		const id = positionId(position);
		if (copies.has(id)) {
			continue;
		}

		// The bot's magic proves the bot (or a copy of it) opened it: never a manual trade.
		if (position.magic !== null && botMagics.has(position.magic)) {
			differences.push({
				key: `opened-by-bot-unheld:${id}`,
				class: 'opened-by-bot-unheld',
				positionId: id,
				symbol: position.symbol,
				message: `${label(position)} ${position.side} ${position.volume} carries the bot's magic ${position.magic} but the bot does not hold it`,
				detail: {ticket: position.ticket, side: position.side, volume: position.volume, magic: position.magic, sl: position.sl, tp: position.tp},
			});
			continue;
		}

		differences.push({
			key: `opened-manually:${id}`,
			class: 'opened-manually',
			positionId: id,
			symbol: position.symbol,
			message: `${label(position)} ${position.side} ${position.volume} was opened outside the bot`,
			detail: {ticket: position.ticket, side: position.side, volume: position.volume, sl: position.sl, tp: position.tp},
		});
	}

	for (const [bot, broker] of pairs) {
		const changes = compareFields(bot, broker);
		if (changes.length > 0) {
			const id = positionId(broker);
			differences.push({
				key: `modified-externally:${id}`,
				class: 'modified-externally',
				positionId: id,
				symbol: broker.symbol,
				message: `${label(broker)} was changed outside the bot: ${changes.map(describeChange).join('; ')}`,
				detail: {ticket: broker.ticket, changes},
			});
		}
	}

	for (const position of snapshot.positions!.broker!) {
		const id = positionId(position);
		if (!isSet(position.sl)) {
			differences.push({
				key: `missing-sl:${id}`,
				class: 'missing-sl',
				positionId: id,
				symbol: position.symbol,
				message: `${label(position)} has no stop-loss at the broker`,
				detail: {ticket: position.ticket, side: position.side, volume: position.volume},
			});
		}

		// MetaTrader's time_update moves only when the volume does, so an untouched position ages from its opening.
		const updatedAt = position.updatedAt ?? position.openedAt;
		if (updatedAt !== null && now - updatedAt > limits.positionStaleSeconds * 1000) {
			differences.push({
				key: `stale:${id}`,
				class: 'stale',
				positionId: id,
				symbol: position.symbol,
				message: `${label(position)} not updated for ${formatDuration(now - updatedAt)} (limit ${formatDuration(limits.positionStaleSeconds * 1000)})`,
				detail: {ticket: position.ticket, updatedAt: new Date(updatedAt).toISOString()},
			});
		}
	}

	return differences;
}

/**
 * The bot's magics: the configured one, else those of the broker's positions the bot holds (the
 * broker's copy, since a bot may not publish magic in its own record). Magic 0 is MetaTrader's
 * "no expert": manual trades carry it, so it never proves the bot.
 */
function botMagicsOf(pairs: Array<[Position, Position]>, magic: number | null): Set<number> {
	const magics = magic === null ? pairs.flatMap(([bot, broker]) => [broker.magic, bot.magic]) : [magic];
	return new Set(magics.filter((value): value is number => value !== null && value !== 0));
}

/**
 * Pairs positions by id (identifier, else ticket), then leftovers by ticket: a publisher that
 * sends `identifier` on one side only still matches while MetaTrader's ticket equals it.
 */
export function matchPositions(bot: Position[], broker: Position[]): {pairs: Array<[Position, Position]>; botOnly: Position[]; brokerOnly: Position[]} {
	const pairs: Array<[Position, Position]> = [];
	let botLeft = bot;
	let brokerLeft = broker;
	for (const keyOf of [positionId, (position: Position) => position.ticket]) {
		const byKey = new Map<number, Position>();
		for (const position of brokerLeft) {
			if (!byKey.has(keyOf(position))) {
				byKey.set(keyOf(position), position);
			}
		}

		const unmatched: Position[] = [];
		for (const position of botLeft) {
			const partner = byKey.get(keyOf(position));
			if (partner === undefined) {
				unmatched.push(position);
			} else {
				byKey.delete(keyOf(position));
				pairs.push([position, partner]);
			}
		}

		const taken = new Set(pairs.map(([, partner]) => partner));
		botLeft = unmatched;
		brokerLeft = brokerLeft.filter(position => !taken.has(position));
	}

	return {pairs, botOnly: botLeft, brokerOnly: brokerLeft};
}

function closedExternally(position: Position, deals: Deal[]): RawDifference {
	const id = positionId(position);
	const deal = deals.find(candidate => candidate.positionId === id || candidate.positionId === position.ticket) ?? null;
	const how = deal?.reason ? ` by ${deal.reason}` : '';
	const profit = deal?.profit == null ? '' : `, P&L ${deal.profit.toFixed(2)}`;
	return {
		key: `closed-externally:${id}`,
		class: 'closed-externally',
		positionId: id,
		symbol: position.symbol,
		message: `${label(position)} was closed at the broker${how}${profit}; the bot still holds it`,
		detail: {
			ticket: position.ticket,
			side: position.side,
			volume: position.volume,
			reason: deal?.reason ?? null,
			profit: deal?.profit ?? null,
			closedAt: deal?.time == null ? null : new Date(deal.time).toISOString(),
		},
	};
}

function compareFields(bot: Position, broker: Position): FieldChange[] {
	const changes: FieldChange[] = [];
	for (const field of ['sl', 'tp'] as const) {
		const botValue = isSet(bot[field]) ? bot[field] : null;
		const brokerValue = isSet(broker[field]) ? broker[field] : null;
		if (differs(botValue, brokerValue)) {
			changes.push({field, bot: botValue, broker: brokerValue});
		}
	}

	if (differs(bot.volume, broker.volume)) {
		changes.push({field: 'volume', bot: bot.volume, broker: broker.volume});
	}

	return changes;
}

/** MetaTrader reports an unset SL or TP as 0. */
function isSet(price: number | null): price is number {
	return price !== null && price !== 0;
}

function differs(a: number | null, b: number | null): boolean {
	if (a === null || b === null) {
		return a !== b;
	}

	// Prices and volumes pass through floats in Python and JSON; a rounding hair is not a change.
	return Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function describeChange(change: FieldChange): string {
	const name = change.field === 'volume' ? 'volume' : change.field.toUpperCase();
	return `${name} bot ${change.bot ?? 'unset'}, broker ${change.broker ?? 'unset'}`;
}

function label(position: Position): string {
	return `${position.symbol} #${positionId(position)}`;
}
