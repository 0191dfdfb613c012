import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
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

test('--once --json with status files: a good one, a missing one, a half-written one, invalid JSON, a FIFO; never stalls', async t => {
	const dir = tempDir(t);
	const status = path.join(dir, 'status');
	mkdirSync(status);
	const now = new Date().toISOString();
	const good = JSON.stringify({
		schema: 1, account: '8000', asOf: now, seq: 1,
		connection: {state: 'connected', since: now, lastSyncAt: now, lastActivityAt: now, credentialsRefreshedAt: now},
		terminal: {connected: true, tradeAllowed: true, pingMs: 20},
		positions: {bot: [], broker: []},
	});
	writeFileSync(path.join(status, 'GOOD.json'), good);
	writeFileSync(path.join(status, 'HALF.json'), good.slice(0, good.length / 2));
	writeFileSync(path.join(status, 'GARBAGE.json'), 'not json');
	const ids = ['GOOD', 'MISSING', 'HALF', 'GARBAGE'];
	if (process.platform !== 'win32') {
		// No writer ever opens it: a blocking open() would pin a thread and keep the process from exiting.
		execFileSync('mkfifo', [path.join(status, 'FIFO.json')]);
		ids.push('FIFO');
	}

	const configFile = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(configFile, JSON.stringify({accounts: ids.map((id, index) => ({id, number: String(8000 + index), broker: {status: {file: `status/${id}.json`}}}))}));
	// A FIFO opened blocking would pin a thread and keep --once from ever exiting: runCli's hang
	// guard then kills it and rejects. How long it took is only reported (a loaded machine is slow).
	const started = Date.now();
	const result = await runCli(['--once', '--json', '--config', configFile], {cwd: dir});
	t.diagnostic(`--once took ${Date.now() - started} ms`);
	assert.equal(result.code, 1, result.stderr);
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	const health = (id: string) => snapshot.accounts.find(entry => entry.id === id)?.health;
	assert.deepEqual([health('GOOD')?.service.state, health('GOOD')?.connection.state, health('GOOD')?.broker.state], ['ok', 'ok', 'ok'], JSON.stringify(health('GOOD')));
	const expected: Record<string, RegExp> = {MISSING: /does not exist/, HALF: /not valid JSON/, GARBAGE: /not valid JSON/, FIFO: /not a regular file/};
	for (const id of ids.slice(1)) {
		assert.equal(health(id)?.service.state, 'degraded', id);
		assert.equal(health(id)?.connection.state, 'unknown', id);
		assert.equal(health(id)?.broker.state, 'unknown', id);
		assert.match(health(id)?.error ?? '', expected[id]!, id);
		assert.match(health(id)?.connection.reason ?? '', expected[id]!, id);
	}
});
