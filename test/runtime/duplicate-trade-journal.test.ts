import assert from 'node:assert/strict';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {parseSnapshot, type FetchOutcome} from '../../source/broker/index.js';
import {loadConfig} from '../../source/config/index.js';
import {judgeContext} from '../../source/fleet/gather.js';
import {createFileLockStore} from '../../source/runtime/adapters/file-lock-store.js';
import {createMemoryEventLog} from '../../source/runtime/adapters/memory-event-log.js';
import {startLiveFleet} from '../../source/runtime/live-fleet.js';
import type {StatusFeed} from '../../source/runtime/ports.js';
import {iso, position, wire} from '../broker/helpers.js';
import {tempDir} from '../helpers/cli.js';
import {waitUntil} from '../locks/helpers.js';

test('the journal records a confirmed duplicate trade as drift.raised, crit, with every id', async t => {
	const dir = tempDir(t);
	mkdirSync(path.join(dir, '.locks'));
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({
		pollSeconds: 0.2,
		accounts: [{id: 'ATLAS', number: '212000584', broker: {status: {url: 'http://127.0.0.1:9/ATLAS/status'}, pollSeconds: 0.2}}],
	}));
	const config = loadConfig({cwd: dir});
	const opened = Date.now() - 60_000;
	const trade = (id: number, afterMs: number) => position(id, {magic: 123, openedAt: iso(opened + afterMs), updatedAt: iso(opened + afterMs)});
	const status: StatusFeed = {
		async fetch(): Promise<FetchOutcome> {
			const parsed = parseSnapshot(JSON.stringify(wire(Date.now(), s => { s.positions = {bot: [trade(7001, 0)], broker: [trade(7001, 0), trade(7002, 2000)]}; })));
			assert.ok(parsed.ok);
			return {ok: true, snapshot: parsed.snapshot, latencyMs: 3};
		},
		async checkService() {
			return {state: 'ok', reason: 'unused', latencyMs: null};
		},
	};
	const events = createMemoryEventLog();
	const live = startLiveFleet(config, {locks: createFileLockStore(config.locksDir, judgeContext(config)), status, events});
	t.after(async () => live.dispose());

	await waitUntil(() => events.all.some(event => event.kind === 'drift.raised'), 'the duplicate trade is confirmed');
	const raised = events.all.filter(event => event.kind === 'drift.raised');
	assert.deepEqual(
		raised.map(event => ({level: event.level, account: event.account, message: event.message, class: event.detail?.['class'], ids: event.detail?.['ids']})),
		[{
			level: 'crit',
			account: 'ATLAS',
			message: 'BTCUSD buy 0.10 opened twice within 2 s (#7001, #7002); the bot holds #7001; another copy of the bot may be trading',
			class: 'duplicate-trade',
			ids: [7001, 7002],
		}],
	);
	const snapshot = await live.snapshot();
	assert.ok(snapshot.problems.some(problem => problem.code === 'duplicate-trade' && problem.level === 'crit'), JSON.stringify(snapshot.problems));
});
