import type {FleetConfig} from '../runtime/config.js';
import {exitCode} from '../exit-codes.js';
import {type FleetSnapshot, gatherSnapshot, onceBrokerFacts} from '../runtime/snapshot.js';
import {formatText} from '../report/text.js';
import {toJson} from '../report/json.js';
import {toPrometheus} from '../report/prometheus.js';
import {UsageError} from './args.js';

export const formats = ['text', 'json', 'prometheus'] as const;
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

/** The snapshot as printed on stdout, final line feed included. */
export function renderSnapshot(snapshot: FleetSnapshot, format: Format): string {
	switch (format) {
		case 'text': {
			return `${formatText(snapshot)}\n`;
		}

		case 'json': {
			return `${toJson(snapshot)}\n`;
		}

		case 'prometheus': {
			return toPrometheus(snapshot);
		}
	}
}

/** `fleetdeck --once`: gather the snapshot (broker status polled now), print it, return its level's exit code. */
export async function runOnce(config: FleetConfig, format: Format): Promise<number> {
	const snapshot = await gatherSnapshot(config, {broker: async () => onceBrokerFacts(config)});
	process.stdout.write(renderSnapshot(snapshot, format));
	return exitCode[snapshot.level];
}
