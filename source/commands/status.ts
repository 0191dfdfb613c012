import type {FleetConfig} from '../config/types.js';
import {gatherSnapshot, onceBrokerFacts} from '../fleet/gather.js';
import {exitCodes} from '../fleet/levels.js';
import {formatText} from '../report/text.js';
import {toJson} from '../report/json.js';
import {UsageError} from './args.js';

export const formats = ['text', 'json'] as const;
export type Format = (typeof formats)[number];

export function parseFormat(format: string | undefined, json: boolean | undefined): Format {
	if (json) {
		return 'json';
	}

	const chosen = format ?? 'text';
	if (!(formats as readonly string[]).includes(chosen)) {
		throw new UsageError(`--format expects one of ${formats.join(', ')}, got "${chosen}"`);
	}

	return chosen as Format;
}

/** `fleetdeck --once`: print the snapshot, exit with its level (0 ok, 1 warn, 2 crit, 3 unknown). */
export async function runOnce(config: FleetConfig, format: Format): Promise<number> {
	const snapshot = await gatherSnapshot(config, {broker: async () => onceBrokerFacts(config)});
	process.stdout.write(`${format === 'json' ? toJson(snapshot) : formatText(snapshot)}\n`);
	return exitCodes[snapshot.level];
}
