import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {checkServiceHealth, fetchSnapshot} from '../../source/broker/sources.js';
import type {StatusSource} from '../../source/config/types.js';
import {startSim, wire} from './helpers.js';

/** A source whose answer is due: its timeout only guards a hang (the faults below set their own). */
const http = (url: string, timeoutSeconds = 30): StatusSource => ({kind: 'http', url, timeoutSeconds});

test('HTTP source: a good answer, then every fault as a reason, never a throw', async t => {
	const sim = await startSim(t);
	const good = await fetchSnapshot(http(sim.url('ATLAS')));
	assert.ok(good.ok, good.ok ? '' : good.error);
	assert.equal(good.snapshot.account, '212000584');

	// Only the faults that never answer in time get the short timeout: an answer that is due (a 500,
	// bad JSON) must show as itself however slowly a loaded machine delivers it.
	const faults: Array<[string, RegExp, number, number?]> = [
		['http-500', /answered HTTP 500/, 30_000],
		['invalid-json', /status is not valid JSON/, 30_000],
		['oversize', /over the 1048576-byte cap|more than the 1048576-byte cap/, 30_000],
		['hang', /no answer from .* within 300 ms/, 300],
		['slow', /no answer from .* within 300 ms/, 300, 2000],
		['reset', /connection reset by the server|socket hang up/, 30_000],
	];
	for (const [fault, expected, timeoutMs, delayMs] of faults) {
		sim.script('ATLAS', {action: 'fault', fault: fault as 'hang', delayMs});
		const outcome = await fetchSnapshot(http(sim.url('ATLAS')), {timeoutMs});
		assert.equal(outcome.ok, false, fault);
		assert.match(outcome.ok ? '' : outcome.error, expected, fault);
	}

	sim.script('ATLAS', {action: 'fault', fault: 'slow', delayMs: 50});
	assert.ok((await fetchSnapshot(http(sim.url('ATLAS')), {timeoutMs: 5000})).ok, 'slow but within the deadline');

	sim.script('ATLAS', {action: 'wrong-account', account: '365060'});
	sim.script('ATLAS', {action: 'fault', fault: 'none'});
	const crossed = await fetchSnapshot(http(sim.url('ATLAS')));
	assert.ok(crossed.ok);
	assert.equal(crossed.snapshot.account, '365060');
});

test('HTTP source: nothing listening is a clear failure', async t => {
	const sim = await startSim(t);
	const url = sim.url('ATLAS');
	await sim.close();
	const outcome = await fetchSnapshot(http(url));
	assert.equal(outcome.ok, false);
	assert.match(outcome.ok ? '' : outcome.error, /connection refused/);
});

test('file source: valid, missing, too big, invalid', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-broker-'));
	t.after(() => fs.rmSync(dir, {recursive: true, force: true}));
	const file = path.join(dir, 'ATLAS.json');
	const source: StatusSource = {kind: 'file', path: file};

	fs.writeFileSync(file, JSON.stringify(wire(Date.now())));
	const good = await fetchSnapshot(source);
	assert.ok(good.ok, good.ok ? '' : good.error);

	const missing = await fetchSnapshot({kind: 'file', path: path.join(dir, 'nope.json')});
	assert.match(missing.ok ? '' : missing.error, /status file .*nope\.json does not exist/);

	fs.writeFileSync(file, JSON.stringify({...wire(Date.now()), padding: 'x'.repeat(2000)}));
	const big = await fetchSnapshot(source, {maxBytes: 1000});
	assert.match(big.ok ? '' : big.error, /over the 1000-byte cap/);

	fs.writeFileSync(file, JSON.stringify(wire(Date.now(), s => { s.terminal!.pingMs = -1; })));
	const invalid = await fetchSnapshot(source);
	assert.match(invalid.ok ? '' : invalid.error, /ATLAS\.json: invalid status snapshot: terminal\.pingMs/);
});

test('file source: a FIFO with no writer is refused at once, not left blocking a thread', {skip: process.platform === 'win32'}, async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-broker-'));
	t.after(() => fs.rmSync(dir, {recursive: true, force: true}));
	const fifo = path.join(dir, 'ATLAS.json');
	execFileSync('mkfifo', [fifo]);
	// A blocking open() would pin a libuv thread, and with it this process's exit, until a writer came.
	const outcome = await fetchSnapshot({kind: 'file', path: fifo}, {timeoutMs: 2000});
	assert.match(outcome.ok ? '' : outcome.error, /not a regular file/);
	assert.ok(outcome.latencyMs < 1000, `took ${outcome.latencyMs} ms`);
});

test('service health: 2xx in time is ok, anything else is down', async t => {
	const sim = await startSim(t);
	const ok = await checkServiceHealth(`${sim.baseUrl}/health`, 30);
	assert.equal(ok.state, 'ok');
	assert.match(ok.reason, /answered HTTP 200/);
	assert.equal(typeof ok.latencyMs, 'number');

	const missing = await checkServiceHealth(`${sim.baseUrl}/nope/status`, 30);
	assert.equal(missing.state, 'down');
	assert.match(missing.reason, /HTTP 404/);

	sim.script('GL_3', {action: 'fault', fault: 'hang'});
	const hung = await checkServiceHealth(sim.url('GL_3'), 0.3);
	assert.equal(hung.state, 'down');
	assert.equal(hung.latencyMs, null);
	assert.match(hung.reason, /no answer .* within 300 ms/);
});
