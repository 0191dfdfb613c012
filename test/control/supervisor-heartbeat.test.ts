import assert from 'node:assert/strict';
import {once} from 'node:events';
import {rmSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {defaultBackoff} from '../../source/control/components.js';
import {runSupervisor} from '../../source/control/supervisor.js';
import {openJournal} from '../../source/journal/index.js';
import {heartbeat} from '../../source/locks/index.js';
import {component, isAlive, killMarked, pollUntil, startRun, tempFleet, type TempFleet} from './fleet-fixture.js';

function oneBrain(t: TestContext): TempFleet {
	return tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
}

/** A supervisor in this process (so its heartbeat can be replaced), with a fast heartbeat and no restarts. */
function supervise(t: TestContext, fleet: TempFleet, beat: typeof heartbeat) {
	const journal = openJournal(path.join(fleet.dir, '.fleetdeck', 'journal.db'));
	const lines: string[] = [];
	const status = runSupervisor({
		name: 'BRAIN_T1',
		account: 'T1',
		command: fleet.bot('BRAIN_T1'),
		cwd: fleet.dir,
		env: {},
		stopSignal: 'SIGTERM',
		stopTimeoutSeconds: 5,
		restart: 'never',
		backoff: defaultBackoff,
		locksDir: fleet.locksDir,
		context: {},
		journal,
		log: line => lines.push(line),
		heartbeatMs: 20,
		heartbeat: beat,
	});
	t.after(async () => {
		// A test that failed half-way leaves the bot running: the supervisor ends with it.
		await killMarked(fleet.marker);
		await status.catch(() => undefined);
		journal.close();
	});
	return {status, lines};
}

async function runningBot(fleet: TempFleet): Promise<number> {
	return pollUntil('the supervised bot', () => {
		const lock = fleet.lock('BRAIN_T1');
		return lock?.pid === process.pid && lock.supervisor?.state === 'running' && lock.child ? lock.child.pid : undefined;
	});
}

test('a heartbeat write that fails (ENOSPC, then EIO) is reported with its cause; the supervisor keeps its lock and its bot', async t => {
	const fleet = oneBrain(t);
	let failure: string | null = null;
	let failed = 0;
	const {status, lines} = supervise(t, fleet, async (...args) => {
		if (failure !== null) {
			failed++;
			throw Object.assign(new Error(`${failure}: write failed, open '${fleet.locksDir}/BRAIN_T1.lock.tmp'`), {code: failure});
		}

		return heartbeat(...args);
	});
	const bot = await runningBot(fleet);

	failure = 'ENOSPC';
	await pollUntil('a failed ENOSPC beat', () => (failed >= 1 ? true : undefined));
	// The supervisor chains its writes: once one has failed, none begun before it can still land.
	// Read earlier, the record could be overtaken by a beat already being written on a slow machine.
	const held = fleet.lock('BRAIN_T1');
	await pollUntil('five failed ENOSPC beats', () => (failed >= 5 ? true : undefined));
	failure = 'EIO';
	const eioFrom = failed;
	await pollUntil('five failed EIO beats', () => (failed >= eioFrom + 5 ? true : undefined));

	assert.equal(isAlive(bot), true, 'the bot is still supervised');
	assert.deepEqual(fleet.lock('BRAIN_T1'), held, 'the last record written is still there, still the supervisor\'s');
	const reported = lines.filter(line => line.includes('was not written'));
	assert.equal(reported.length, 2, `once per cause, not once per beat: ${lines.join('\n')}`);
	assert.match(reported[0]!, /the heartbeat of BRAIN_T1\.lock was not written \(ENOSPC: write failed, open .*\); still holding the lock and supervising the bot/);
	assert.match(reported[1]!, /\(EIO: write failed/);
	const events = fleet.events('BRAIN_T1');
	assert.deepEqual(events.filter(event => event.kind === 'lock.heartbeat').map(event => [event.level, String(event.detail['cause']).slice(0, 6)]), [['warn', 'ENOSPC'], ['warn', 'EIO: w']]);
	assert.equal(events.some(event => event.kind === 'lock.released'), false, 'a failed write is never read as a lost lock');

	failure = null;
	await pollUntil('the heartbeat written again', () => (lines.some(line => line.includes('written again')) ? true : undefined));
	assert.deepEqual(fleet.events('BRAIN_T1').filter(event => event.kind === 'lock.heartbeat').map(event => event.level), ['warn', 'warn', 'info']);

	process.kill(bot, 'SIGTERM');
	assert.equal(await status, 143, 'the bot\'s own status once it ends (restart: never)');
	assert.equal(fleet.lock('BRAIN_T1'), null, 'and the lock it kept all along is released');
});

test('a lock really taken by another holder still ends the supervisor\'s hold, and it is not released from under that holder', async t => {
	const fleet = oneBrain(t);
	// Beats wait while the lock changes hands, so none is half-way through a write meanwhile.
	let gate: Promise<void> | null = null;
	let open: () => void = () => {};
	let waiting = 0;
	const {status} = supervise(t, fleet, async (...args) => {
		if (gate !== null) {
			waiting++;
			await gate;
		}

		return heartbeat(...args);
	});
	const bot = await runningBot(fleet);

	gate = new Promise(resolve => {
		open = resolve;
	});
	await pollUntil('a beat held at the gate', () => (waiting > 0 ? true : undefined));
	rmSync(path.join(fleet.locksDir, 'BRAIN_T1.lock'));
	const other = startRun(fleet, 'BRAIN_T1', fleet.bot('BRAIN_T1'), ['--account', 'T1']);
	await pollUntil('the other supervisor holding the lock', () => (fleet.lock('BRAIN_T1')?.pid === other.pid ? true : undefined));
	gate = null;
	open();

	const lost = await pollUntil('the lost lock journaled', () => fleet.events('BRAIN_T1').find(event => event.kind === 'lock.released' && event.level === 'crit'));
	assert.match(lost.message, new RegExp(`^BRAIN_T1\\.lock is no longer held by supervisor PID ${process.pid} \\(now: .*PID ${other.pid}.*\\); the bot is running unprotected$`));
	assert.equal(fleet.events('BRAIN_T1').some(event => event.kind === 'lock.heartbeat'), false, 'a lock held by another is not a failed write');

	process.kill(bot, 'SIGTERM');
	assert.equal(await status, 143);
	assert.equal(fleet.lock('BRAIN_T1')?.pid, other.pid, 'the other holder keeps its lock');
	const exited = once(other, 'exit');
	other.kill('SIGTERM');
	await exited;
});
