import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {HostFacts, ProcessProbe} from '../../source/procs/types.js';
import {judge, type JudgeFacts} from '../../source/locks/index.js';
import {compileMatch} from '../../source/procs/matcher.js';
import {isStale, type ParsedLock, type VerdictCode} from '../../source/locks/types.js';

const bootedAt = Date.UTC(2026, 10, 22, 6);
const now = bootedAt + 12 * 3_600_000;
const host: HostFacts = {hostname: 'trader-vm', bootId: 'boot-now', bootedAt};

function lock(change: Partial<ParsedLock> = {}): ParsedLock {
	return {
		format: 'v1',
		name: 'BRAIN_ATLAS',
		pid: 19248,
		account: 'ATLAS',
		hostname: 'trader-vm',
		bootId: 'boot-now',
		startToken: '5000',
		createdAt: now - 60_000,
		heartbeatAt: null,
		token: 3,
		command: 'python BRAIN_ATLAS.py',
		child: null,
		supervisor: null,
		...change,
	};
}

function legacy(change: Partial<ParsedLock> = {}): ParsedLock {
	return lock({format: 'legacy-json', hostname: null, bootId: null, startToken: null, token: null, command: null, ...change});
}

const alive = (pid: number, startToken: string | null, command: string | null = 'python BRAIN_ATLAS.py', uid: number | null = 1000): ProcessProbe => ({state: 'alive', pid, startToken, command, startedAt: null, uid});

/** A process table: PIDs not listed are gone. */
function table(...processes: ProcessProbe[]): (pid: number) => ProcessProbe {
	return pid => processes.find(process => process.pid === pid) ?? {state: 'gone', pid};
}

function facts(change: Partial<JudgeFacts> = {}): JudgeFacts {
	return {host, probe: table(), now, mtimeMs: now - 60_000, ownerUid: 1000, match: null, remoteExpirySeconds: null, unreadableGraceMs: 2000, ...change};
}

interface Case {
	title: string;
	lock: ParsedLock | {error: string};
	facts?: Partial<JudgeFacts>;
	verdict: VerdictCode;
	reason: RegExp;
	orphaned?: boolean;
}

const cases: Case[] = [
	{title: 'holder running, start token matches', lock: lock(), facts: {probe: table(alive(19248, '5000'))}, verdict: 'live', reason: /PID 19248 is running/},
	{title: 'holder gone', lock: lock(), verdict: 'stale-dead', reason: /^PID 19248 is gone$/},
	{title: 'holder PID reused (start token differs)', lock: lock(), facts: {probe: table(alive(19248, '7777', 'bash'))}, verdict: 'stale-reused', reason: /PID 19248 now belongs to another process \(start token 7777, the lock recorded 5000\)/},
	{title: 'holder cannot be probed', lock: lock(), facts: {probe: pid => ({state: 'unknown', pid, reason: 'EACCES'})}, verdict: 'unknown', reason: /PID 19248 cannot be checked \(EACCES\); treated as held/},
	{title: 'supervisor gone, child alive', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19249, '5001'))}, verdict: 'live', orphaned: true, reason: /^supervisor PID 19248 is gone; its child PID 19249 still runs$/},
	{title: 'supervisor PID reused, child alive', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19248, '9', 'sshd'), alive(19249, '5001'))}, verdict: 'live', orphaned: true, reason: /supervisor PID 19248 now belongs to another process.*its child PID 19249 still runs/},
	{title: 'supervisor and child gone', lock: lock({child: {pid: 19249, startToken: '5001'}}), verdict: 'stale-dead', reason: /PID 19248 is gone, and its child PID 19249 is gone/},
	{title: 'supervisor gone, child PID reused', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19249, '6000', 'vim'))}, verdict: 'stale-dead', reason: /PID 19248 is gone, and its child PID 19249 now belongs to another process/},
	{title: 'supervisor gone, child cannot be probed', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: pid => (pid === 19249 ? {state: 'unknown', pid, reason: 'EPERM'} : {state: 'gone', pid})}, verdict: 'unknown', reason: /supervisor PID 19248 is gone, but its child: PID 19249 cannot be checked.*treated as held/},
	{title: 'supervisor gone, child without start token but matching', lock: lock({child: {pid: 19249, startToken: null}}), facts: {probe: table(alive(19249, null, 'python BRAIN_ATLAS.py')), match: /BRAIN_ATLAS\.py/}, verdict: 'live', orphaned: true, reason: /child PID 19249 still runs/},
	{title: 'supervisor gone, child without start token, unverifiable', lock: lock({child: {pid: 19249, startToken: null}}), facts: {probe: table(alive(19249, null, 'python bot.py'))}, verdict: 'unknown', reason: /cannot be confirmed/},
	{title: 'rebooted (boot id differs), even though the PID runs with the same token', lock: lock({bootId: 'boot-before'}), facts: {probe: table(alive(19248, '5000'))}, verdict: 'stale-rebooted', reason: /PID 19248 took it before trader-vm rebooted \(boot id boot-before, now boot-now\)/},
	{title: 'same boot id: not rebooted', lock: lock(), facts: {probe: table(alive(19248, '5000'))}, verdict: 'live', reason: /running/},
	{title: 'host boot id unknown: no reboot verdict from a recorded one', lock: lock({bootId: 'boot-before'}), facts: {host: {...host, bootId: null}, probe: table(alive(19248, '5000'))}, verdict: 'live', reason: /running/},
	{title: 'v1 without boot id, taken before the boot', lock: lock({bootId: null, createdAt: bootedAt - 60_000}), verdict: 'stale-rebooted', reason: /took it at 2026-11-22T05:59:00.000Z, before trader-vm booted at 2026-11-22T06:00:00.000Z/},
	{title: 'v1 without boot id, heartbeat after the boot', lock: lock({bootId: null, createdAt: bootedAt - 60_000, heartbeatAt: bootedAt + 60_000}), facts: {probe: table(alive(19248, '5000'))}, verdict: 'live', reason: /running/},
	// Identity before any rule about time: a clock wrong at boot must not start a second copy beside a live bot.
	{title: 'legacy record from the day before the boot, holder running and named: the timestamp proves nothing', lock: legacy({createdAt: bootedAt - 30 * 3_600_000}), facts: {probe: table(alive(19248, null))}, verdict: 'live', reason: /^PID 19248 is running "python BRAIN_ATLAS.py", which names BRAIN_ATLAS$/},
	{title: 'legacy record from before the boot, holder matching the configured pattern', lock: legacy({createdAt: bootedAt - 30 * 3_600_000}), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1'))}, verdict: 'live', reason: /which matches/},
	{title: 'legacy record from before the boot, holder alive but unconfirmed: held', lock: legacy({createdAt: bootedAt - 30 * 3_600_000}), facts: {probe: table(alive(19248, '1', 'python other.py'))}, verdict: 'unknown', reason: /cannot be confirmed as the holder; treated as held/},
	{title: 'legacy record from before the boot, holder gone: the reboot names why', lock: legacy({createdAt: bootedAt - 30 * 3_600_000}), verdict: 'stale-rebooted', reason: /^PID 19248 took it at .*, before trader-vm booted at .*; PID 19248 is gone$/},
	{title: 'legacy record from before the boot, PID now runs something else', lock: legacy({createdAt: bootedAt - 30 * 3_600_000}), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'sleep 30'))}, verdict: 'stale-rebooted', reason: /before trader-vm booted .*; PID 19248 now runs "sleep 30", which does not match/},
	{title: 'v1 without boot id, taken before the boot, holder running with its start token', lock: lock({bootId: null, createdAt: bootedAt - 60_000}), facts: {probe: table(alive(19248, '5000'))}, verdict: 'live', reason: /start token 5000 matches/},
	{title: 'v1 without boot id, taken before the boot, cannot be probed: held', lock: lock({bootId: null, createdAt: bootedAt - 60_000}), facts: {probe: pid => ({state: 'unknown', pid, reason: 'EACCES'})}, verdict: 'unknown', reason: /cannot be checked/},
	{title: 'supervisor and child gone, taken before the boot', lock: lock({bootId: null, createdAt: bootedAt - 60_000, child: {pid: 19249, startToken: '5001'}}), verdict: 'stale-rebooted', reason: /before trader-vm booted .*; PID 19248 is gone, and its child PID 19249 is gone/},
	{title: 'supervisor gone, child alive, taken before the boot: live', lock: lock({bootId: null, createdAt: bootedAt - 60_000, child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19249, '5001'))}, verdict: 'live', orphaned: true, reason: /its child PID 19249 still runs/},
	// Ownership: a start token is world-readable, so a record naming another user's process is not proof.
	{title: 'holder runs as another user than the lockfile\'s owner', lock: lock({pid: 1}), facts: {ownerUid: 1000, probe: table(alive(1, '5000', '/sbin/init', 0))}, verdict: 'unknown', reason: /^lockfile owned by uid 1000 but PID 1 runs as uid 0: not trusted; treated as held$/},
	{title: 'legacy holder named by its command line, another user\'s', lock: legacy(), facts: {ownerUid: 1000, match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'python BRAIN_ATLAS.py', 0))}, verdict: 'unknown', reason: /lockfile owned by uid 1000 but PID 19248 runs as uid 0: not trusted/},
	{title: 'lockfile owner unknown on this platform: no ownership check', lock: lock(), facts: {ownerUid: null, probe: table(alive(19248, '5000', 'x', 0))}, verdict: 'live', reason: /matches/},
	{title: 'process owner unknown on this platform: no ownership check', lock: lock(), facts: {probe: table(alive(19248, '5000', 'x', null))}, verdict: 'live', reason: /matches/},
	{title: 'another user\'s process at a reused PID: stale, whoever owns it', lock: lock(), facts: {probe: table(alive(19248, '7777', 'bash', 0))}, verdict: 'stale-reused', reason: /now belongs to another process/},
	{title: 'supervisor gone, its child runs as another user', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19249, '5001', 'python BRAIN_ATLAS.py', 0))}, verdict: 'unknown', reason: /supervisor PID 19248 is gone, but its child: lockfile owned by uid 1000 but PID 19249 runs as uid 0: not trusted; treated as held/},
	{title: 'supervisor running, its recorded child runs as another user', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: {probe: table(alive(19248, '5000'), alive(19249, '5001', 'python BRAIN_ATLAS.py', 0))}, verdict: 'unknown', reason: /PID 19248 is running .*, but its child: lockfile owned by uid 1000 but PID 19249 runs as uid 0: not trusted/},
	{title: 'legacy record an hour before the boot: the zone may be wrong, so no reboot verdict', lock: legacy({createdAt: bootedAt - 3_600_000}), verdict: 'stale-dead', reason: /PID 19248 is gone/},
	{title: 'legacy record without a timestamp: no reboot verdict', lock: legacy({createdAt: null}), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1'))}, verdict: 'live', reason: /matches/},
	{title: 'legacy, command matches the component pattern', lock: legacy(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', '/usr/bin/python3 BRAIN_ATLAS.py --live'))}, verdict: 'live', reason: /PID 19248 is running "\/usr\/bin\/python3 BRAIN_ATLAS.py --live", which matches \/BRAIN_ATLAS\\.py\//},
	{title: 'legacy, a secret on the holder\'s command line is not quoted in the reason', lock: legacy(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'python BRAIN_ATLAS.py --password hunter2 --api-key=abc'))}, verdict: 'live', reason: /^PID 19248 is running "python BRAIN_ATLAS.py --password \[redacted\] --api-key=\[redacted\]", which matches/},
	{title: 'legacy, a secret on a reused PID\'s command line is not quoted either', lock: legacy(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'mysql -u op --password s3cret'))}, verdict: 'stale-reused', reason: /^PID 19248 now runs "mysql -u op --password \[redacted\]", which does not match/},
	{title: 'legacy, a command line longer than the matched prefix that fails the pattern is doubt, not reuse', lock: legacy(), facts: {match: compileMatch(String.raw`BRAIN_ATLAS\.py`), probe: table(alive(19248, '1', `python ${'x'.repeat(40_000)} BRAIN_ATLAS.py`))}, verdict: 'unknown', reason: /longer than the 32768 characters matched.*treated as held/},
	{title: 'legacy, command does not match the pattern', lock: legacy(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'sleep 30'))}, verdict: 'stale-reused', reason: /PID 19248 now runs "sleep 30", which does not match/},
	{title: 'legacy, no pattern, command names the lock (any case)', lock: legacy(), facts: {probe: table(alive(19248, '1', 'python brain_atlas.py'))}, verdict: 'live', reason: /names BRAIN_ATLAS/},
	{title: 'legacy, no pattern, command does not name the lock', lock: legacy(), facts: {probe: table(alive(19248, '1', 'python other.py'))}, verdict: 'unknown', reason: /no start token and no match pattern.*treated as held/},
	{title: 'legacy, command line unreadable', lock: legacy(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', null))}, verdict: 'unknown', reason: /command line cannot be read/},
	{title: 'legacy, holder gone', lock: legacy({format: 'legacy-pid', createdAt: null}), verdict: 'stale-dead', reason: /PID 19248 is gone/},
	{title: 'legacy with this host name, in another case', lock: legacy({hostname: 'TRADER-VM'}), verdict: 'stale-dead', reason: /gone/},
	{title: 'v1 start token but the platform gives none: pattern decides', lock: lock(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, null, 'python BRAIN_ATLAS.py'))}, verdict: 'live', reason: /matches/},
	{title: 'v1 start token, platform gives none, pattern fails: not proof (the holder may be a supervisor)', lock: lock(), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, null, 'fleetdeck run BRAIN_ATLAS'))}, verdict: 'unknown', reason: /does not match.*start token cannot be read here.*treated as held/},
	{title: 'v1 without a start token, pattern fails', lock: lock({startToken: null}), facts: {match: /BRAIN_ATLAS\.py/, probe: table(alive(19248, '1', 'notepad.exe'))}, verdict: 'stale-reused', reason: /now runs "notepad.exe", which does not match/},
	{title: 'another host', lock: lock({hostname: 'other-box', bootId: 'x'}), verdict: 'remote', reason: /held on host other-box by PID 19248; not judged from trader-vm/},
	{title: 'another host, legacy', lock: legacy({hostname: 'TRADER-PC'}), verdict: 'remote', reason: /held on host TRADER-PC/},
	{title: 'another host, heartbeat older than the limit', lock: lock({hostname: 'other-box', heartbeatAt: now - 10 * 60_000}), facts: {remoteExpirySeconds: 300}, verdict: 'remote-expired', reason: /held on host other-box by PID 19248; its last heartbeat was 10 min ago, over the 300 s limit/},
	{title: 'another host, no heartbeat, created before the limit', lock: lock({hostname: 'other-box', createdAt: now - 3_600_000}), facts: {remoteExpirySeconds: 300}, verdict: 'remote-expired', reason: /it was taken 60 min ago/},
	{title: 'another host, heartbeat within the limit', lock: lock({hostname: 'other-box', createdAt: now - 3_600_000, heartbeatAt: now - 10_000}), facts: {remoteExpirySeconds: 300}, verdict: 'remote', reason: /other-box/},
	{title: 'another host, no expiry configured', lock: lock({hostname: 'other-box', createdAt: now - 30 * 86_400_000}), verdict: 'remote', reason: /other-box/},
	{title: 'another host, legacy without a timestamp, expiry configured', lock: legacy({hostname: 'other-box', createdAt: null}), facts: {remoteExpirySeconds: 300}, verdict: 'remote', reason: /other-box/},
	{title: 'unreadable, within the grace', lock: {error: 'the file is empty'}, facts: {mtimeMs: now - 500}, verdict: 'writing', reason: /unreadable \(the file is empty\) but only 500 ms old/},
	{title: 'unreadable, modified in the future (clock skew)', lock: {error: 'the file is empty'}, facts: {mtimeMs: now + 60_000}, verdict: 'writing', reason: /0 ms old/},
	{title: 'unreadable, past the grace', lock: {error: 'not valid JSON (x)'}, facts: {mtimeMs: now - 2500}, verdict: 'stale-unreadable', reason: /unreadable for 3 s: not valid JSON/},
	{title: 'unreadable, age unknown', lock: {error: 'binary'}, facts: {mtimeMs: null}, verdict: 'unknown', reason: /age is unknown; treated as held/},
];

for (const item of cases) {
	test(`verdict ${item.verdict}: ${item.title}`, () => {
		const judgement = judge(item.lock, facts(item.facts));
		assert.equal(judgement.verdict, item.verdict, judgement.reason);
		assert.match(judgement.reason, item.reason);
		assert.equal(judgement.orphaned, item.orphaned ?? false);
	});
}

test('every verdict code is covered by the table', () => {
	const covered = new Set(cases.map(item => item.verdict));
	for (const code of ['live', 'stale-dead', 'stale-reused', 'stale-rebooted', 'stale-unreadable', 'writing', 'remote', 'remote-expired', 'unknown'] as const) {
		assert.ok(covered.has(code), code);
	}
});

const arbitraryLock = fc.record({
	format: fc.constantFrom('v1' as const, 'legacy-json' as const, 'legacy-lines' as const, 'legacy-pid' as const),
	name: fc.constantFrom('BRAIN_ATLAS', 'WATCHDOG_GL_3'),
	pid: fc.integer({min: 1, max: 4_000_000}),
	account: fc.option(fc.string()),
	hostname: fc.option(fc.constantFrom('trader-vm', 'other-box', 'TRADER-VM')),
	bootId: fc.option(fc.constantFrom('boot-now', 'boot-before')),
	startToken: fc.option(fc.constantFrom('5000', '6000')),
	createdAt: fc.option(fc.integer({min: bootedAt - 86_400_000, max: now})),
	heartbeatAt: fc.option(fc.integer({min: bootedAt - 86_400_000, max: now})),
	token: fc.option(fc.nat()),
	command: fc.option(fc.string()),
	child: fc.option(fc.record({pid: fc.integer({min: 1, max: 4_000_000}), startToken: fc.option(fc.constantFrom('5000', '6000'))})),
	supervisor: fc.constant(null),
});

test('property: a lock held on another host is never judged stale', () => {
	fc.assert(fc.property(arbitraryLock, fc.option(fc.integer({min: 1, max: 3600})), (record, expiry) => {
		const remote = {...record, hostname: 'other-box'};
		const {verdict} = judge(remote, facts({remoteExpirySeconds: expiry, probe: pid => ({state: 'gone', pid})}));
		assert.ok(verdict === 'remote' || verdict === 'remote-expired', verdict);
	}));
});

test('property: when no process can be probed, only a reboot can make a lock stale', () => {
	fc.assert(fc.property(arbitraryLock, record => {
		const {verdict} = judge(record, facts({probe: pid => ({state: 'unknown', pid, reason: 'no /proc'})}));
		assert.ok(!isStale(verdict) || verdict === 'stale-rebooted', verdict);
	}));
});

test('property: a live holder with its recorded start token is never stale on this boot', () => {
	fc.assert(fc.property(arbitraryLock, record => {
		const local = {...record, hostname: 'trader-vm', bootId: 'boot-now', startToken: '5000'};
		const {verdict} = judge(local, facts({probe: pid => alive(pid, '5000', 'anything')}));
		assert.equal(verdict, 'live');
	}));
});

test('property: a live process that is the recorded holder is never stale on a timestamp', () => {
	fc.assert(fc.property(arbitraryLock, fc.integer({min: bootedAt - 90 * 86_400_000, max: now}), (record, takenAt) => {
		// No boot id to prove a reboot: only timestamps, which may be anything.
		const local = {...record, hostname: null, bootId: null, createdAt: takenAt, heartbeatAt: null};
		const {verdict} = judge(local, facts({match: /BRAIN_ATLAS|WATCHDOG_GL_3/, probe: pid => alive(pid, local.startToken, `python ${local.name}.py`)}));
		assert.equal(verdict, 'live');
	}));
});

test('property: a process of another user than the lockfile owner is never live', () => {
	fc.assert(fc.property(arbitraryLock, record => {
		const local = {...record, hostname: 'trader-vm', bootId: 'boot-now'};
		const {verdict, holders} = judge(local, facts({ownerUid: 1000, match: /BRAIN_ATLAS|WATCHDOG_GL_3/, probe: pid => alive(pid, pid === local.pid ? local.startToken : local.child?.startToken ?? null, `python ${local.name}.py`, 0)}));
		assert.notEqual(verdict, 'live');
		assert.deepEqual(holders, []);
	}));
});

const probed = (...processes: ProcessProbe[]) => facts({match: /BRAIN_ATLAS\.py/, probe: table(...processes)});

test('proof: how a live verdict was proven, and which processes it proved', () => {
	const cases: Array<{title: string; lock: ParsedLock; facts: JudgeFacts; proof: string; holders: Array<{pid: number; startToken: string | null}>}> = [
		{title: 'recorded start token', lock: lock(), facts: probed(alive(19248, '5000')), proof: 'start-token', holders: [{pid: 19248, startToken: '5000'}]},
		{title: 'supervisor and its child, both by start token', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: probed(alive(19248, '5000', 'fleetdeck run BRAIN_ATLAS'), alive(19249, '5001')), proof: 'start-token', holders: [{pid: 19248, startToken: '5000'}, {pid: 19249, startToken: '5001'}]},
		{title: 'supervisor by start token; a recorded child gone is no holder', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: probed(alive(19248, '5000')), proof: 'start-token', holders: [{pid: 19248, startToken: '5000'}]},
		{title: 'orphan: the child by its start token', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: probed(alive(19249, '5001')), proof: 'child', holders: [{pid: 19249, startToken: '5001'}]},
		{title: 'orphan beside a reused supervisor PID: only the child holds it', lock: lock({child: {pid: 19249, startToken: '5001'}}), facts: probed(alive(19248, '9', 'sshd'), alive(19249, '5001')), proof: 'child', holders: [{pid: 19249, startToken: '5001'}]},
		{title: 'legacy, configured pattern', lock: legacy(), facts: probed(alive(19248, '1')), proof: 'match', holders: [{pid: 19248, startToken: '1'}]},
		{title: 'legacy, the lock name only', lock: legacy(), facts: facts({probe: table(alive(19248, '1'))}), proof: 'name', holders: [{pid: 19248, startToken: '1'}]},
		{title: 'a child proven more weakly than its supervisor does not ride on its proof', lock: lock({child: {pid: 19249, startToken: null}}), facts: probed(alive(19248, '5000'), alive(19249, '5001')), proof: 'start-token', holders: [{pid: 19248, startToken: '5000'}]},
	];
	for (const item of cases) {
		const judgement = judge(item.lock, item.facts);
		assert.equal(judgement.verdict, 'live', `${item.title}: ${judgement.reason}`);
		assert.equal(judgement.proof, item.proof, item.title);
		assert.deepEqual(judgement.holders, item.holders, item.title);
	}

	for (const stale of [judge(lock(), facts()), judge(lock(), facts({probe: pid => ({state: 'unknown', pid, reason: 'EACCES'})}))]) {
		assert.equal(stale.proof, null);
		assert.deepEqual(stale.holders, []);
	}
});
