import {z} from 'zod';

/**
 * Status snapshot, schema 1 (docs/status-snapshot.md is the normative copy).
 * The wire format carries ISO 8601 date-times; the parsed `StatusSnapshot` carries them as epoch
 * milliseconds so the pure rules can do arithmetic. Optional fields may be absent or `null`
 * (Python's `None`); both parse to `null`. Unknown fields are dropped.
 */

// A date-time without a zone is refused: MetaTrader reports times in the trade server's zone,
// and guessing the zone would age every position by hours.
const isoPattern = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/i;

const isoDateTime = z
	.string()
	.refine(text => isoPattern.test(text) && Number.isFinite(Date.parse(text)), {
		message: 'expected an ISO 8601 date-time with a timezone, e.g. 2026-11-22T18:00:00Z',
	})
	.transform(text => Date.parse(text));

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform(value => value ?? null);

const positionSchema = z.object({
	ticket: z.number().int().nonnegative(),
	identifier: optional(z.number().int().nonnegative()),
	symbol: z.string().min(1),
	side: z.enum(['buy', 'sell']),
	volume: z.number().nonnegative(),
	sl: optional(z.number().nonnegative()),
	tp: optional(z.number().nonnegative()),
	openedAt: optional(isoDateTime),
	updatedAt: optional(isoDateTime),
	magic: optional(z.number().int()),
});

export const connectionStates = ['connected', 'connecting', 'disconnected', 'resyncing'] as const;

export const statusSnapshotSchema = z.object({
	schema: z.literal(1, {message: 'expected 1 (the only schema this fleetdeck reads)'}),
	// MetaTrader's login is an integer; a publisher that forwards it unchanged is accepted.
	account: z.union([z.string().min(1), z.number().int().nonnegative().transform(String)], {
		message: 'expected the broker login as a string, e.g. "212000584"',
	}),
	asOf: isoDateTime,
	publisher: optional(
		z.object({
			component: optional(z.string()),
			pid: optional(z.number().int().positive()),
		}),
	),
	connection: optional(
		z.object({
			state: z.enum(connectionStates),
			since: optional(isoDateTime),
			lastSyncAt: optional(isoDateTime),
			lastActivityAt: optional(isoDateTime),
			credentialsRefreshedAt: optional(isoDateTime),
			reconnects: optional(z.number().int().nonnegative()),
		}),
	),
	terminal: optional(
		z.object({
			connected: z.boolean(),
			tradeAllowed: optional(z.boolean()),
			pingMs: optional(z.number().nonnegative()),
			server: optional(z.string()),
		}),
	),
	permissions: optional(
		z.object({
			tradeAllowed: optional(z.boolean()),
			tradeExpert: optional(z.boolean()),
		}),
	),
	seq: optional(z.number().int().nonnegative()),
	positions: optional(
		z.object({
			bot: optional(z.array(positionSchema)),
			broker: optional(z.array(positionSchema)),
		}),
	),
	deals: optional(
		z.array(
			z.object({
				positionId: z.number().int().nonnegative(),
				reason: optional(z.string()),
				profit: optional(z.number()),
				time: optional(isoDateTime),
			}),
		),
	),
});

/** A validated snapshot; every date-time is epoch milliseconds, every absent optional field `null`. */
export type StatusSnapshot = z.output<typeof statusSnapshotSchema>;
/** One open position as the bot records it or as `positions_get()` returned it. */
export type Position = z.output<typeof positionSchema>;
/** A recent closing deal (`history_deals_get()`), naming why the position closed. */
export type Deal = NonNullable<StatusSnapshot['deals']>[number];
export type ConnectionState = (typeof connectionStates)[number];

export type SnapshotParse = {ok: true; snapshot: StatusSnapshot} | {ok: false; error: string};

/** Validates decoded JSON; the error names each bad field, what was expected and what came. */
export function validateSnapshot(value: unknown): SnapshotParse {
	const parsed = statusSnapshotSchema.safeParse(value);
	if (parsed.success) {
		return {ok: true, snapshot: parsed.data};
	}

	const problems = parsed.error.issues.slice(0, 3).map(issue => `${formatPath(issue.path)}: ${issue.message}`);
	const more = parsed.error.issues.length - problems.length;
	return {ok: false, error: `invalid status snapshot: ${problems.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`};
}

/** Decodes and validates a payload's bytes. */
export function parseSnapshot(text: string): SnapshotParse {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return {ok: false, error: `status is not valid JSON: ${(error as Error).message}`};
	}

	return validateSnapshot(value);
}

/** The id drift matches a position by: MetaTrader's stable `identifier`, else its `ticket`. */
export function positionId(position: Position): number {
	return position.identifier ?? position.ticket;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
	if (path.length === 0) {
		return '(snapshot)';
	}

	return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`)).join('');
}
