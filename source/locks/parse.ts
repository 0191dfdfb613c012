import type {ChildIdentity, ParsedLock, SupervisorState} from './types.js';
import {describe, fieldError as fail, fieldProblem, FieldError, isPositivePid, optionalText, pidExpectation, type Ignored} from './fields.js';
import {parseLegacyFields, parseLegacyLines} from './legacy.js';
import {isoTimestampExpectation, parseIsoTimestamp} from './timestamp.js';

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
export function decodeRecord(raw: Buffer): string {
	const utf16 = raw.subarray(2, raw.length - (raw.length % 2));
	let text: string;
	if (raw[0] === 0xff && raw[1] === 0xfe) {
		text = utf16.toString('utf16le');
	} else if (raw[0] === 0xfe && raw[1] === 0xff) {
		text = Buffer.from(utf16).swap16().toString('utf16le');
	} else {
		try {
			text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: false}).decode(raw);
		} catch {
			text = raw.toString('latin1');
		}
	}

	return text.replace(/^\uFEFF/, '');
}

/**
 * A start token identifies the holder, so one of the wrong type makes the record unreadable:
 * dropped, a supervisor whose own command line does not match the bot's pattern would look like
 * a reused PID. An empty one identifies nothing and is read as null (the holder is then confirmed
 * by its command line, which never judges more readily than a token mismatch would).
 */
function startTokenOf(value: unknown, field: string, ignored: Ignored): string | null {
	if (value === undefined || value === null) {
		return null;
	}

	if (typeof value !== 'string') {
		return fail(field, 'a string or null', value);
	}

	if (value.trim() === '') {
		ignored.push(fieldProblem(field, 'a non-empty string or null', value));
		return null;
	}

	return value;
}

/** A v1 timestamp: ISO 8601 between 2000 and 2200; anything else is dropped with a note. */
function isoTime(record: Json, field: string, ignored: Ignored, required: boolean): number | null {
	const value = record[field];
	if (value === null && !required) {
		return null;
	}

	const epochMs = parseIsoTimestamp(value);
	if (epochMs === null) {
		ignored.push(fieldProblem(field, isoTimestampExpectation, value));
	}

	return epochMs;
}

/** The supervisor's child is the lock's second holder: a malformed one makes the record unreadable. */
function childOf(record: Json, ignored: Ignored): ChildIdentity | null {
	const value = record['child'];
	if (value === undefined || value === null) {
		return null;
	}

	if (typeof value !== 'object' || Array.isArray(value)) {
		return fail('child', 'an object {pid, startToken} or null', value);
	}

	const child = value as Json;
	if (!isPositivePid(child['pid'])) {
		return fail('child.pid', pidExpectation, child['pid']);
	}

	return {pid: child['pid'], startToken: startTokenOf(child['startToken'], 'child.startToken', ignored)};
}

const supervisorStates: ReadonlySet<string> = new Set<SupervisorState['state']>(['starting', 'running', 'backoff', 'crash-loop', 'stopping']);

function lastExitOf(value: unknown): SupervisorState['lastExit'] {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return null;
	}

	const {code, signal, at} = value as Json;
	const codeOk = code === null || (typeof code === 'number' && Number.isSafeInteger(code));
	const signalOk = signal === null || (typeof signal === 'string' && /^[A-Z0-9]{1,16}$/.test(signal));
	return codeOk && signalOk && parseIsoTimestamp(at) !== null ? {code: code as number | null, signal: signal as string | null, at: at as string} : null;
}

/**
 * The supervisor's self-report is informational: a malformed one is dropped (with a note) rather
 * than making the lock unreadable. Rebuilt field by field, so nothing but the documented shape
 * (and no value a face cannot format) reaches the snapshot.
 */
function supervisorOf(record: Json, ignored: Ignored): SupervisorState | null {
	const value = record['supervisor'];
	if (value === undefined || value === null) {
		return null;
	}

	const expected = 'an object {state, restarts, nextStartAt, lastExit} with a known state and a non-negative integer restarts';
	if (typeof value !== 'object' || Array.isArray(value)) {
		ignored.push(fieldProblem('supervisor', expected, value));
		return null;
	}

	const supervisor = value as Json;
	const {state, restarts} = supervisor;
	if (typeof state !== 'string' || !supervisorStates.has(state) || typeof restarts !== 'number' || !Number.isSafeInteger(restarts) || restarts < 0) {
		ignored.push(fieldProblem('supervisor', expected, value));
		return null;
	}

	return {
		state: state as SupervisorState['state'],
		restarts,
		nextStartAt: parseIsoTimestamp(supervisor['nextStartAt']) === null ? null : (supervisor['nextStartAt'] as string),
		lastExit: lastExitOf(supervisor['lastExit']),
	};
}

/**
 * A v1 record. What decides who holds the lock is essential, and a bad value there makes the
 * record unreadable: `v`, `pid`, `hostname` (here or another host), `startToken` and `child`.
 * Everything else only informs, and a bad value there is read as null with a note: a record
 * whose live holder wrote a time in the wrong unit is still judged by its holder's identity.
 */
function parseV1(name: string, record: Json): ParsedLock {
	if (record['v'] !== 1) {
		return fail('v', 'the number 1', record['v']);
	}

	if (!isPositivePid(record['pid'])) {
		return fail('pid', pidExpectation, record['pid']);
	}

	const pid = record['pid'];
	const hostname = requiredHostname(record['hostname']);
	const ignored: Ignored = [];
	const startToken = startTokenOf(record['startToken'], 'startToken', ignored);
	const child = childOf(record, ignored);
	const recordedName = record['name'];
	if (typeof recordedName !== 'string' || recordedName === '') {
		ignored.push(fieldProblem('name', 'a non-empty string', recordedName));
	}

	let token: number | null = null;
	const rawToken = record['token'];
	if (typeof rawToken === 'number' && Number.isSafeInteger(rawToken) && rawToken >= 0) {
		token = rawToken;
	} else {
		ignored.push(fieldProblem('token', 'a non-negative integer', rawToken));
	}

	return {
		format: 'v1',
		name,
		pid,
		account: optionalText(record['account'], 'account', ignored),
		hostname,
		bootId: optionalText(record['bootId'], 'bootId', ignored),
		startToken,
		createdAt: isoTime(record, 'createdAt', ignored, true),
		heartbeatAt: isoTime(record, 'heartbeatAt', ignored, false),
		token,
		command: optionalText(record['command'], 'command', ignored, {allowControls: true}),
		child,
		supervisor: supervisorOf(record, ignored),
		ignored,
	};
}

function requiredHostname(value: unknown): string {
	return typeof value === 'string' && value.length > 0 ? value : fail('hostname', 'a non-empty string', value);
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

	return Object.hasOwn(record, 'v') ? parseV1(name, record) : parseLegacyFields(name, 'legacy-json', Object.entries(record));
}

/**
 * Read a lockfile's bytes as a record: version 1 JSON, a legacy JSON object, legacy `key: value`
 * lines, or a bare PID. Pure and total: the caller reads the file; any bytes at all give either
 * a record (every time in it within 2000–2200, every PID a positive pid_t) or an error in words
 * naming the offending field where there is one. Fields read as null are listed in `ignored`.
 */
export function parseLock(name: string, raw: Buffer): ParsedLock | ParseError {
	if (raw.length === 0) {
		return {error: 'the file is empty'};
	}

	if (raw.length > maxRecordBytes) {
		return {error: `the file is over the ${maxRecordBytes}-byte limit for a lock record`};
	}

	const text = decodeRecord(raw);
	if (controlCharacters.test(text)) {
		return {error: 'the file holds binary data, not a lock record'};
	}

	const trimmed = text.trim();
	if (trimmed === '') {
		return {error: 'the file holds only whitespace'};
	}

	try {
		if (/^[[{"]|^(?:true|false|null)$/.test(trimmed)) {
			const json = parseJson(name, trimmed);
			// `[lock]` opening `key: value` lines is a section header, not a JSON array.
			return 'error' in json && trimmed.startsWith('[') && json.error.startsWith('not valid JSON') ? parseLegacyLines(name, trimmed) : json;
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
