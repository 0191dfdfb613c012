import type {LockRecord, ParsedLock} from '../locks/types.js';
import {commandKeys, isSecretKey, redactArgv, redacted, redactText} from '../text/redact.js';

// The journal's writer (`open-journal.ts`) takes the message redaction from here, with the details'.
export {redactText} from '../text/redact.js';

/**
 * Nothing secret is journaled: the database is readable by whoever can read the disk and is kept
 * for 90 days. A detail key is secret by the same words the rest of fleetdeck hides (a password,
 * token, secret, key or credential; see `text/redact.ts`), and a plain `token` always is: a lock
 * record's fencing number is journaled as `fencingToken` (see `lockRecordDetail`), so a `token` in
 * a detail is somebody's credential. `fencingToken` and `startToken` (a process's start time,
 * which tells a reused PID apart) are identities and are kept.
 */
export function isSecretDetailKey(key: string): boolean {
	return key === 'token' || isSecretKey(key);
}

/** Nesting deeper than this is cut off: details are facts for a human, not object dumps. */
const maxDepth = 8;

/**
 * A JSON-safe deep copy of `detail` with secret values replaced by `[redacted]`, command lines
 * (`command`, `argv`, `cmd`: a string or an argv array) scrubbed of secret flags' values, other
 * strings as `redactText` leaves them, and what JSON cannot hold made plain:
 * errors become `{name, message}`, bigints strings, dates ISO strings, cycles `[circular]`.
 */
export function redactDetail(detail: Record<string, unknown>): Record<string, unknown> {
	const copy = plain(detail, new Set(), 0);
	return typeof copy === 'object' && copy !== null && !Array.isArray(copy) ? copy as Record<string, unknown> : {};
}

function plain(value: unknown, ancestors: Set<object>, depth: number, key?: string): unknown {
	if (key !== undefined && isSecretDetailKey(key) && value !== null && value !== undefined) {
		return redacted;
	}

	switch (typeof value) {
		case 'string': {
			// A command line and free text are read alike: as shell-like words, URLs among them.
			return redactText(value);
		}

		case 'number': {
			return Number.isFinite(value) ? value : null;
		}

		case 'boolean': {
			return value;
		}

		case 'bigint': {
			return value.toString();
		}

		case 'object': {
			break;
		}

		default: {
			return undefined;
		}
	}

	if (value === null) {
		return null;
	}

	if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? null : value.toISOString();
	}

	if (value instanceof Error) {
		return {name: value.name, message: value.message};
	}

	if (ArrayBuffer.isView(value)) {
		return `[${value.byteLength} bytes]`;
	}

	if (ancestors.has(value)) {
		return '[circular]';
	}

	if (depth >= maxDepth) {
		return '[too deep]';
	}

	ancestors.add(value);
	let copy: unknown;
	if (Array.isArray(value)) {
		const items = key !== undefined && commandKeys.has(key) && value.every(item => typeof item === 'string') ? redactArgv(value as string[]) : value;
		copy = items.map(item => plain(item, ancestors, depth + 1) ?? null);
	} else {
		const entries: Array<[string, unknown]> = [];
		for (const [childKey, child] of Object.entries(value)) {
			const childCopy = plain(child, ancestors, depth + 1, childKey);
			if (childCopy !== undefined) {
				entries.push([childKey, childCopy]);
			}
		}

		copy = Object.fromEntries(entries);
	}

	ancestors.delete(value);
	return copy;
}

/**
 * The detail for a lock event: the record as read, with its fencing number under `fencingToken`
 * (a plain `token` key is redacted as a secret) and secrets scrubbed from its command line.
 */
export function lockRecordDetail(record: ParsedLock | LockRecord): Record<string, unknown> {
	const {token, ...rest} = record;
	return redactDetail({...rest, fencingToken: token});
}
