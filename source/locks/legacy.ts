import type {ParsedLock} from './types.js';
import {fieldError, isPositivePid} from './fields.js';
import type {ParseError} from './parse.js';
import {parseTimestamp} from './timestamp.js';

/** The fields a legacy (Python process_lock.py) lockfile may carry; keys match in any case. */
const legacyKeys = ['pid', 'account', 'timestamp', 'hostname'] as const;
type LegacyKey = (typeof legacyKeys)[number];

function text(value: unknown): string | null {
	if (typeof value === 'number' && Number.isFinite(value)) {
		return String(value);
	}

	return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function legacyPid(value: unknown): number {
	const pid = typeof value === 'string' && /^\+?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
	return isPositivePid(pid) ? pid : fieldError('pid', 'a positive integer', value);
}

/**
 * Build a legacy record from its key/value pairs (first occurrence of a key wins, any key case).
 * Only the PID is required; a timestamp that cannot be read is treated as absent.
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

	const createdAt = parseTimestamp(fields.get('timestamp'));
	return {
		format,
		name,
		pid: legacyPid(fields.get('pid')),
		account: text(fields.get('account')),
		hostname: text(fields.get('hostname')),
		bootId: null,
		startToken: null,
		createdAt,
		heartbeatAt: null,
		token: null,
		command: null,
		child: null,
		supervisor: null,
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
