import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {assessOnce} from '../../source/broker/assess-once.js';
import {assessHealth} from '../../source/broker/health.js';
import type {StatusSource} from '../../source/config/types.js';
import {account, limits, startSim, wire} from './helpers.js';

const summary = (items: Array<{class: string; status: string}>) => items.map(item => `${item.class}:${item.status}`);

test('assessOnce confirms a lasting difference after the persistence polls, like the deck', async t => {
	const sim = await startSim(t);
	sim.script('ATLAS', {action: 'close', positionId: 5011, reason: 'SL', profit: -23});
	const source: StatusSource = {kind: 'http', url: sim.url('ATLAS'), timeoutSeconds: 30};
	// The deadline only guards a hang: the two polls end it, however slowly they come.
	const once = await assessOnce(source, account(), limits, {gapMs: 50, deadlineMs: 60_000});
	assert.equal(once.polls, 2);
	assert.deepEqual(summary(once.drift.items), ['closed-externally:confirmed']);
	assert.equal(assessHealth({account: account(), result: once.result, serviceState: 'running', now: Date.now()}).connection.state, 'ok');
});

test('assessOnce reports a difference seen once as suspected, never confirmed', async t => {
	const sim = await startSim(t);
	sim.script('ATLAS', {action: 'modify', positionId: 5011, sl: 60_500});
	const source: StatusSource = {kind: 'http', url: sim.url('ATLAS'), timeoutSeconds: 30};
	const once = await assessOnce(source, account(), limits, {polls: 1, gapMs: 50});
	assert.equal(once.polls, 1);
	assert.deepEqual(summary(once.drift.items), ['modified-externally:suspected']);
	assert.deepEqual(once.drift.raised, []);
});

test('assessOnce does not count an unchanged file twice: one snapshot stays suspected at the deadline', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-once-'));
	t.after(() => fs.rmSync(dir, {recursive: true, force: true}));
	const file = path.join(dir, 'ATLAS.json');
	fs.writeFileSync(file, JSON.stringify(wire(Date.now(), s => { s.positions!.broker = []; })));
	const once = await assessOnce({kind: 'file', path: file}, account(), limits, {gapMs: 50, deadlineMs: 400});
	assert.equal(once.polls, 1);
	assert.deepEqual(summary(once.drift.items), ['closed-externally:suspected']);
});

test('assessOnce stops after one poll when nothing differs', async t => {
	const sim = await startSim(t);
	const once = await assessOnce({kind: 'http', url: sim.url('GL_3'), timeoutSeconds: 30}, account({id: 'GL_3', number: '107245'}), limits, {gapMs: 50});
	assert.equal(once.polls, 1);
	assert.deepEqual(once.drift.items, []);
	assert.equal(sim.stats('GL_3').requests, 1);
});

test('assessOnce returns the failure when the source never answers', async t => {
	const sim = await startSim(t);
	sim.script('ATLAS', {action: 'fault', fault: 'http-500'});
	// Two failures in a row end it; a short deadline would instead cut a slow 500 off as a timeout.
	const once = await assessOnce({kind: 'http', url: sim.url('ATLAS'), timeoutSeconds: 30}, account(), limits, {gapMs: 50, deadlineMs: 60_000});
	assert.equal(once.polls, 0);
	assert.match(once.result?.error ?? '', /HTTP 500/);
	assert.equal(assessHealth({account: account(), result: once.result, serviceState: 'running', now: Date.now()}).service.state, 'degraded');
});
