/**
 * Broker status sources at their worst (a publisher that hangs, resets the connection, sends
 * garbage, a huge payload, or flaps every poll) through `gatherSnapshot` and `--once --json`:
 * the run ends in bounded time, each account shows the fault in its own levels, nobody else's.
 */
import assert from 'node:assert/strict';
import {createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {performance} from 'node:perf_hooks';
import {loadConfig} from '../../source/config/index.js';
import {gatherSnapshot, onceBrokerFacts} from '../../source/fleet/gather.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {tempDir} from '../helpers/cli.js';
import {runFleetdeck} from './cli-run.js';

const faults = ['good', 'hang', 'reset', 'garbage', 'huge', 'flap', 'wrong-type', 'slow-drip'] as const;
type Fault = (typeof faults)[number];
const numberOf = (fault: Fault) => String(7000 + faults.indexOf(fault));

function goodSnapshot(fault: Fault): string {
	const now = new Date().toISOString();
	return JSON.stringify({
		schema: 1,
		account: numberOf(fault),
		asOf: now,
		connection: {state: 'connected', since: now, lastSyncAt: now, lastActivityAt: now, credentialsRefreshedAt: now, reconnects: 0},
		terminal: {connected: true, tradeAllowed: true, pingMs: 20},
		positions: {bot: [], broker: []},
	});
}

/** One status server playing every fault, one path per account. */
async function faultyBroker(): Promise<{url: (fault: Fault) => string; close: () => Promise<void>; hits: Map<Fault, number>}> {
	const hits = new Map<Fault, number>();
	const sockets = new Set<Socket>();
	const server: Server = createServer((request, response: ServerResponse) => {
		const fault = (request.url ?? '').slice(1) as Fault;
		hits.set(fault, (hits.get(fault) ?? 0) + 1);
		switch (fault) {
			case 'hang': {
				return; // Never answers; the socket stays open.
			}

			case 'reset': {
				request.socket.resetAndDestroy();
				return;
			}

			case 'garbage': {
				response.writeHead(200, {'content-type': 'application/json'}).end('\u0000\u00FF{"schema": 1, <html>oops</html>');
				return;
			}

			case 'huge': {
				// 8 MiB of valid JSON: a publisher dumping its whole history.
				response.writeHead(200, {'content-type': 'application/json'});
				response.end(`{"schema":1,"padding":"${'x'.repeat(8 * 1024 * 1024)}"}`);
				return;
			}

			case 'flap': {
				if ((hits.get(fault) ?? 0) % 2 === 1) {
					response.writeHead(200, {'content-type': 'application/json'}).end(goodSnapshot(fault));
				} else {
					response.writeHead(503).end('restarting');
				}

				return;
			}

			case 'wrong-type': {
				response.writeHead(200, {'content-type': 'application/json'}).end('[1, 2, 3]');
				return;
			}

			case 'slow-drip': {
				// Headers at once, then one byte a second: only a whole-request deadline ends it.
				response.writeHead(200, {'content-type': 'application/json'});
				const timer = setInterval(() => response.write(' '), 1000);
				response.on('close', () => clearInterval(timer));
				return;
			}

			default: {
				response.writeHead(200, {'content-type': 'application/json'}).end(goodSnapshot('good'));
			}
		}
	});
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: fault => `http://127.0.0.1:${port}/${fault}`,
		hits,
		async close() {
			for (const socket of sockets) {
				socket.destroy();
			}

			await new Promise(resolve => server.close(resolve));
		},
	};
}

function writeConfig(dir: string, url: (fault: Fault) => string): string {
	const file = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(file, JSON.stringify({
		accounts: faults.map(fault => ({
			id: fault.toUpperCase().replace('-', '_'),
			number: numberOf(fault),
			components: [{name: `BRAIN_${fault.toUpperCase().replace('-', '_')}`, role: 'brain', command: ['python', 'x.py'], match: 'no-process-matches-this-4b1d'}],
			broker: {status: {url: url(fault), timeoutSeconds: 1}, pollSeconds: 1},
		})),
	}));
	return file;
}

function check(snapshot: FleetSnapshot): void {
	const connection = (fault: Fault) => snapshot.accounts.find(account => account.number === numberOf(fault))?.health?.connection;
	assert.equal(connection('good')?.state, 'ok', JSON.stringify(connection('good')));
	for (const fault of ['hang', 'reset', 'garbage', 'huge', 'wrong-type', 'slow-drip'] as const) {
		const level = connection(fault);
		assert.ok(level?.state === 'down' || level?.state === 'unknown', `${fault}: ${JSON.stringify(level)}`);
		assert.notEqual(level?.state, 'ok', fault);
	}

	// A source that answered well on one of its polls is judged by that answer, never as garbage.
	const flap = connection('flap');
	assert.ok(flap !== undefined && flap.state !== 'degraded', JSON.stringify(flap));
	const errors = Object.fromEntries(snapshot.accounts.map(account => [account.number, account.health?.error ?? null]));
	assert.match(errors[numberOf('huge')] ?? '', /byte|large|cap|limit/i, JSON.stringify(errors));
	assert.match(errors[numberOf('garbage')] ?? '', /JSON/, JSON.stringify(errors));
	assert.match(errors[numberOf('hang')] ?? '', /no answer .* within 1 s/, JSON.stringify(errors));
	assert.match(errors[numberOf('slow-drip')] ?? '', /no answer .* within 1 s/, JSON.stringify(errors));
	assert.match(errors[numberOf('reset')] ?? '', /reset/, JSON.stringify(errors));
	assert.equal(errors[numberOf('good')], null);
}

test('hanging, resetting, garbage, huge, flapping and dripping status sources: gatherSnapshot ends in bounded time with each fault in its own account', {timeout: 300_000}, async t => {
	const broker = await faultyBroker();
	t.after(async () => broker.close());
	const dir = tempDir(t);
	const config = loadConfig({config: writeConfig(dir, broker.url), cwd: dir});
	const started = performance.now();
	const snapshot = await gatherSnapshot(config, {broker: async () => onceBrokerFacts(config)});
	const seconds = (performance.now() - started) / 1000;
	t.diagnostic(`gatherSnapshot took ${seconds.toFixed(1)} s`);
	// Liveness, not speed: every source has a 1 s timeout and --once a 5 s polling deadline.
	assert.ok(seconds < 30, `gatherSnapshot took ${seconds} s`);
	check(snapshot);
	assert.ok((broker.hits.get('flap') ?? 0) >= 1);
});

test('the same faults through --once --json: exit 2, valid JSON, bounded time, no stack trace', {timeout: 300_000}, async t => {
	const broker = await faultyBroker();
	t.after(async () => broker.close());
	const dir = tempDir(t);
	writeConfig(dir, broker.url);
	const result = await runFleetdeck(['--once', '--json'], {cwd: dir, timeoutMs: 45_000});
	t.diagnostic(`--once took ${(result.ms / 1000).toFixed(1)} s`);
	assert.equal(result.code, 2, result.stderr);
	assert.doesNotMatch(result.stderr, /^\s+at /m);
	check(JSON.parse(result.stdout) as FleetSnapshot);
});
