import assert from 'node:assert/strict';
import {once} from 'node:events';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {describeHolder} from '../../source/control/supervisor.js';
import {inspect} from '../../source/locks/index.js';
import {cli, component, isAlive, pollUntil, startRun, tempFleet} from './fleet-fixture.js';

test('run refuses a second copy while the first lives (exit 75, holder named), passes the lock to the bot, stops on SIGTERM', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	const first = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'));
	const lock = await pollUntil('a running supervisor', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? fleet.lock('BRAIN_T1') : undefined));
	assert.equal(lock?.pid, first.pid);
	assert.equal(lock?.account, 'T1');

	const [start] = await pollUntil('the bot to report', () => (fleet.starts('BRAIN_T1').length > 0 ? fleet.starts('BRAIN_T1') : undefined));
	assert.equal(start?.pid, lock?.child?.pid);
	assert.deepEqual(start?.env, {FLEETDECK_LOCK_NAME: 'BRAIN_T1', FLEETDECK_LOCK_TOKEN: String(lock?.token), FLEETDECK_ACCOUNT: 'T1'});

	const second = await cli(fleet, ['run', 'BRAIN_T1', '--config', fleet.configFile, '--', ...fleet.bot('BRAIN_T1')]);
	assert.equal(second.code, 75, second.stderr);
	assert.match(second.stderr, new RegExp(`PID ${first.pid}`));
	assert.match(second.stderr, /fleetdeck shutdown T1/);
	assert.equal(fleet.starts('BRAIN_T1').length, 1, 'the refused run started nothing');

	const exited = once(first, 'exit');
	first.kill('SIGTERM');
	const [code] = await exited;
	assert.equal(code, 143, 'the bot died of SIGTERM: 128 + 15');
	assert.equal(isAlive(start?.pid ?? 0), false);
	assert.equal(fleet.lock('BRAIN_T1'), null, 'lock released');
	const kinds = fleet.events('BRAIN_T1').map(event => event.kind);
	for (const kind of ['supervisor.started', 'lock.acquired', 'process.started', 'stop.requested', 'process.exited', 'lock.released', 'supervisor.stopped'] as const) {
		assert.ok(kinds.includes(kind), `journal has ${kind}: ${kinds.join(', ')}`);
	}
});

test('a crashing bot is restarted with growing delays, the lock never disappears, and a crash loop is recorded', async t => {
	const backoff = {initialSeconds: 0.2, factor: 3, maxSeconds: 10, crashLoopFailures: 4, crashLoopWindowSeconds: 120};
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1', '--crash-after', '0.1'), {backoff})]}]}));
	const lockFile = path.join(fleet.locksDir, 'BRAIN_T1.lock');
	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1', '--crash-after', '0.1'));
	await pollUntil('the lock', () => (existsSync(lockFile) ? true : undefined), 60_000, 5);

	// From the first acquire until the crash loop, the lock file must exist at every look.
	let looks = 0;
	// A hang guard: idle, the crash loop comes after about 3 s of backoff (0.2 + 0.6 + 1.8 s).
	const deadline = Date.now() + 120_000;
	while (fleet.lock('BRAIN_T1')?.supervisor?.state !== 'crash-loop') {
		assert.ok(existsSync(lockFile), `lock file vanished between restarts (after ${looks} looks)`);
		assert.ok(Date.now() < deadline, 'no crash loop within 120 s');
		looks++;
		await new Promise(resolve => setTimeout(resolve, 5));
	}

	const record = fleet.lock('BRAIN_T1');
	assert.equal(record?.pid, supervisor.pid, 'the same supervisor holds it throughout');
	assert.equal(record?.token, 1, 'never re-acquired');
	assert.equal(record?.child, null);
	assert.equal(record?.supervisor?.restarts, 3);
	assert.equal(isAlive(supervisor.pid), true, 'the supervisor stays, holding the lock');

	const events = fleet.events('BRAIN_T1');
	const delays = events.filter(event => event.kind === 'process.restarted').map(event => event.detail['delayMs']);
	assert.deepEqual(delays, [200, 600, 1800]);
	assert.equal(events.filter(event => event.kind === 'process.crash-loop').length, 1);
	const starts = fleet.starts('BRAIN_T1').map(start => start.at);
	assert.equal(starts.length, 4);
	for (const [index, delay] of [200, 600, 1800].entries()) {
		assert.ok(starts[index + 1]! - starts[index]! >= delay, `start ${index + 2} came at least ${delay} ms after the previous one`);
	}

	const snapshot = await cli(fleet, ['--once', '--json']);
	const state = JSON.parse(snapshot.stdout).accounts[0].components[0].state;
	assert.equal(state, 'crash-loop');

	const exited = once(supervisor, 'exit');
	supervisor.kill('SIGTERM');
	const [code] = await exited;
	assert.equal(code, 1, 'the last exit status of the bot');
	assert.equal(fleet.lock('BRAIN_T1'), null);
});

test('SIGKILL of the supervisor leaves its orphan holding a live lock; once the orphan dies a second run takes over', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	const first = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'));
	const lock = await pollUntil('a running supervisor', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? fleet.lock('BRAIN_T1') : undefined));
	const orphan = lock?.child?.pid ?? 0;
	first.kill('SIGKILL');
	await once(first, 'exit');
	assert.equal(isAlive(orphan), true, 'the bot lives on without its supervisor');

	const judged = await inspect(fleet.locksDir, 'BRAIN_T1');
	assert.equal(judged?.verdict, 'live');
	assert.equal(judged?.orphaned, true);
	const refused = await cli(fleet, ['run', 'BRAIN_T1', '--config', fleet.configFile, '--', ...fleet.bot('BRAIN_T1')]);
	assert.equal(refused.code, 75, 'no second bot beside the orphan');
	assert.equal(fleet.starts('BRAIN_T1').length, 1);

	process.kill(orphan, 'SIGKILL');
	await pollUntil('the orphan to die', () => (isAlive(orphan) ? undefined : true));
	assert.equal((await inspect(fleet.locksDir, 'BRAIN_T1'))?.verdict, 'stale-dead');

	const second = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'));
	const taken = await pollUntil('the takeover', () => {
		const record = fleet.lock('BRAIN_T1');
		return record?.pid === second.pid && record.supervisor?.state === 'running' ? record : undefined;
	});
	assert.ok((taken.token ?? 0) > (lock?.token ?? 0), 'the fencing token grew');
	assert.ok(fleet.events('BRAIN_T1').some(event => event.kind === 'lock.cleared'), 'the takeover is journaled');
	const exited = once(second, 'exit');
	second.kill('SIGTERM');
	await exited;
});

test('a supervisor told to stop during a long backoff exits at once with the bot\'s last status', async t => {
	const backoff = {initialSeconds: 30, maxSeconds: 60};
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1', '--crash-after', '0.1', '--exit-code', '3'), {backoff})]}]}));
	// --trace-exit: Node reports every exit forced by process.exit(), which fleetdeck calls only
	// from its 1 s grace timer, for a command whose event loop something still holds.
	const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1', '--crash-after', '0.1', '--exit-code', '3'), [], ['--trace-exit']);
	await pollUntil('the backoff', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'backoff' ? true : undefined));
	const exited = once(supervisor, 'close');
	const before = Date.now();
	supervisor.kill('SIGTERM');
	const [code] = await exited;
	t.diagnostic(`exited ${Date.now() - before} ms after SIGTERM`);
	// The 30 s backoff timer must not hold the process until the CLI's forced exit: it ended
	// because nothing held it, proved by how it exited rather than how fast (a loaded machine is slow).
	assert.doesNotMatch(supervisor.output(), /Exited the environment/, `the supervisor only ended by the forced exit:\n${supervisor.output()}`);
	assert.equal(code, 3);
	assert.equal(fleet.lock('BRAIN_T1'), null, 'lock released');
});

test('the bot gets its stop signal when the supervisor gets SIGTERM, and SIGINT or SIGHUP as they came', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'), {stopSignal: 'SIGHUP'})]}]}));
	for (const [sent, status] of [['SIGTERM', 129], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
		const supervisor = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'));
		await pollUntil('a running supervisor', () => (fleet.lock('BRAIN_T1')?.supervisor?.state === 'running' ? true : undefined));
		const exited = once(supervisor, 'exit');
		supervisor.kill(sent);
		const [code] = await exited;
		assert.equal(code, status, `after ${sent} the bot died of signal ${status - 128}`);
		assert.equal(fleet.lock('BRAIN_T1'), null, 'lock released');
	}
});

test('the refusal names how to stop a holder without an account, without telling to shut the whole fleet down', () => {
	const holder = {name: 'svc', path: '/l/svc.lock', verdict: 'live' as const, reason: 'PID 42 is running', raw: null, mtimeMs: 0, orphaned: true, proof: 'child' as const, holders: [{pid: 43, startToken: '2'}],
		record: {format: 'v1' as const, name: 'svc', pid: 42, account: null, hostname: 'h', bootId: null, startToken: '1', createdAt: 0, heartbeatAt: null, token: 1, command: null, child: {pid: 43, startToken: '2'}, supervisor: null}};
	const text = describeHolder('svc', holder);
	assert.match(text, /PID 42/);
	assert.match(text, /kill 43\b/, 'the orphaned child is the process to stop');
	assert.doesNotMatch(text, /\(its account\)/);
	assert.match(describeHolder('BRAIN', {...holder, orphaned: false, record: {...holder.record, account: 'T1'}}), /fleetdeck shutdown T1/);
});
