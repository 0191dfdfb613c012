import type {FleetSnapshot} from '../runtime/snapshot.js';

/**
 * Characters JSON.stringify leaves raw that a terminal acts on: C1 controls (U+009B is a
 * one-character CSI) and bidi overrides/isolates, which reorder what the operator reads. `--json`
 * is often read on a terminal (`fleetdeck --once --json | less`), so they are written as `\uXXXX`:
 * the same JSON value, nothing for the terminal to act on. C0 controls and lone surrogates
 * JSON.stringify escapes itself.
 */
const rawInJson = /[\u0080-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** The `--json` document, schema 1 (docs/snapshot.md). */
export function toJson(snapshot: FleetSnapshot): string {
	return JSON.stringify(snapshot, null, 2).replaceAll(rawInJson, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
