import assert from 'node:assert/strict';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {parseSnapshot, type FetchOutcome} from '../../source/broker/index.js';
import {loadConfig, watcherLockName} from '../../source/config/index.js';
import type {StatusSource} from '../../source/config/types.js';
import {judgeContext} from '../../source/fleet/gather.js';
import {createFileLockStore} from '../../source/runtime/adapters/file-lock-store.js';
import {createMemoryEventLog} from '../../source/runtime/adapters/memory-event-log.js';
import {startLiveFleet} from '../../source/runtime/live-fleet.js';
import type {StatusFeed} from '../../source/runtime/ports.js';
import {wire} from '../broker/helpers.js';
import {tempDir} from '../helpers/cli.js';
import {waitUntil} from '../locks/helpers.js';

test('the live fleet reads the broker side only through its StatusFeed and journals only to its EventSink', async t => {
	const dir = tempDir(t);
	mkdirSync(path.join(dir, '.locks'));
	// URLs nothing answers: were the fleet to read around the port, ATLAS would show an error.
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({
		pollSeconds: 0.2,
		services: [{name: 'quantum_server', command: ['python', 'quantum_server.py'], match: String.raw`quantum_server\.py NEVER-RUNS`, health: {url: 'http://127.0.0.1:9/health'}}],
		accounts: [{
			id: 'ATLAS',
			number: '212000584',
			components: [{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: String.raw`BRAIN_ATLAS\.py NEVER-RUNS`}],
			broker: {status: {url: 'http://127.0.0.1:9/ATLAS/status'}, pollSeconds: 0.5},
		}],
	}));
	const config = loadConfig({cwd: dir});
	const fetched: StatusSource[] = [];
	const checked: string[] = [];
	const status: StatusFeed = {
		async fetch(source): Promise<FetchOutcome> {
			fetched.push(source);
			const parsed = parseSnapshot(JSON.stringify(wire(Date.now())));
			assert.ok(parsed.ok);
			return {ok: true, snapshot: parsed.snapshot, latencyMs: 7};
		},
		async checkService(url) {
			checked.push(url);
			return {state: 'down', reason: 'the scripted feed says down', latencyMs: null};
		},
	};
	const events = createMemoryEventLog();
	const live = startLiveFleet(config, {locks: createFileLockStore(config.locksDir, judgeContext(config)), status, events});
	t.after(async () => live.dispose());

	let snapshot = await live.snapshot();
	await waitUntil(() => events.samples('ATLAS', 10).length > 0 && checked.length > 0, 'a status poll is sampled');
	snapshot = await live.snapshot();
	const atlas = snapshot.accounts.find(account => account.id === 'ATLAS');
	assert.equal(atlas?.health?.connection.state, 'ok', JSON.stringify(atlas?.health));
	assert.equal(atlas?.health?.latencyMs, 7, 'the latency the feed reported');
	assert.equal(snapshot.services[0]?.health?.state, 'down');
	assert.equal(snapshot.services[0]?.health?.reason, 'the scripted feed says down');
	assert.ok(fetched.every(source => source.kind === 'http' && source.url.endsWith('/ATLAS/status')), JSON.stringify(fetched));
	assert.deepEqual([...new Set(checked)], ['http://127.0.0.1:9/health']);
	assert.equal(live.election.standing().writer, true);
	assert.ok(events.all.some(event => event.kind === 'lock.acquired' && event.component === watcherLockName), 'the election journals to the same sink');
	assert.deepEqual(live.recentEvents(100), events.events({limit: 100}), 'the deck reads its events back from the sink');
	assert.deepEqual(live.latency('ATLAS', 5).slice(-1), [7]);
});
