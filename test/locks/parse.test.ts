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

const malformedV1: Array<[string, Record<string, unknown>, RegExp]> = [
	['pid 0', {pid: 0}, /field "pid" must be a positive integer, got number 0/],
	['pid -1', {pid: -1}, /field "pid".*number -1/],
	['pid 1.5', {pid: 1.5}, /field "pid"/],
	['pid "abc"', {pid: 'abc'}, /field "pid".*the string "abc"/],
	['pid as a numeric string', {pid: '19248'}, /field "pid"/],
	['pid missing', {pid: undefined}, /field "pid".*missing/],
	['version 0', {v: 0}, /field "v" must be the number 1/],
	['version as a string', {v: '1'}, /field "v"/],
	['hostname missing', {hostname: undefined}, /field "hostname"/],
	['hostname empty', {hostname: ''}, /field "hostname"/],
	['name missing', {name: undefined}, /field "name"/],
	['createdAt garbage', {createdAt: 'yesterday'}, /field "createdAt".*ISO 8601/],
	['createdAt a number', {createdAt: 1795370400}, /field "createdAt"/],
	['heartbeatAt garbage', {heartbeatAt: 'soon'}, /field "heartbeatAt"/],
	['token missing', {token: undefined}, /field "token"/],
	['token negative', {token: -3}, /field "token"/],
	['token fractional', {token: 1.5}, /field "token"/],
	['token as text is a credential: its type is named, its value never', {token: 'ghp_s3cr3tValue'}, /^field "token" must be a non-negative integer, got a string$/],
	['startToken a number', {startToken: 8812345}, /field "startToken" must be a string or null/],
	['account a number', {account: 212000584}, /field "account"/],
	['child a string', {child: '19249'}, /field "child"/],
	['child pid 0', {child: {pid: 0, startToken: null}}, /field "child.pid"/],
];

for (const [title, change, expected] of malformedV1) {
	test(`v1 unparseable: ${title}`, () => {
		const result = parse(json({...v1, ...change}));
		assert.ok('error' in result, 'expected an error');
		assert.match(result.error, expected);
	});
}

test('v1: a malformed supervisor report is dropped, not fatal', () => {
	assert.equal(parsed(json({...v1, supervisor: 'running'})).supervisor, null);
	assert.equal(parsed(json({...v1, supervisor: {state: 'dancing', restarts: 0}})).supervisor, null);
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
	['lines, Python str(datetime) timestamp', 'pid: 5\ntimestamp: 2026-11-22 18:00:00\n', {createdAt: localTime(2026, 11, 22, 18, 0, 0)}],
	['bare PID', '19248', {format: 'legacy-pid', pid: 19248, account: null, hostname: null, createdAt: null}],
	['bare PID, newline', '19248\n', {format: 'legacy-pid', pid: 19248}],
	['bare PID, CRLF and spaces', '  19248 \r\n', {format: 'legacy-pid', pid: 19248}],
	['bare PID 1 (a container\'s first process)', '1', {format: 'legacy-pid', pid: 1}],
	['bare PID, UTF-16 with BOM (PowerShell 5 echo)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('19248\r\n', 'utf16le')]), {format: 'legacy-pid', pid: 19248}],
	['lines in a Windows code page', Buffer.from('pid: 77\naccount: Z\xfcrich\n', 'latin1'), {pid: 77, account: 'Zürich'}],
];

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
