import {positionId, type Position} from './snapshot.js';

/**
 * Copies of one trade: open positions with the same symbol, side and magic, opened within the
 * window, of which the bot's record holds only some. The incident behind it (DESIGN §9): three
 * copies of one bot each opened the same BTCUSD buy; each copy held only its own position.
 */
export interface DuplicateTrade {
	symbol: string;
	side: 'buy' | 'sell';
	/** The volume of the position the bot holds. */
	volume: number;
	magic: number | null;
	/** Every copy's id (identifier, else ticket), in opening order. */
	ids: number[];
	/** The ids among them the bot holds. */
	heldIds: number[];
	/** Milliseconds between the first and the last opening. */
	spreadMs: number;
	message: string;
}

/**
 * Finds duplicate trades among the broker's positions. Pure. A position without `openedAt` cannot
 * be placed in a window and is never counted; a group the bot holds entirely is its own doing
 * (a bot may scale in), and one it holds none of is not a copy of *its* trade.
 */
export function findDuplicateTrades(broker: Position[], bot: Position[], windowSeconds: number): DuplicateTrade[] {
	const held = new Set(bot.flatMap(position => [positionId(position), position.ticket]));
	const isHeld = (position: Position) => held.has(positionId(position)) || held.has(position.ticket);
	const groups = new Map<string, Position[]>();
	for (const position of broker) {
		if (position.openedAt === null) {
			continue;
		}

		const key = `${position.symbol}\u0000${position.side}\u0000${position.magic ?? ''}`;
		groups.set(key, [...(groups.get(key) ?? []), position]);
	}

	const found: DuplicateTrade[] = [];
	for (const group of groups.values()) {
		const sorted = group.sort((a, b) => a.openedAt! - b.openedAt! || positionId(a) - positionId(b));
		// Clusters start at their first opening: a chain of openings each 50 s apart is not one trade.
		let start = 0;
		while (start < sorted.length) {
			let end = start + 1;
			while (end < sorted.length && sorted[end]!.openedAt! - sorted[start]!.openedAt! <= windowSeconds * 1000) {
				end++;
			}

			const cluster = sorted.slice(start, end);
			const heldCopies = cluster.filter(isHeld);
			if (cluster.length > 1 && heldCopies.length > 0 && heldCopies.length < cluster.length) {
				found.push(describe(cluster, heldCopies));
			}

			start = end;
		}
	}

	return found.sort((a, b) => a.ids[0]! - b.ids[0]!);
}

function describe(cluster: Position[], heldCopies: Position[]): DuplicateTrade {
	const first = cluster[0]!;
	const ids = cluster.map(position => positionId(position));
	const heldIds = heldCopies.map(position => positionId(position));
	const spreadMs = cluster.at(-1)!.openedAt! - first.openedAt!;
	const volume = heldCopies[0]!.volume;
	const times = cluster.length === 2 ? 'twice' : `${cluster.length} times`;
	const list = (values: number[]) => values.map(id => `#${id}`).join(', ');
	return {
		symbol: first.symbol,
		side: first.side,
		volume,
		magic: first.magic,
		ids,
		heldIds,
		spreadMs,
		message: `${first.symbol} ${first.side} ${formatVolume(volume)} opened ${times} within ${Math.round(spreadMs / 1000)} s (${list(ids)}); `
			+ `the bot holds ${list(heldIds)}; another copy of the bot may be trading`,
	};
}

/**
 * Lots as a terminal shows them: at least two decimals (0.10, not 0.1: JSON drops the trailing
 * zero MetaTrader's volume step implies), more when the volume has them (0.125).
 */
export function formatVolume(volume: number): string {
	const decimals = String(volume).split('.')[1]?.length ?? 0;
	return volume.toFixed(Math.min(8, Math.max(2, decimals)));
}
