import assert from 'node:assert/strict';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {inspect} from '../../source/locks/index.js';
import {component, pollUntil, startRun, tempFleet} from '../control/fleet-fixture.js';

test('fleetdeck run NAME -- bot --password hunter2 writes a lockfile without the password, and the lock stays live', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	const command = [...fleet.bot('BRAIN_T1'), '--password', 'hunter2', '--api-key=k3y-v4lue', '--status', 'http://bridge:pw-s3cret@127.0.0.1:1/status?token=tok-4'];
	const supervisor = startRun(fleet, 'BRAIN_T1', command);
	t.after(() => {
		supervisor.kill('SIGKILL');
	});
	const record = await pollUntil('the supervised bot', () => {
		const lock = fleet.lock('BRAIN_T1');
		return lock?.supervisor?.state === 'running' && lock.child !== null ? lock : undefined;
	});

	const file = readFileSync(path.join(fleet.locksDir, 'BRAIN_T1.lock'), 'utf8');
	for (const secret of ['hunter2', 'k3y-v4lue', 'pw-s3cret', 'tok-4']) {
		assert.ok(!file.includes(secret), `the lockfile shows ${secret}: ${file}`);
	}

	assert.match(record.command ?? '', /^fleetdeck run BRAIN_T1 -- .*fake-bot\.js BRAIN_T1\.py MARKER-\S+ .*--password \[redacted] --api-key=\[redacted] --status http:\/\/bridge:%5Bredacted%5D@127\.0\.0\.1:1\/status\?token=%5Bredacted%5D$/);
	const [start] = await pollUntil('the bot to report', () => (fleet.starts('BRAIN_T1').length > 0 ? fleet.starts('BRAIN_T1') : undefined));
	assert.equal(start?.pid, record.child?.pid);
	assert.ok(readFileSync(`/proc/${start?.pid}/cmdline`, 'utf8').split('\0').includes('hunter2'), 'the bot itself runs with its real argv');
	const inspection = await inspect(fleet.locksDir, 'BRAIN_T1');
	assert.equal(inspection?.verdict, 'live', `the redacted command takes nothing from the lock's identity: ${inspection?.reason}`);

	const exited = once(supervisor, 'exit');
	supervisor.kill('SIGTERM');
	await exited;
});
