/**
 * Property tests of the lock parser, the verdict and the snapshot over hostile lockfile contents
 * (issue 13, item 2), in-process: no bytes can make them throw; every time that leaves the parser
 * is one `Date` can format; and a field that cannot be used never turns a live holder into a
 * removable lock.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {FleetConfig} from '../../source/config/types.js';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import {lockView} from '../../source/fleet/component.js';
import {maxPid} from '../../source/locks/fields.js';
import {judge, parseLock, type JudgeFacts} from '../../source/locks/index.js';
import {earliestTimestampMs, latestTimestampMs} from '../../source/locks/timestamp.js';
import {verdictCodes, type LockInspection, type ParsedLock} from '../../source/locks/types.js';
import type {ProcessProbe} from '../../source/procs/types.js';
import {toJson} from '../../source/report/json.js';
import {toPrometheus} from '../../source/report/prometheus.js';
import {formatText} from '../../source/report/text.js';
import {atlasConfig, now, proc} from '../helpers/fleet-data.js';
import {hostileLockfile, liveHolderVariant, type HolderFacts} from './hostile-locks.js';

const holder: HolderFacts = {pid: 19248, hostname: 'host-1', bootId: 'boot-1', startToken: '5000', takenAt: new Date(now - 60_000).toISOString()};
const host = {hostname: 'host-1', bootId: 'boot-1', bootedAt: now - 3_600_000};

/** PIDs the generated records tend to name, in every state a probe can report. */
const probeArb: fc.Arbitrary<(pid: number) => ProcessProbe> = fc
	.record({
		state: fc.constantFrom('gone', 'alive', 'unknown'),
		startToken: fc.option(fc.constantFrom('5000', '5001', '')),
		command: fc.option(fc.constantFrom('python BOT.py', 'python H.py', 'bash', '')),
		uid: fc.option(fc.constantFrom(0, 1000)),
	})
	.map(({state, startToken, command, uid}) => (pid: number): ProcessProbe =>
		state === 'gone' ? {state, pid} : state === 'unknown' ? {state, pid, reason: 'EPERM'} : {state, pid, startToken, command, startedAt: now - 120_000, uid});

const factsArb: fc.Arbitrary<JudgeFacts> = fc.record({
	host: fc.constant(host),
	probe: probeArb,
	now: fc.constant(now),
	mtimeMs: fc.option(fc.constantFrom(now, now - 60_000, now + 60_000, 0, Number.MAX_SAFE_INTEGER)),
	ownerUid: fc.option(fc.constantFrom(0, 1000)),
	match: fc.option(fc.constantFrom(/BOT\.py/, /H/i)),
	remoteExpirySeconds: fc.option(fc.constantFrom(0, 60, 1e12)),
	unreadableGraceMs: fc.constant(2000),
});

function assertTime(value: number | null, what: string): void {
	if (value !== null) {
		assert.ok(Number.isSafeInteger(value) && value >= earliestTimestampMs && value < latestTimestampMs, `${what} ${value}`);
		assert.doesNotThrow(() => new Date(value).toISOString());
	}
}

/** What every record the parser returns keeps, whatever the bytes were. */
function assertRecord(record: ParsedLock): void {
	assert.ok(Number.isSafeInteger(record.pid) && record.pid >= 1 && record.pid <= maxPid, `pid ${record.pid}`);
	assertTime(record.createdAt, 'createdAt');
	assertTime(record.heartbeatAt, 'heartbeatAt');
	assert.ok(record.token === null || (Number.isSafeInteger(record.token) && record.token >= 0), `token ${record.token}`);
	for (const text of [record.account, record.hostname, record.bootId, record.startToken, record.command]) {
		assert.ok(text === null || typeof text === 'string');
	}

	assert.ok(record.child === null || (Number.isSafeInteger(record.child.pid) && record.child.pid >= 1 && record.child.pid <= maxPid));
	assert.ok(record.supervisor === null || (Number.isSafeInteger(record.supervisor.restarts) && record.supervisor.restarts >= 0));
	assert.ok((record.ignored ?? []).every(note => typeof note === 'string' && note.startsWith('field "')));
	// The journal and --json serialize records: nothing in one may make that throw.
	assert.doesNotThrow(() => JSON.stringify(record));
}

test('no lockfile content makes the parser throw; every record it returns is well-formed, every time in 2000–2200', () => {
	fc.assert(
		fc.property(hostileLockfile(holder), raw => {
			const result = parseLock('H', raw);
			if ('error' in result) {
				assert.equal(typeof result.error, 'string');
				assert.ok(result.error.length > 0);
			} else {
				assertRecord(result);
			}
		}),
		{numRuns: 3000},
	);
});

test('no lockfile content makes judging throw: always one of the verdicts, with a reason', () => {
	fc.assert(
		fc.property(hostileLockfile(holder), factsArb, (raw, facts) => {
			const judged = judge(parseLock('H', raw), facts);
			assert.ok(verdictCodes.includes(judged.verdict), judged.verdict);
			assert.ok(typeof judged.reason === 'string' && judged.reason.length > 0);
		}),
		{numRuns: 2000},
	);
});

const noConfig: FleetConfig = {...atlasConfig(), file: null, services: [], accounts: []};

test('no set of lockfiles makes the snapshot, --json, the text table or the Prometheus text throw', () => {
	fc.assert(
		fc.property(fc.array(fc.tuple(hostileLockfile(holder), factsArb), {maxLength: 12}), fc.boolean(), (files, configured) => {
			const locks: LockInspection[] = files.map(([raw, facts], index) => {
				const name = `H${index}`;
				const record = parseLock(name, raw);
				return {name, path: `/locks/${name}.lock`, ...judge(record, facts), record: 'error' in record ? null : record, raw, mtimeMs: facts.mtimeMs};
			});
			const snapshot = buildSnapshot({config: configured ? atlasConfig() : noConfig, locks, locksError: null, processes: [proc(19248, 'python BOT.py'), proc(300, 'bash')], now, host: 'host-1', selfPid: 1});
			const parsed = JSON.parse(toJson(snapshot)) as typeof snapshot;
			assert.equal(parsed.locks.length, locks.length);
			for (const view of parsed.locks) {
				assert.ok(view.createdAt === null || !Number.isNaN(Date.parse(view.createdAt)));
				assert.ok(view.ageSeconds === null || Number.isSafeInteger(view.ageSeconds));
			}

			formatText(snapshot);
			toPrometheus(snapshot);
			for (const lock of locks) {
				JSON.stringify(lockView(lock, now));
			}
		}),
		{numRuns: 400},
	);
});

const aliveHolder = (pid: number): ProcessProbe => ({state: 'alive', pid, startToken: '5000', command: 'python BOT.py', startedAt: now - 120_000, uid: null});
const liveFacts: JudgeFacts = {host, probe: aliveHolder, now, mtimeMs: now - 60_000, ownerUid: null, match: /BOT\.py/, remoteExpirySeconds: null, unreadableGraceMs: 2000};

test('safety: a hostile value in a field that only informs never makes a live holder\'s lock unreadable or stale, a pre-boot timestamp included', () => {
	fc.assert(
		fc.property(liveHolderVariant(holder), ({key, text}) => {
			const record = parseLock('H', Buffer.from(text));
			assert.ok(!('error' in record), `${key}: ${'error' in record ? record.error : ''}`);
			const judged = judge(record, liveFacts);
			// Identity comes first: even a timestamp read as a real time before the boot leaves it live.
			assert.equal(judged.verdict, 'live', `${key}=${text.slice(0, 200)}: ${judged.reason}`);
		}),
		{numRuns: 2000},
	);
});
