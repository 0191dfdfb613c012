process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import test from 'node:test';
import {
	formatDuration, formatHistory, formatReport, isSecretDetailKey, JournalInputError, lockRecordDetail, parseKinds, parseSince,
	redactDetail, redactText, toReportJson, type JournalEvent,
} from '../../source/journal/index.js';
import {packLevels, unpackLevels} from '../../source/journal/sample-levels.js';
import {redactArgv} from '../../source/text/redact.js';
import {healthStates} from '../../source/vocabulary.js';
import {day, minute, t0} from './temp-journal.js';

test('parseSince takes durations and ISO dates, and rejects the rest clearly', () => {
	assert.equal(parseSince('30m', t0), t0 - 30 * minute);
	assert.equal(parseSince('24h', t0), t0 - day);
	assert.equal(parseSince('7d', t0), t0 - 7 * day);
	assert.equal(parseSince('2w', t0), t0 - 14 * day);
	assert.equal(parseSince('2026-11-22T17:00:00Z', t0), t0 - 60 * minute);
	assert.equal(parseSince('2026-11-22T19:00:00+02:00', t0), t0 - 60 * minute);
	assert.equal(parseSince('2026-11-22', t0), Date.parse('2026-11-22T00:00:00Z')); // Local midnight; TZ is UTC here.
	for (const bad of ['', 'yesterday', '24', 'h', '-5m', '0h', '7 days', '2026-13-45', '2026-11-23T00:00:00Z']) {
		assert.throws(() => parseSince(bad, t0), (error: unknown) => error instanceof JournalInputError && error.message.includes('--since'), bad);
	}

	assert.throws(() => parseSince('soon', t0), /expected a duration such as 30m, 24h, 7d or an ISO date/);
	assert.throws(() => parseSince('2026-12-01', t0), /in the future/);
});

test('parseKinds accepts kinds, families and comma lists, and names the valid ones on error', () => {
	assert.deepEqual(parseKinds(['lock', 'process.exited,stop.confirmed']), ['lock', 'process.exited', 'stop.confirmed']);
	assert.throws(() => parseKinds(['locks']), /--kind "locks" is unknown; expected a family \(lock, process, stop, duplicate/);
	assert.throws(() => parseKinds(['lock.']), JournalInputError);
});

test('details lose secrets but keep the fencing token and process identities', () => {
	const detail = redactDetail({
		password: 'hunter2',
		Passwd: 'x',
		apiKey: 'k',
		'api-key': 'k',
		clientSecret: 's',
		credentials: {user: 'u'},
		token: 'abc',
		accessToken: 'abc',
		auth_token: 'abc',
		fencingToken: 42,
		startToken: '81723',
		nested: [{secret: 's', verdict: 'stale-dead'}],
		command: 'python BRAIN.py --password hunter2 --account ATLAS',
		argv: ['python', 'BRAIN.py', '--api-key=abc', '--token', 'xyz'],
		code: 1,
	});
	assert.deepEqual(detail, {
		password: '[redacted]',
		Passwd: '[redacted]',
		apiKey: '[redacted]',
		'api-key': '[redacted]',
		clientSecret: '[redacted]',
		credentials: '[redacted]',
		token: '[redacted]',
		accessToken: '[redacted]',
		auth_token: '[redacted]',
		fencingToken: 42,
		startToken: '81723',
		nested: [{secret: '[redacted]', verdict: 'stale-dead'}],
		command: 'python BRAIN.py --password [redacted] --account ATLAS',
		argv: ['python', 'BRAIN.py', '--api-key=[redacted]', '--token', '[redacted]'],
		code: 1,
	});
	assert.equal(isSecretDetailKey('fencingToken'), false);
	assert.equal(isSecretDetailKey('bypass'), true); // Erring on the safe side.
});

test('details lose secrets wherever they hide: argv arrays under command, key-named keys, URLs, quoted command lines', () => {
	// The supervisor journals process.started with the bot's argv as an array under `command`.
	const detail = redactDetail({
		command: ['python', 'BRAIN_ATLAS.py', '--password', 'hunter2', '--api-token=tok-1'],
		cmd: 'python BRAIN.py --secret s3',
		env: {MT5_KEY: 'k1', PRIVATE_KEY_FILE: 'k2', API_TOKEN_VALUE: 'k3', PYTHONUNBUFFERED: '1'},
		url: 'http://trader:pw-123@127.0.0.1:8801/status?token=tok-2&account=ATLAS',
		reason: 'PID 4799 now runs python BRAIN_ATLAS.py --token tok-3',
	});
	assert.deepEqual(detail, {
		command: ['python', 'BRAIN_ATLAS.py', '--password', '[redacted]', '--api-token=[redacted]'],
		cmd: 'python BRAIN.py --secret [redacted]',
		env: {MT5_KEY: '[redacted]', PRIVATE_KEY_FILE: '[redacted]', API_TOKEN_VALUE: '[redacted]', PYTHONUNBUFFERED: '1'},
		url: 'http://trader:%5Bredacted%5D@127.0.0.1:8801/status?token=%5Bredacted%5D&account=ATLAS',
		reason: 'PID 4799 now runs python BRAIN_ATLAS.py --token [redacted]',
	});
	assert.equal(redactText('supervisor PID 1 started for BRAIN_ATLAS: python BRAIN_ATLAS.py --password hunter2 --account ATLAS'), 'supervisor PID 1 started for BRAIN_ATLAS: python BRAIN_ATLAS.py --password [redacted] --account ATLAS');
	assert.equal(redactText('GET http://u:pw@host/health failed (timeout)'), 'GET http://u:%5Bredacted%5D@host/health failed (timeout)');
	assert.equal(redactText("BRAIN_ATLAS.lock taken by supervisor PID 5 (token 3); the bot's lock"), "BRAIN_ATLAS.lock taken by supervisor PID 5 (token 3); the bot's lock");
});

test('details become plain JSON whatever the caller passes', () => {
	const cycle: Record<string, unknown> = {name: 'loop'};
	cycle.self = cycle;
	const detail = redactDetail({
		error: new Error('boom'), big: 10n, when: new Date(t0), cycle, skip: undefined, fn: () => 1, raw: Buffer.from('abc'), nan: Number.NaN,
	});
	assert.deepEqual(detail, {
		error: {name: 'Error', message: 'boom'}, big: '10', when: '2026-11-22T18:00:00.000Z', cycle: {name: 'loop', self: '[circular]'}, raw: '[3 bytes]', nan: null,
	});
	assert.doesNotThrow(() => JSON.stringify(detail));
});

test('a removed lock record is journaled with its fencing number under fencingToken', () => {
	const detail = lockRecordDetail({
		format: 'v1', name: 'BRAIN_ATLAS', pid: 19_248, account: 'ATLAS', hostname: 'vm', bootId: 'b', startToken: '123', createdAt: t0,
		heartbeatAt: null, token: 7, command: 'python BRAIN_ATLAS.py --password=x', child: {pid: 19_250, startToken: '124'}, supervisor: null,
	});
	assert.equal(detail.fencingToken, 7);
	assert.equal('token' in detail, false);
	assert.equal(detail.command, 'python BRAIN_ATLAS.py --password=[redacted]');
	assert.deepEqual(detail.child, {pid: 19_250, startToken: '124'});
});

test('redactArgv hides the value after a bare secret flag, even as the last argument', () => {
	assert.deepEqual(redactArgv(['--secret']), ['--secret']);
	assert.deepEqual(redactArgv(['-p', 'x', '--credential-file', '/etc/c']), ['-p', 'x', '--credential-file', '[redacted]']);
});

test('health levels pack into one small integer and back', () => {
	for (const service of healthStates) {
		for (const connection of healthStates) {
			for (const broker of healthStates) {
				const packed = packLevels({service, connection, broker});
				assert.ok(packed >= 0 && packed < 64);
				assert.deepEqual(unpackLevels(packed), {service, connection, broker});
			}
		}
	}
});

test('the packed codes are the ones already on disk, whatever the vocabulary\'s order', () => {
	// unknown 0, ok 1, degraded 2, down 3: samples written by earlier versions must read the same.
	assert.equal(packLevels({service: 'unknown', connection: 'unknown', broker: 'unknown'}), 0);
	assert.equal(packLevels({service: 'ok', connection: 'degraded', broker: 'down'}), (1 << 4) | (2 << 2) | 3);
	assert.deepEqual(unpackLevels((3 << 4) | (1 << 2) | 2), {service: 'down', connection: 'ok', broker: 'degraded'});
});

function event(overrides: Partial<JournalEvent>): JournalEvent {
	return {
		id: 1, at: '2026-11-22T18:00:00.000Z', host: 'vm', kind: 'lock.cleared', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 19_248,
		level: 'warn', message: 'cleared stale lock', detail: {}, ...overrides,
	};
}

test('history text: one line per event, every column, never wider than 100', () => {
	const text = formatHistory([
		event({}),
		event({id: 2, at: '2026-11-22T18:00:05.000Z', kind: 'health.changed', component: null, pid: null, level: 'info', message: 'connection ok → degraded'}),
		event({id: 3, kind: 'process.crash-loop', component: 'WATCHDOG_BG_CHALLENGE_WITH_A_VERY_LONG_NAME', level: 'crit', message: 'gave up after 5 failures within 5 minutes; last exit code 1, see logs/WATCHDOG_BG_CHALLENGE.log'}),
	]);
	const lines = text.split('\n');
	assert.equal(lines.length, 3);
	assert.equal(lines[0], '2026-11-22 18:00:00 WARN lock.cleared       BRAIN_ATLAS              19248 cleared stale lock');
	assert.equal(lines[1], '2026-11-22 18:00:05 INFO health.changed     ATLAS                        - connection ok → degraded');
	assert.match(lines[2]!, /^2026-11-22 18:00:00 CRIT process\.crash-loop WATCHDOG_BG_CHALLENGE_W… 19248 gave up after 5 failures.*…$/);
	for (const line of lines) {
		assert.ok(line.length <= 100, `${line.length}: ${line}`);
	}

	assert.equal(formatHistory([]), 'No events in this window.');
});

test('history text for a pipe or a file (width Infinity) keeps every message whole', () => {
	const message = 'BRAIN_ATLAS PID 16052 ended: exit code 1 after 3 s; restarting in 4 s (failure 3 of 5 within 300 s before giving up)';
	const lines = formatHistory([event({kind: 'process.exited', message}), event({id: 2, message: 'x\ny'})], {width: Number.POSITIVE_INFINITY}).split('\n');
	assert.deepEqual(lines, [
		`2026-11-22 18:00:00 WARN process.exited BRAIN_ATLAS 19248 ${message}`,
		String.raw`2026-11-22 18:00:00 WARN lock.cleared   BRAIN_ATLAS 19248 x\ny`,
	]);
});

test('history text colours the level only when asked, and keeps the word', () => {
	const plain = formatHistory([event({level: 'crit'})]);
	const coloured = formatHistory([event({level: 'crit'})], {color: true});
	assert.doesNotMatch(plain, /\u001B\[/);
	assert.match(coloured, /\u001B\[31mCRIT\u001B\[39m/);
});

test('report text: a table under 100 columns with counts and readable downtime', () => {
	const rows = [
		{component: 'BRAIN_ATLAS', account: 'ATLAS', restarts: 3, crashLoops: 1, staleLocksCleared: 2, duplicatesSeen: 1, downtimeMs: 3_900_000},
		{component: 'quantum_server', account: null, restarts: 0, crashLoops: 0, staleLocksCleared: 0, duplicatesSeen: 0, downtimeMs: 0},
	];
	const lines = formatReport(rows, '7d').split('\n');
	assert.deepEqual(lines, [
		'Report since 7d',
		'COMPONENT       ACCOUNT  RESTARTS  CRASH-LOOPS  STALE-CLEARED  DUPLICATES    DOWNTIME',
		'BRAIN_ATLAS     ATLAS           3            1              2           1      1h 05m',
		'quantum_server  -               0            0              0           0          0s',
	]);
	assert.match(formatReport([], '24h'), /^Report since 24h: no component/);
	assert.deepEqual(toReportJson(rows, t0 - 7 * day, t0), {since: '2026-11-15T18:00:00.000Z', until: '2026-11-22T18:00:00.000Z', components: rows});
});

test('durations show their two largest units', () => {
	assert.equal(formatDuration(0), '0s');
	assert.equal(formatDuration(45_000), '45s');
	assert.equal(formatDuration(250_000), '4m 10s');
	assert.equal(formatDuration(3_900_000), '1h 05m');
	assert.equal(formatDuration(3 * day + 4 * 3_600_000), '3d 04h');
});
