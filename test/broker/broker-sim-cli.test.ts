import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {fetchSnapshot} from '../../source/broker/sources.js';

const simScript = fileURLToPath(new URL('../../fixtures/broker-sim.js', import.meta.url));

test('the simulator runs from the command line, prints its URLs as one JSON line and takes scripts over HTTP', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-sim-'));
	t.after(() => fs.rmSync(dir, {recursive: true, force: true}));
	const config = path.join(dir, 'fleetdeck.config.json');
	fs.writeFileSync(config, JSON.stringify({accounts: [{id: 'ATLAS', number: '212000584', components: []}, {id: 'GL_3', number: 107245}]}));

	const child = spawn(process.execPath, [simScript, '--port', '0', '--accounts', config], {stdio: ['ignore', 'pipe', 'inherit']});
	const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
	t.after(() => {
		if (child.exitCode === null) {
			child.kill('SIGKILL');
		}
	});
	const lines = createInterface({input: child.stdout});
	const line = await new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', code => reject(new Error(`the simulator exited with ${code} before printing its URLs`)));
	});
	lines.close();
	const banner = JSON.parse(line) as {port: number; accounts: Record<string, string>};
	assert.ok(banner.port > 0);
	assert.equal(banner.accounts['GL_3'], `http://127.0.0.1:${banner.port}/GL_3/status`);

	const before = await fetchSnapshot({kind: 'http', url: banner.accounts['GL_3']!, timeoutSeconds: 30});
	assert.ok(before.ok);
	assert.equal(before.snapshot.account, '107245');

	const answer = await fetch(`http://127.0.0.1:${banner.port}/GL_3/script`, {method: 'POST', body: JSON.stringify({action: 'manual-trade', symbol: 'EURUSD', side: 'sell', volume: 0.2})});
	assert.equal(answer.status, 200);
	const refused = await fetch(`http://127.0.0.1:${banner.port}/GL_3/script`, {method: 'POST', body: JSON.stringify({action: 'close', positionId: 1})});
	assert.equal(refused.status, 400);
	assert.match(((await refused.json()) as {error: string}).error, /no broker position 1/);

	// Every account, not only the first, starts with the documented position #5011.
	const closed = await fetch(`http://127.0.0.1:${banner.port}/GL_3/script`, {method: 'POST', body: JSON.stringify({action: 'close', positionId: 5011, reason: 'SL', profit: -23})});
	assert.equal(closed.status, 200, await closed.clone().text());

	const after = await fetchSnapshot({kind: 'http', url: banner.accounts['GL_3']!, timeoutSeconds: 30});
	assert.ok(after.ok);
	assert.deepEqual(after.snapshot.positions?.broker?.map(position => position.symbol), ['EURUSD']);
	assert.deepEqual(after.snapshot.positions?.bot?.map(position => position.identifier), [5011], 'the bot still holds the closed position');
	assert.deepEqual(after.snapshot.deals?.map(deal => [deal.positionId, deal.reason]), [[5011, 'SL']]);

	child.kill('SIGTERM');
	assert.equal(await exited, 0);
});
