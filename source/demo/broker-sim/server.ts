/**
 * A scriptable broker simulator: serves a schema-1 status snapshot per account over HTTP on
 * 127.0.0.1 and misbehaves on request. `fleetdeck demo` runs it, so it ships under source/; its
 * command line (`fixtures/broker-sim.ts`) is what fleetdeck's tests and bridge authors run
 * (docs/status-snapshot.md, "Testing with the simulator").
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {simActionSchema, type SimAction} from './actions.js';
import {SimAccount, type SimAccountInit} from './account.js';

export type {SimAction, SimFault} from './actions.js';
export type {SimAccountInit, SimPosition} from './account.js';

export interface BrokerSimOptions {
	accounts: SimAccountInit[];
	/** 0 (default) picks a free port. */
	port?: number;
	/** Clock for every timestamp the simulator publishes. */
	now?: () => number;
}

export interface SimStats {
	/** Status requests received. */
	requests: number;
	/** Status requests being answered right now. */
	inFlight: number;
	/** The most status requests ever answered at once. */
	maxInFlight: number;
}

export interface BrokerSim {
	port: number;
	/** `http://127.0.0.1:<port>` */
	baseUrl: string;
	/** The account's status URL. */
	url(accountId: string): string;
	/** Applies a script action now (same as `POST /<ID>/script`). */
	script(accountId: string, action: SimAction): void;
	stats(accountId: string): SimStats;
	/** Open client connections (a stopped poller must leave none). */
	connections(): Promise<number>;
	/** Stops listening and drops every connection, hung ones included. */
	close(): Promise<void>;
}

const oversizeBytes = 3 * 1024 * 1024;
const maxScriptBytes = 64 * 1024;

export async function startBrokerSim(options: BrokerSimOptions): Promise<BrokerSim> {
	const now = options.now ?? Date.now;
	const accounts = new Map<string, SimAccount>();
	const stats = new Map<string, SimStats>();
	options.accounts.forEach((init, index) => {
		accounts.set(init.id, new SimAccount(init, (index + 5) * 1000, now));
		stats.set(init.id, {requests: 0, inFlight: 0, maxInFlight: 0});
	});
	const pendingTimers = new Set<NodeJS.Timeout>();

	const lookup = (accountId: string): SimAccount => {
		const account = accounts.get(accountId);
		if (account === undefined) {
			throw new Error(`the simulator has no account ${accountId}`);
		}

		return account;
	};

	const script = (accountId: string, action: unknown): void => {
		const parsed = simActionSchema.safeParse(action);
		if (!parsed.success) {
			throw new Error(`bad script action: ${parsed.error.issues.map(issue => `${issue.path.join('.') || '(action)'}: ${issue.message}`).join('; ')}`);
		}

		lookup(accountId).apply(parsed.data);
	};

	const serveStatus = (accountId: string, account: SimAccount, request: http.IncomingMessage, response: http.ServerResponse) => {
		const counter = stats.get(accountId)!;
		counter.requests += 1;
		counter.inFlight += 1;
		counter.maxInFlight = Math.max(counter.maxInFlight, counter.inFlight);
		let done = false;
		const finish = () => {
			if (!done) {
				done = true;
				counter.inFlight -= 1;
			}
		};

		response.on('close', finish);
		response.on('error', finish);
		const {kind, delayMs} = account.fault;
		switch (kind) {
			case 'hang': {
				return;
			}

			case 'reset': {
				request.socket.resetAndDestroy();
				return;
			}

			case 'http-500': {
				sendJson(response, 500, {error: 'simulated failure'});
				return;
			}

			case 'invalid-json': {
				response.writeHead(200, {'content-type': 'application/json'});
				response.end('{"schema": 1, "account": "');
				return;
			}

			case 'oversize': {
				response.writeHead(200, {'content-type': 'application/json'});
				const chunk = 'x'.repeat(64 * 1024);
				response.write('{"schema": 1, "padding": "');
				const pump = (left: number) => {
					while (left > 0 && !response.destroyed) {
						left -= chunk.length;
						if (!response.write(chunk)) {
							response.once('drain', () => pump(left));
							return;
						}
					}

					response.end('"}');
				};

				pump(oversizeBytes);
				return;
			}

			case 'slow': {
				const timer = setTimeout(() => {
					pendingTimers.delete(timer);
					sendJson(response, 200, account.snapshot());
				}, delayMs);
				pendingTimers.add(timer);
				response.on('close', () => {
					clearTimeout(timer);
					pendingTimers.delete(timer);
				});
				return;
			}

			case 'none': {
				sendJson(response, 200, account.snapshot());
			}
		}
	};

	const server = http.createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://sim').pathname;
		const [, accountId, leaf] = /^\/([^/]+)\/(status|script)$/.exec(path) ?? [];
		if (path === '/health') {
			sendJson(response, 200, {ok: true});
		} else if (path === '/') {
			sendJson(response, 200, {accounts: Object.fromEntries([...accounts.keys()].map(id => [id, urlFor(id)]))});
		} else if (accountId === undefined || !accounts.has(decodeURIComponent(accountId))) {
			sendJson(response, 404, {error: `no such account or route: ${path}`});
		} else if (leaf === 'status' && request.method === 'GET') {
			serveStatus(decodeURIComponent(accountId), accounts.get(decodeURIComponent(accountId))!, request, response);
		} else if (leaf === 'script' && request.method === 'POST') {
			readBody(request)
				.then(body => {
					script(decodeURIComponent(accountId), JSON.parse(body));
					sendJson(response, 200, {ok: true});
				})
				.catch((error: unknown) => sendJson(response, 400, {error: (error as Error).message}));
		} else {
			sendJson(response, 405, {error: `${request.method} not allowed on ${path}`});
		}
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	const baseUrl = `http://127.0.0.1:${port}`;
	const urlFor = (accountId: string) => `${baseUrl}/${encodeURIComponent(accountId)}/status`;

	return {
		port,
		baseUrl,
		url: (accountId: string) => {
			lookup(accountId);
			return urlFor(accountId);
		},
		script,
		stats: accountId => {
			lookup(accountId);
			return {...stats.get(accountId)!};
		},
		connections: async () =>
			new Promise<number>((resolve, reject) => {
				server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
			}),
		close: async () => {
			for (const timer of pendingTimers) {
				clearTimeout(timer);
			}

			const closed = new Promise<void>(resolve => {
				server.close(() => resolve());
			});
			server.closeAllConnections();
			await closed;
		},
	};
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
	if (response.destroyed) {
		return;
	}

	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
	response.end(text);
}

async function readBody(request: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > maxScriptBytes) {
			throw new Error(`script body over ${maxScriptBytes} bytes`);
		}

		chunks.push(chunk as Buffer);
	}

	return Buffer.concat(chunks).toString('utf8');
}
