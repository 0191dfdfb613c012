import type {ParsedLock} from './types.js';
import {fieldError, fieldProblem, isPositivePid, optionalText, pidExpectation, type Ignored} from './fields.js';
import type {ParseError} from './parse.js';
import {parseTimestamp, timestampExpectation} from './timestamp.js';

/** The fields a legacy (Python process_lock.py) lockfile may carry; keys match in any case. */
const legacyKeys = ['pid', 'account', 'timestamp', 'hostname'] as const;
type LegacyKey = (typeof legacyKeys)[number];

/** A legacy value as text: trimmed, a number as its digits; blank reads as absent. */
function trimmed(value: unknown): unknown {
	return typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;
}

function legacyPid(value: unknown): number {
	const pid = typeof value === 'string' && /^\+?\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : value;
	return isPositivePid(pid) ? pid : fieldError('pid', pidExpectation, value);
}

/**
 * The host decides whether the PID can be probed here at all: read as absent, a lock held on
 * another host would be judged by a PID of this one. So a hostname that is present but not text
 * makes the record unreadable rather than being dropped.
 */
function legacyHostname(value: unknown): string | null {
	const host = trimmed(value);
	if (host === undefined || host === null) {
		return null;
	}

	if (typeof host === 'number' && Number.isFinite(host)) {
		return String(host);
	}

	return typeof host === 'string' ? host : fieldError('hostname', 'a host name (text)', value);
}

/**
 * Build a legacy record from its key/value pairs (first occurrence of a key wins, any key case).
 * Only the PID is required; an account or timestamp that cannot be read is read as null and
 * noted in `ignored`, so the lock is still judged by its holder.
 */
export function parseLegacyFields(name: string, format: 'legacy-json' | 'legacy-lines' | 'legacy-pid', entries: Array<[string, unknown]>): ParsedLock {
	const fields = new Map<LegacyKey, unknown>();
	for (const [key, value] of entries) {
		const known = legacyKeys.find(candidate => candidate === key.toLowerCase());
		if (known && !fields.has(known)) {
			fields.set(known, value);
		}
	}

	if (!fields.has('pid')) {
		return fieldError('pid', 'present in a legacy record', undefined);
	}

	const pid = legacyPid(fields.get('pid'));
	const hostname = legacyHostname(fields.get('hostname'));
	const ignored: Ignored = [];
	const timestamp = trimmed(fields.get('timestamp'));
	const createdAt = timestamp === undefined || timestamp === null ? null : parseTimestamp(timestamp);
	if (createdAt === null && timestamp !== undefined && timestamp !== null) {
		ignored.push(fieldProblem('timestamp', timestampExpectation, timestamp));
	}

	return {
		format,
		name,
		pid,
		account: optionalText(trimmed(fields.get('account')), 'account', ignored),
		hostname,
		bootId: null,
		startToken: null,
		createdAt,
		heartbeatAt: null,
		token: null,
		command: null,
		child: null,
		supervisor: null,
		ignored,
	};
}

const linePattern = /^([A-Za-z_][\w.-]*)\s*[:=]\s*(.*)$/;

/** `key: value` (or `key=value`) lines, CRLF or LF; blank lines, `#`/`;` comments and `[section]` headers are skipped. */
export function parseLegacyLines(name: string, body: string): ParsedLock | ParseError {
	const entries: Array<[string, unknown]> = [];
	for (const rawLine of body.split(/\r\n|\r|\n/)) {
		const line = rawLine.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';') || /^\[.*\]$/.test(line)) {
			continue;
		}

		const match = linePattern.exec(line);
		if (match?.[1] !== undefined && match[2] !== undefined) {
			entries.push([match[1], match[2].trim().replace(/^(["'])(.*)\1$/, '$2')]);
		}
	}

	if (entries.length === 0) {
		return {error: 'not a lock record: neither JSON, nor "key: value" lines, nor a bare PID'};
	}

	return parseLegacyFields(name, 'legacy-lines', entries);
}
