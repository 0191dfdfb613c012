import type {FleetSnapshot} from '../fleet/types.js';

/** The `--json` document, schema 1 (docs/snapshot.md). */
export function toJson(snapshot: FleetSnapshot): string {
	return JSON.stringify(snapshot, null, 2);
}
