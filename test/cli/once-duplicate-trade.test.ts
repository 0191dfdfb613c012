import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {startBrokerSim} from '../../fixtures/broker-sim.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {runCli, tempDir} from '../helpers/cli.js';

/** The incident of DESIGN §9: a second copy of the bot opens the bot's BTCUSD buy again, 2 s later. */
async function copiedTrade(t: test.TestContext): Promise<{dir: string; copyId: number}> {
	const sim = await startBrokerSim({accounts: [{id: 'ATLAS', number: '212000584'}]});
	t.after(async () => sim.close());
	sim.script('ATLAS', {action: 'copy-trade', positionId: 5011, afterMs: 2000});
	const published = await (await fetch(sim.url('ATLAS'))).json() as {positions: {bot: Array<{identifier: number}>; broker: Array<{identifier: number; magic: number}>}};
	assert.deepEqual(published.positions.bot.map(position => position.identifier), [5011]);
	const copy = published.positions.broker.find(position => position.identifier !== 5011);
	assert.ok(copy, 'the copy is at the broker');
	assert.equal(copy.magic, published.positions.broker[0]!.magic, 'with the bot\'s magic');
	const dir = tempDir(t);
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({accounts: [{id: 'ATLAS', number: '212000584', broker: {status: {url: sim.url('ATLAS')}, pollSeconds: 1}}]}));
	return {dir, copyId: copy.identifier};
}

test('--once --json: a second copy of the bot\'s trade is CRIT duplicate-trade, exit 2, naming both ids', async t => {
	const {dir, copyId} = await copiedTrade(t);
	const result = await runCli(['--once', '--json'], {cwd: dir});
	const snapshot = JSON.parse(result.stdout) as FleetSnapshot;
	const message = `BTCUSD buy 0.10 opened twice within 2 s (#5011, #${copyId}); the bot holds #5011; another copy of the bot may be trading`;
	const problem = snapshot.problems.find(entry => entry.code === 'duplicate-trade');
	assert.deepEqual(problem && {level: problem.level, account: problem.account, message: problem.message}, {level: 'crit', account: 'ATLAS', message: `ATLAS: ${message}`}, JSON.stringify(snapshot.problems));
	const drift = snapshot.accounts[0]?.drift ?? [];
	assert.deepEqual(drift.map(item => [item.class, item.status, item.positionId, item.message]), [['duplicate-trade', 'confirmed', copyId, message]], 'the copy is not also read as a manual trade');
	assert.equal(snapshot.level, 'crit');
	assert.equal(result.code, 2);
});

test('--once --format prometheus: the duplicate trade is a confirmed drift series', async t => {
	const {dir} = await copiedTrade(t);
	const result = await runCli(['--once', '--format', 'prometheus'], {cwd: dir});
	assert.match(result.stdout, /^fleetdeck_drift\{account="ATLAS",class="duplicate-trade",status="confirmed"\} 1$/m);
	assert.match(result.stdout, /^fleetdeck_problems\{level="crit"\} 1$/m);
	assert.equal(result.code, 2);
});

test('--once text: the problem list shows the duplicate trade', async t => {
	const {dir, copyId} = await copiedTrade(t);
	const result = await runCli(['--once'], {cwd: dir});
	// The problem list wraps long messages: compare with the wrapping folded away.
	const text = result.stdout.replaceAll(/\s+/g, ' ');
	assert.ok(text.includes(`CRIT ATLAS: BTCUSD buy 0.10 opened twice within 2 s (#5011, #${copyId}); the bot holds #5011; another copy of the bot may be trading`), result.stdout);
	assert.equal(result.code, 2);
});
