import {redactArgv, redactCommandLine, redacted, redactUrl} from '../config/redact.js';
import type {LockRecord, ParsedLock} from '../locks/types.js';

/**
 * Nothing secret is journaled: the database is readable by whoever can read the disk and is kept
 * for 90 days. A detail key is secret when it looks like a password, secret, key or credential,
 * or names a token (`token`, `accessToken`, `auth_token`, `TOKEN_FILE`), the same words the
 * config's redaction hides (DESIGN.md §3). Two token-named keys are identities, not secrets, and
 * are kept: `fencingToken` (a lock's fencing number; a lock record's own `token` must be
 * journaled under this name, see `lockRecordDetail`) and `startToken` (a process's start time,
 * which tells a reused PID apart).
 */
const secretKey = /pass(word)?|secret|key|credential|token/i;
const identityKeys = new Set(['fencingToken', 'startToken']);


/** Keys whose value is a command: a lock's command line (a string), a component's argv (an array). */
const commandKeys: ReadonlySet<string> = new Set(['command', 'argv', 'cmd']);

/** Anything URL-shaped in free text: `http://user:pw@host/…`, `postgres://…?token=…`. */
const urlInText = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * Free text (an event's message) with what looks secret hidden: values of secret-looking options
 * of a command line quoted in it (`--password hunter2`, `--api-key=x`), and passwords and secret
 * query parameters of URLs. Messages often quote a command line, so they are redacted too.
 */
export function redactText(text: string): string {
	return redactCommandLine(text).replaceAll(urlInText, url => redactUrl(url));
}

/** Nesting deeper than this is cut off: details are facts for a human, not object dumps. */
const maxDepth = 8;

export function isSecretDetailKey(key: string): boolean {
	return secretKey.test(key) && !identityKeys.has(key);
}

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
			return key !== undefined && commandKeys.has(key) ? redactCommandLine(value) : redactText(value);
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
