import assert from 'node:assert/strict';
import {test} from 'node:test';
import {judge, parseLock, validateLockName} from '../../source/locks/index.js';
import type {ParsedLock} from '../../source/locks/types.js';

const v1 = {
	v: 1,
	name: 'BRAIN_ATLAS',
	pid: 19248,
	account: 'ATLAS',
	hostname: 'vm',
	bootId: 'boot-a',
	startToken: '8812345',
	createdAt: '2026-11-22T18:00:00.000Z',
	heartbeatAt: null,
	token: 7,
	command: 'python BRAIN_ATLAS.py',
	child: null,
};

function json(value: unknown): Buffer {
	return Buffer.from(JSON.stringify(value));
}

function parse(raw: Buffer | string): ParsedLock | {error: string} {
	return parseLock('BRAIN_ATLAS', typeof raw === 'string' ? Buffer.from(raw) : raw);
}

function parsed(raw: Buffer | string): ParsedLock {
	const result = parse(raw);
	assert.ok(!('error' in result), `expected a record, got error: ${'error' in result ? result.error : ''}`);
	return result;
}

test('a v1 record reads back field for field', () => {
	assert.deepEqual(parsed(json(v1)), {
		format: 'v1',
		name: 'BRAIN_ATLAS',
		pid: 19248,
		account: 'ATLAS',
		hostname: 'vm',
		bootId: 'boot-a',
		startToken: '8812345',
		createdAt: Date.parse('2026-11-22T18:00:00.000Z'),
		heartbeatAt: null,
		token: 7,
		command: 'python BRAIN_ATLAS.py',
		child: null,
		supervisor: null,
		ignored: [],
	});
});

test('v1: unknown fields are ignored; child and supervisor are read', () => {
	const record = parsed(json({
		...v1,
		heartbeatAt: '2026-11-22T18:05:00+00:00',
		child: {pid: 19249, startToken: '8812399'},
		supervisor: {state: 'backoff', restarts: 2, nextStartAt: '2026-11-22T18:06:00.000Z'},
		extra: {nested: true},
	}));
	assert.equal(record.heartbeatAt, Date.parse('2026-11-22T18:05:00Z'));
	assert.deepEqual(record.child, {pid: 19249, startToken: '8812399'});
	assert.equal(record.supervisor?.state, 'backoff');
});

test('v1: nullable fields may be missing (read as null)', () => {
	const {account, bootId, startToken, heartbeatAt, command, child, ...required} = v1;
	const record = parsed(json(required));
	assert.deepEqual([record.account, record.bootId, record.startToken, record.heartbeatAt, record.command, record.child], [null, null, null, null, null, null]);
});

/** What decides who holds the lock: a bad value makes the whole record unreadable. */
const malformedV1: Array<[string, Record<string, unknown>, RegExp]> = [
	['pid 0', {pid: 0}, /field "pid" must be a positive integer no larger than 2147483647, got number 0/],
	['pid -1', {pid: -1}, /field "pid".*number -1/],
	['pid 1.5', {pid: 1.5}, /field "pid"/],
	['pid "abc"', {pid: 'abc'}, /field "pid".*the string "abc"/],
	['pid as a numeric string', {pid: '19248'}, /field "pid"/],
	['pid missing', {pid: undefined}, /field "pid".*missing/],
	['pid past the largest pid_t (process.kill would throw on it)', {pid: 2 ** 31}, /field "pid".*2147483648/],
	['pid past the safe integers', {pid: 2 ** 60}, /field "pid"/],
	['version 0', {v: 0}, /field "v" must be the number 1/],
	['version as a string', {v: '1'}, /field "v"/],
	['hostname missing', {hostname: undefined}, /field "hostname"/],
	['hostname empty', {hostname: ''}, /field "hostname"/],
	['hostname a number', {hostname: 42}, /field "hostname"/],
	['startToken a number', {startToken: 8812345}, /field "startToken" must be a string or null/],
	['startToken an object', {startToken: {ticks: 1}}, /field "startToken".*an object/],
	['child a string', {child: '19249'}, /field "child"/],
	['child pid 0', {child: {pid: 0, startToken: null}}, /field "child.pid"/],
	['child pid huge', {child: {pid: 1e300, startToken: null}}, /field "child.pid"/],
	['child startToken a number', {child: {pid: 19249, startToken: 5}}, /field "child.startToken"/],
];

for (const [title, change, expected] of malformedV1) {
	test(`v1 unparseable: ${title}`, () => {
		const result = parse(json({...v1, ...change}));
		assert.ok('error' in result, 'expected an error');
		assert.match(result.error, expected);
	});
}

/**
 * Everything else only informs: a bad value is read as null and named in `ignored` (and so in the
 * verdict's reason), and the record is still judged by its holder's identity.
 */
const ignoredV1: Array<[string, Record<string, unknown>, keyof ParsedLock, RegExp]> = [
	['name missing', {name: undefined}, 'name', /field "name"/],
	['createdAt garbage', {createdAt: 'yesterday'}, 'createdAt', /field "createdAt" must be an ISO 8601 time between 2000 and 2200, got the string "yesterday"/],
	['createdAt a number', {createdAt: 1795370400}, 'createdAt', /field "createdAt".*number 1795370400/],
	['createdAt missing', {createdAt: undefined}, 'createdAt', /field "createdAt".*missing/],
	['createdAt in 1970', {createdAt: '1970-01-01T00:00:00.000Z'}, 'createdAt', /field "createdAt"/],
	['createdAt past what Date can hold', {createdAt: '9999-12-31T23:59:59.999Z'}, 'createdAt', /field "createdAt"/],
	['createdAt on a day that does not exist', {createdAt: '2026-02-30T00:00:00Z'}, 'createdAt', /field "createdAt"/],
	['heartbeatAt garbage', {heartbeatAt: 'soon'}, 'heartbeatAt', /field "heartbeatAt"/],
	['heartbeatAt an object', {heartbeatAt: {at: 1}}, 'heartbeatAt', /field "heartbeatAt".*an object/],
	['token missing', {token: undefined}, 'token', /field "token"/],
	['token negative', {token: -3}, 'token', /field "token"/],
	['token fractional', {token: 1.5}, 'token', /field "token"/],
	['token past the safe integers', {token: 2 ** 60}, 'token', /field "token"/],
	['token as text is a credential: its type is named, its value never', {token: 'ghp_s3cr3tValue'}, 'token', /^field "token" must be a non-negative integer, got a string$/],
	['account an object', {account: {id: 'ATLAS'}}, 'account', /field "account" must be a string or null, got an object/],
	['account with a NUL', {account: 'AT\u0000LAS'}, 'account', /field "account" must be text without control characters/],
	['bootId a number', {bootId: true}, 'bootId', /field "bootId"/],
	['command an array', {command: ['python', 'BRAIN_ATLAS.py']}, 'command', /field "command".*an array/],
	['startToken empty', {startToken: ''}, 'startToken', /field "startToken"/],
];

for (const [title, change, field, expected] of ignoredV1) {
	test(`v1 field read as null, noted: ${title}`, () => {
		const record = parsed(json({...v1, ...change}));
		assert.equal(record[field] === null || (field === 'name' && record.name === 'BRAIN_ATLAS'), true, `${field} is ${JSON.stringify(record[field])}`);
		assert.equal(record.pid, v1.pid);
		assert.equal(record.ignored?.length, 1, JSON.stringify(record.ignored));
		assert.match(record.ignored?.[0] ?? '', expected);
	});
}

test('v1: an account written as a number reads as its digits', () => {
	const record = parsed(json({...v1, account: 212000584}));
	assert.equal(record.account, '212000584');
	assert.deepEqual(record.ignored, []);
});

test('v1: a malformed supervisor report is dropped with a note, not fatal', () => {
	for (const supervisor of ['running', {state: 'dancing', restarts: 0}, {state: 'running', restarts: -1}, {state: 'running', restarts: 1e300}, {state: 'running'}]) {
		const record = parsed(json({...v1, supervisor}));
		assert.equal(record.supervisor, null, JSON.stringify(supervisor));
		assert.match(record.ignored?.[0] ?? '', /field "supervisor"/);
	}
});

test('v1: a supervisor report is rebuilt from its documented fields only; unformattable times are dropped', () => {
	const record = parsed(json({...v1, supervisor: {state: 'backoff', restarts: 3, nextStartAt: '99999-01-01', lastExit: {code: 'one', signal: null, at: 'x'}, extra: {deep: [1]}}}));
	assert.deepEqual(record.supervisor, {state: 'backoff', restarts: 3, nextStartAt: null, lastExit: null});
	const good = parsed(json({...v1, supervisor: {state: 'crash-loop', restarts: 5, nextStartAt: null, lastExit: {code: 1, signal: null, at: '2026-11-22T18:00:00.000Z'}}}));
	assert.deepEqual(good.supervisor, {state: 'crash-loop', restarts: 5, nextStartAt: null, lastExit: {code: 1, signal: null, at: '2026-11-22T18:00:00.000Z'}});
});

const localTime = (...parts: [number, number, number, number, number, number, number?]) => new Date(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], parts[6] ?? 0).getTime();

const legacy: Array<[string, string | Buffer, Partial<ParsedLock>]> = [
	['JSON, lower-case keys', '{"pid": 19248, "account": "ATLAS", "timestamp": "2026-11-22T18:00:00Z", "hostname": "vm"}', {format: 'legacy-json', pid: 19248, account: 'ATLAS', hostname: 'vm', createdAt: Date.UTC(2026, 10, 22, 18)}],
	['JSON, mixed-case keys', '{"PID": 19248, "Account": "ATLAS", "TimeStamp": "2026-11-22T18:00:00", "HOSTNAME": "TRADER-PC"}', {format: 'legacy-json', pid: 19248, account: 'ATLAS', hostname: 'TRADER-PC', createdAt: localTime(2026, 11, 22, 18, 0, 0)}],
	['JSON, PID as a string, numeric account, epoch seconds', '{"pid": "366604", "account": 366604, "timestamp": 1795370400.5}', {pid: 366604, account: '366604', createdAt: 1_795_370_400_500, hostname: null}],
	['JSON, epoch seconds as a string, unknown fields', '{"pid": 7, "timestamp": "1795370400", "script": "BRAIN.py", "extra": [1, 2]}', {pid: 7, createdAt: 1_795_370_400_000}],
	['JSON, unreadable timestamp is dropped', '{"pid": 7, "timestamp": "last tuesday"}', {pid: 7, createdAt: null}],
	['JSON, offset timestamp', '{"pid": 7, "timestamp": "2026-11-22T18:00:00.250+02:00"}', {createdAt: Date.UTC(2026, 10, 22, 16, 0, 0, 250)}],
	['lines, LF', 'pid: 19248\naccount: ATLAS\ntimestamp: 2026-11-22T18:00:00Z\nhostname: vm\n', {format: 'legacy-lines', pid: 19248, account: 'ATLAS', hostname: 'vm', createdAt: Date.UTC(2026, 10, 22, 18)}],
	['lines, CRLF', 'pid: 19248\r\naccount: ATLAS\r\n', {format: 'legacy-lines', pid: 19248, account: 'ATLAS'}],
	['lines, BOM and CRLF', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('PID: 19248\r\nACCOUNT: GL_3\r\n')]), {format: 'legacy-lines', pid: 19248, account: 'GL_3'}],
	['lines, key=value, comments, quotes', '# process_lock.py\n[lock]\nPid = 4242\nAccount="FTMO"\n\nTimestamp=2026-11-22 18:00:00.123456\n', {pid: 4242, account: 'FTMO', createdAt: localTime(2026, 11, 22, 18, 0, 0, 123)}],
	['lines opening with a [section] header (not a JSON array)', '[lock]\npid: 4242\naccount: FTMO\n', {format: 'legacy-lines', pid: 4242, account: 'FTMO'}],
	['lines, Python str(datetime) timestamp', 'pid: 5\ntimestamp: 2026-11-22 18:00:00\n', {createdAt: localTime(2026, 11, 22, 18, 0, 0)}],
	['bare PID', '19248', {format: 'legacy-pid', pid: 19248, account: null, hostname: null, createdAt: null}],
	['bare PID, newline', '19248\n', {format: 'legacy-pid', pid: 19248}],
	['bare PID, CRLF and spaces', '  19248 \r\n', {format: 'legacy-pid', pid: 19248}],
	['bare PID 1 (a container\'s first process)', '1', {format: 'legacy-pid', pid: 1}],
	['bare PID, UTF-16 with BOM (PowerShell 5 echo)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('19248\r\n', 'utf16le')]), {format: 'legacy-pid', pid: 19248}],
	['lines in a Windows code page', Buffer.from('pid: 77\naccount: Z\xfcrich\n', 'latin1'), {pid: 77, account: 'Zürich'}],
	// Every unit Python has: time.time(), time.time() * 1000, time.time_ns() // 1000, time.time_ns().
	['JSON, epoch milliseconds', '{"pid": 7, "timestamp": 1796228591063}', {createdAt: 1_796_228_591_063, ignored: []}],
	['JSON, epoch microseconds', '{"pid": 7, "timestamp": 1796228591063730}', {createdAt: 1_796_228_591_064, ignored: []}],
	['JSON, epoch nanoseconds (time.time_ns())', '{"pid": 7, "timestamp": 1796228591063730501}', {createdAt: 1_796_228_591_064, ignored: []}],
	['lines, epoch nanoseconds as text', 'pid: 7\ntimestamp: 1796228591063730501\n', {createdAt: 1_796_228_591_064, ignored: []}],
	['JSON, account an object is dropped with a note', '{"pid": 7, "account": {"id": "ATLAS"}}', {pid: 7, account: null, ignored: ['field "account" must be a string or null, got an object']}],
	['JSON, hostname a number reads as its digits', '{"pid": 7, "hostname": 42}', {hostname: '42'}],
	['JSON, largest pid_t', '{"pid": 2147483647}', {pid: 2_147_483_647}],
];

/** Timestamps in no unit that lands between 2000 and 2200: read as null, named in `ignored`. */
const implausibleTimestamps: Array<[string, string]> = [
	['1 second after the epoch', '{"pid": 7, "timestamp": 1}'],
	['zero', '{"pid": 7, "timestamp": 0}'],
	['negative', '{"pid": 7, "timestamp": -1796228591}'],
	['between seconds and milliseconds (year 3555 in seconds)', '{"pid": 7, "timestamp": 50000000000}'],
	['past nanoseconds', '{"pid": 7, "timestamp": 1e25}'],
	['Infinity (1e999 in JSON)', '{"pid": 7, "timestamp": 1e999}'],
	['an ISO year 9999', '{"pid": 7, "timestamp": "9999-12-31T23:59:59Z"}'],
	['an ISO year 1970', '{"pid": 7, "timestamp": "1970-01-01 00:00:01"}'],
	['an ISO month 13', '{"pid": 7, "timestamp": "2026-13-01T00:00:00Z"}'],
	['an ISO offset of 99 hours', '{"pid": 7, "timestamp": "2199-12-31T00:00:00-99:00"}'],
	['a boolean', '{"pid": 7, "timestamp": true}'],
	['an array', '{"pid": 7, "timestamp": [1796228591]}'],
	['four thousand digits', `{"pid": 7, "timestamp": "${'9'.repeat(4000)}"}`],
	['lines, 25 digits', 'pid: 7\ntimestamp: 1796228591063730501000000\n'],
];

for (const [title, raw] of implausibleTimestamps) {
	test(`legacy timestamp read as null, noted: ${title}`, () => {
		const record = parsed(raw);
		assert.equal(record.createdAt, null);
		assert.equal(record.pid, 7);
		assert.match(record.ignored?.[0] ?? '', /^field "timestamp" must be an ISO 8601 time or epoch seconds, milliseconds, microseconds or nanoseconds, between 2000 and 2200, got /);
	});
}

test('a legacy hostname that is not text makes the record unreadable: read as absent, a remote lock would be judged by a local PID', () => {
	for (const raw of ['{"pid": 7, "hostname": {"name": "other"}}', '{"pid": 7, "hostname": ["other"]}', '{"pid": 7, "hostname": false}']) {
		const result = parse(raw);
		assert.ok('error' in result, raw);
		assert.match(result.error, /field "hostname"/);
	}
});

for (const [title, raw, expected] of legacy) {
	test(`legacy: ${title}`, () => {
		const record = parsed(raw);
		for (const [key, value] of Object.entries(expected)) {
			assert.deepEqual(record[key as keyof ParsedLock], value, `field ${key}`);
		}

		assert.equal(record.startToken, null);
		assert.equal(record.bootId, null);
		assert.equal(record.token, null);
	});
}

const unreadable: Array<[string, string | Buffer, RegExp]> = [
	['empty', '', /empty/],
	['whitespace only', ' \r\n\t', /whitespace/],
	['binary', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10]), /binary/],
	['NULs after a PID', Buffer.from('19248\0\0\0'), /binary/],
	['over 4 KiB', Buffer.alloc(4097, 'a'), /over the 4096-byte limit/],
	['over 4 KiB of valid JSON', json({...v1, command: 'x'.repeat(5000)}), /over the 4096-byte limit/],
	['truncated JSON', '{"v":1,"name":"BRAIN_ATLAS","pid":192', /not valid JSON/],
	['JSON array', '[19248]', /expected a JSON object, got an array/],
	['JSON string', '"19248"', /expected a JSON object, got the string/],
	['JSON null', 'null', /expected a JSON object, got null/],
	['JSON true', 'true', /expected a JSON object, got boolean true/],
	['JSON number, fractional', '19248.5', /field "pid"/],
	['JSON number, exponent', '1e5', /field "pid"/],
	['bare PID 0', '0', /field "pid" must be a positive integer/],
	['bare PID -1', '-1', /field "pid".*-1/],
	['bare PID too large', '99999999999999999999', /field "pid"/],
	['bare PID past the largest pid_t', '2147483648', /field "pid" must be a positive integer no larger than 2147483647/],
	['legacy JSON pid past the largest pid_t', '{"pid": 4294967296}', /field "pid"/],
	['legacy lines pid past the largest pid_t', 'pid: 3000000000\n', /field "pid"/],
	['legacy JSON pid 0', '{"pid": 0}', /field "pid"/],
	['legacy JSON pid -1', '{"pid": -1}', /field "pid"/],
	['legacy JSON pid "abc"', '{"pid": "abc"}', /field "pid".*"abc"/],
	['legacy JSON pid null', '{"pid": null}', /field "pid"/],
	['legacy JSON without pid', '{"account": "ATLAS"}', /field "pid".*missing/],
	['legacy lines pid abc', 'pid: abc\naccount: ATLAS', /field "pid".*"abc"/],
	['legacy lines without pid', 'account: ATLAS\n', /field "pid"/],
	['prose', 'this file is locked', /neither JSON, nor "key: value" lines, nor a bare PID/],
];

for (const [title, raw, expected] of unreadable) {
	test(`unparseable: ${title}`, () => {
		const result = parse(raw);
		assert.ok('error' in result, `expected an error, got ${JSON.stringify(result)}`);
		assert.match(result.error, expected);
	});
}

const names: Array<[string, boolean]> = [
	['BRAIN_ATLAS', true],
	['quantum_server', true],
	['WATCHDOG_GL_3', true],
	['a', true],
	['9', true],
	['bot-1.v2', true],
	['x'.repeat(128), true],
	['x'.repeat(129), false],
	['', false],
	['..', false],
	['a..b', false],
	['.hidden', false],
	['-dash', false],
	['_under', false],
	['a/b', false],
	['a\\b', false],
	['../etc/passwd', false],
	['BRÄIN', false],
	['名前', false],
	['a b', false],
	['a\0b', false],
	['a\nb', false],
];

for (const [name, ok] of names) {
	test(`lock name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…(${name.length})` : name)} is ${ok ? 'valid' : 'refused'}`, () => {
		const problem = validateLockName(name);
		if (ok) {
			assert.equal(problem, null);
		} else {
			assert.equal(typeof problem, 'string');
			assert.ok((problem ?? '').length > 0);
		}
	});
}

test('a record of a later protocol version is held, never stale', () => {
	const raw = Buffer.from(JSON.stringify({v: 2, name: 'BRAIN_ATLAS', pid: 4242, future: true}));
	const parsed = parseLock('BRAIN_ATLAS', raw);
	assert.ok('error' in parsed && parsed.newerVersion === 2);
	const host = {hostname: 'h', bootId: 'b', bootedAt: 0};
	const judged = judge(parsed, {host, probe: pid => ({state: 'gone', pid}), now: 10_000_000, mtimeMs: 0, ownerUid: null, match: null, remoteExpirySeconds: null, unreadableGraceMs: 2000});
	assert.equal(judged.verdict, 'unknown');
	assert.match(judged.reason, /protocol version 2/);
});

test('a live legacy holder next to an unusable timestamp is live, never stale: the ignored field is named in the reason', () => {
	const host = {hostname: 'vm', bootId: 'boot-now', bootedAt: Date.UTC(2026, 10, 22, 12)};
	const probe = (pid: number) => ({state: 'alive' as const, pid, startToken: '5000', command: 'python BRAIN_ATLAS.py', startedAt: null, uid: null});
	const facts = {host, probe, now: Date.UTC(2026, 10, 22, 18), mtimeMs: 0, ownerUid: null, match: /BRAIN_ATLAS\.py/, remoteExpirySeconds: null, unreadableGraceMs: 2000};
	// 1 s after the epoch would "prove" a reboot if it were read as a time; 1e25 is no time at all.
	for (const timestamp of ['1', '1e25', '"0001-01-01T00:00:00Z"', '50000000000']) {
		const judged = judge(parse(`{"pid": 19248, "timestamp": ${timestamp}, "hostname": "vm"}`), facts);
		assert.equal(judged.verdict, 'live', `${timestamp}: ${judged.reason}`);
		assert.match(judged.reason, /PID 19248 is running .*\(ignored: field "timestamp" must be/);
	}

	const nanoseconds = judge(parse('{"pid": 19248, "timestamp": 1795370400000000000, "hostname": "vm"}'), facts);
	assert.equal(nanoseconds.verdict, 'live');
	assert.doesNotMatch(nanoseconds.reason, /ignored/);
});
