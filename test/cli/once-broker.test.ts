import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {startBrokerSim} from '../../fixtures/broker-sim.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';

test('--once --json against the broker simulator: three health levels and drift per account', async t => {
	const ids = ['OK', 'DOWN', 'CLOSED', 'XWIRED'];
	const sim = await startBrokerSim({accounts: ids.map((id, index) => ({id, number: String(7000 + index)}))});
	t.after(async () => sim.close());
	sim.script('DOWN', {action: 'disconnect'});
	sim.script('CLOSED', {action: 'open', symbol: 'EURUSD', side: 'sell', volume: 0.5, sl: 1.2, tp: 1});
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const config = {
		accounts: ids.map((id, index) => ({
			id,
			number: String(7000 + index),
			components: [{name: `BRAIN_${id}`, role: 'brain', command: ['python', `BRAIN_${id}.py`], match: String.raw`BRAIN_${id}\.py ${marker}`}],
			broker: {status: {url: sim.url(id)}, pollSeconds: 1},
		})),
	};
	const configFile = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(configFile, JSON.stringify(config));
	for (const id of ids) {
		writeLock(path.join(dir, '.locks'), `BRAIN_${id}`, spawnIdle(t, `BRAIN_${id}.py`, marker).pid, {account: id});
	}

	// The closed position: the broker closes the bot's first trade by its SL; the bot still has it.
	const first = await (await fetch(sim.url('CLOSED'))).json() as {positions: {broker: Array<{identifier: number}>}};
	const closedId = first.positions.broker[0]?.identifier;
	assert.ok(closedId !== undefined);
	sim.script('CLOSED', {action: 'close', positionId: closedId, reason: 'SL', profit: -23});
	sim.script('XWIRED', {action: 'wrong-account', account: '99999'});

	const result = await runCli(['--once', '--json'], {cwd: dir});
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	const account = (id: string) => snapshot.accounts.find(entry => entry.id === id);
	assert.deepEqual(account('OK')?.health && [account('OK')?.health?.service.state, account('OK')?.health?.connection.state, account('OK')?.health?.broker.state], ['ok', 'ok', 'ok'], JSON.stringify(account('OK')?.health));
	assert.equal(account('OK')?.level, 'ok');
	assert.deepEqual(account('OK')?.positions, {bot: 1, broker: 1});
	assert.equal(account('DOWN')?.health?.connection.state, 'down');
	assert.equal(account('DOWN')?.level, 'crit');
	const drift = account('CLOSED')?.drift ?? [];
	assert.deepEqual(drift.map(item => [item.class, item.status, item.positionId]), [['closed-externally', 'confirmed', closedId]], JSON.stringify(drift));
	assert.match(drift[0]?.message ?? '', /SL/);
	assert.equal(account('XWIRED')?.health?.connection.state, 'down');
	assert.match(account('XWIRED')?.health?.connection.reason ?? '', /snapshot is for account 99999, expected 7003/);
	assert.equal(snapshot.level, 'crit');
	assert.equal(result.code, 2);
	const codes = snapshot.problems.map(problem => `${problem.account}:${problem.code}`);
	assert.ok(codes.includes('DOWN:health-connection'), codes.join(' '));
	assert.ok(codes.includes('CLOSED:drift-closed-externally'), codes.join(' '));
	assert.ok(!codes.some(code => code.startsWith('OK:')), codes.join(' '));
});
