import type {ChildIdentity, ParsedLock, SupervisorState} from './types.js';
import {describe, fieldError as fail, FieldError, isPositivePid} from './fields.js';
import {parseLegacyFields, parseLegacyLines} from './legacy.js';
import {parseTimestamp} from './timestamp.js';

/** A lockfile larger than this is not a lock record (docs/lock-protocol.md). */
export const maxRecordBytes = 4096;

/** Why a lockfile could not be read as a record, in words. */
export interface ParseError {
	error: string;
	/** Set when the record is a later protocol version: readable by its writer, so never proof of anything. */
	newerVersion?: number;
}

type Json = Record<string, unknown>;

const controlCharacters = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/** Bytes to text: UTF-8 (BOM optional), UTF-16 with a BOM, else Latin-1 so a legacy file in a Windows code page still reads. */
function decode(raw: Buffer): string {
	const utf16 = raw.subarray(2, raw.length - (raw.length % 2));
	if (raw[0] === 0xff && raw[1] === 0xfe) {
		return utf16.toString('utf16le');
	}

	if (raw[0] === 0xfe && raw[1] === 0xff) {
		return Buffer.from(utf16).swap16().toString('utf16le');
	}

	try {
		return new TextDecoder('utf-8', {fatal: true, ignoreBOM: false}).decode(raw);
	} catch {
		return raw.toString('latin1');
	}
}

function requiredString(record: Json, field: string): string {
	const value = record[field];
	return typeof value === 'string' && value.length > 0 ? value : fail(field, 'a non-empty string', value);
}

/** Nullable fields may be missing (read as null); present, they must have the right type. */
function nullableString(record: Json, field: string): string | null {
	const value = record[field];
	if (value === undefined || value === null) {
		return null;
	}

	return typeof value === 'string' ? value : fail(field, 'a string or null', value);
}

function requiredTime(record: Json, field: string): number {
	return parseTimestamp(requiredString(record, field)) ?? fail(field, 'an ISO 8601 timestamp', record[field]);
}

function nullableTime(record: Json, field: string): number | null {
	const text = nullableString(record, field);
	return text === null ? null : parseTimestamp(text) ?? fail(field, 'an ISO 8601 timestamp or null', text);
}

function childOf(record: Json): ChildIdentity | null {
	const value = record['child'];
	if (value === undefined || value === null) {
		return null;
	}

	if (typeof value !== 'object' || Array.isArray(value)) {
		return fail('child', 'an object {pid, startToken} or null', value);
	}

	const child = value as Json;
	if (!isPositivePid(child['pid'])) {
		return fail('child.pid', 'a positive integer', child['pid']);
	}

	return {pid: child['pid'], startToken: nullableString(child, 'startToken')};
}

const supervisorStates: ReadonlySet<string> = new Set<SupervisorState['state']>(['starting', 'running', 'backoff', 'crash-loop', 'stopping']);

/** The supervisor's self-report is informational: a malformed one is dropped rather than making the lock unreadable. */
function supervisorOf(record: Json): SupervisorState | null {
	const value = record['supervisor'];
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return null;
	}

	const supervisor = value as Json;
	if (typeof supervisor['state'] !== 'string' || !supervisorStates.has(supervisor['state']) || typeof supervisor['restarts'] !== 'number') {
		return null;
	}

	return value as SupervisorState;
}

function parseV1(name: string, record: Json): ParsedLock {
	if (record['v'] !== 1) {
		return fail('v', 'the number 1', record['v']);
	}

	requiredString(record, 'name');
	if (!isPositivePid(record['pid'])) {
		return fail('pid', 'a positive integer', record['pid']);
	}

	const token = record['token'];
	if (typeof token !== 'number' || !Number.isSafeInteger(token) || token < 0) {
		return fail('token', 'a non-negative integer', token);
	}

	return {
		format: 'v1',
		name,
		pid: record['pid'],
		account: nullableString(record, 'account'),
		hostname: requiredString(record, 'hostname'),
		bootId: nullableString(record, 'bootId'),
		startToken: nullableString(record, 'startToken'),
		createdAt: requiredTime(record, 'createdAt'),
		heartbeatAt: nullableTime(record, 'heartbeatAt'),
		token,
		command: nullableString(record, 'command'),
		child: childOf(record),
		supervisor: supervisorOf(record),
	};
}

function parseJson(name: string, text: string): ParsedLock | ParseError {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return {error: `not valid JSON (${(error as Error).message})`};
	}

	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {error: `expected a JSON object, got ${describe(value)}`};
	}

	const record = value as Json;
	const version = record['v'];
	if (typeof version === 'number' && Number.isInteger(version) && version > 1) {
		return {error: `written by lock protocol version ${version}; this fleetdeck reads version 1`, newerVersion: version};
	}

	return 'v' in record ? parseV1(name, record) : parseLegacyFields(name, 'legacy-json', Object.entries(record));
}

/**
 * Read a lockfile's bytes as a record: version 1 JSON, a legacy JSON object, legacy `key: value`
 * lines, or a bare PID. Pure: the caller reads the file. Anything else is an error in words,
 * naming the offending field where there is one.
 */
export function parseLock(name: string, raw: Buffer): ParsedLock | ParseError {
	if (raw.length === 0) {
		return {error: 'the file is empty'};
	}

	if (raw.length > maxRecordBytes) {
		return {error: `the file is over the ${maxRecordBytes}-byte limit for a lock record`};
	}

	const text = decode(raw).replace(/^\uFEFF/, '');
	if (controlCharacters.test(text)) {
		return {error: 'the file holds binary data, not a lock record'};
	}

	const trimmed = text.trim();
	if (trimmed === '') {
		return {error: 'the file holds only whitespace'};
	}

	try {
		if (/^[[{"]|^(?:true|false|null)$/.test(trimmed)) {
			return parseJson(name, trimmed);
		}

		if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) {
			return parseLegacyFields(name, 'legacy-pid', [['pid', trimmed]]);
		}

		return parseLegacyLines(name, trimmed);
	} catch (error) {
		if (error instanceof FieldError) {
			return {error: error.message};
		}

		throw error;
	}
}
