import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdirSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TestContext} from 'node:test';
import {openJournal} from '../../source/journal/index.js';
import type {HealthSample, JournalEvent} from '../../source/journal/types.js';
import {wire} from '../broker/helpers.js';
import {uniqueMarker} from '../helpers/children.js';
import {cliPath, runCli, tempDir} from '../helpers/cli.js';

/** The built fake bot (this file runs from dist/test/runtime/). */
const fakeBotPath = fileURLToPath(new URL('../../fixtures/fake-bot.js', import.meta.url));

/** Seconds between polls in these fleets: fast, so a test sees several polls in a second or two. */
export const pollSeconds = 0.3;

/**
 * Seconds between status polls. Slower than the fleet's polls on purpose: status data older than
 * three of them is STALE (connection unknown), and on a loaded machine 0.9 s is soon missed; a
 * connection flapping to unknown and back would journal changes no test made.
 */
export const statusPollSeconds = 1.5;

/** ATLAS's status publisher on 127.0.0.1: a fresh, healthy snapshot per request, unless told the connection is down. */
export interface StatusServer {
	url: string;
	/** The connection state the next snapshots report (`connected` is healthy, `disconnected` is down). */
	connection: 'connected' | 'disconnected';
	/** How many snapshots it served. */
	served: number;
}

export async function startStatusServer(t: TestContext): Promise<StatusServer> {
	const server = createServer((_request, response) => {
		status.served++;
		const body = JSON.stringify(wire(Date.now(), snapshot => {
			if (snapshot.connection) {
				snapshot.connection.state = status.connection;
			}
		}));
		response.writeHead(200, {'content-type': 'application/json'});
		response.end(body);
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const address = server.address();
	if (address === null || typeof address !== 'object') {
		throw new Error('the status server has no port');
	}

	const status: StatusServer = {url: `http://127.0.0.1:${address.port}/ATLAS/status`, connection: 'connected', served: 0};
	t.after(async () => {
		server.closeAllConnections();
		await new Promise(resolve => {
			server.close(resolve);
		});
	});
	return status;
}

export interface WatchFleet {
	dir: string;
	locksDir: string;
	journalFile: string;
	/** In the argv of every bot this fleet starts. */
	marker: string;
}

/** A temp fleet: account ATLAS (its brain and watchdog matched by a unique marker), its status from `statusUrl`. */
export function watchFleet(t: TestContext, statusUrl: string): WatchFleet {
	const dir = tempDir(t, 'fleetdeck-watch-');
	const marker = uniqueMarker();
	const locksDir = path.join(dir, '.locks');
	mkdirSync(locksDir);
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({
		locksDir: '.locks',
		journal: '.fleetdeck/journal.db',
		pollSeconds,
		accounts: [{
			id: 'ATLAS',
			number: '212000584',
			components: [
				{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: String.raw`BRAIN_ATLAS\.py ${marker}`},
				{name: 'WATCHDOG_ATLAS', role: 'watchdog', command: ['python', 'WATCHDOG_ATLAS.py'], match: String.raw`WATCHDOG_ATLAS\.py ${marker}`},
			],
			broker: {status: {url: statusUrl}, pollSeconds: statusPollSeconds},
		}],
	}));
	return {dir, locksDir, journalFile: path.join(dir, '.fleetdeck', 'journal.db'), marker};
}

/** A child that is SIGKILLed (and reaped) when the test ends, if still running. */
function tracked(t: TestContext, child: ChildProcess): ChildProcess & {pid: number} {
	const {pid} = child;
	if (pid === undefined) {
		throw new Error(`could not spawn ${child.spawnfile}`);
	}

	const exited = once(child, 'exit');
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	return Object.assign(child, {pid});
}

/** One copy of the fake bot `NAME.py` of this fleet. */
export function startBot(t: TestContext, fleet: WatchFleet, name: string): ChildProcess & {pid: number} {
	return tracked(t, spawn(process.execPath, [fakeBotPath, `${name}.py`, fleet.marker], {stdio: 'ignore'}));
}

/** Stop `child` with `signal` and wait for it: its exit code, or the signal that ended it. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return child.exitCode ?? child.signalCode;
	}

	const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
	child.kill(signal);
	const [code, killedBy] = await exited;
	return code ?? killedBy;
}

export interface Watcher {
	child: ChildProcess & {pid: number};
	stdout(): string;
	stderr(): string;
}

/** A real `fleetdeck watch` in the fleet's directory; SIGKILLed when the test ends if still running. */
export function startWatcher(t: TestContext, fleet: WatchFleet): Watcher {
	const child = tracked(t, spawn(process.execPath, [cliPath, 'watch'], {cwd: fleet.dir, stdio: ['ignore', 'pipe', 'pipe']}));
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	return {child, stdout: () => stdout, stderr: () => stderr};
}

/** The fleet's journal as `fleetdeck history --json` prints it (the last hour). */
export async function history(fleet: WatchFleet): Promise<JournalEvent[]> {
	const result = await runCli(['history', '--json', '--since', '1h'], {cwd: fleet.dir});
	if (result.code !== 0) {
		throw new Error(`fleetdeck history exited ${result.code}: ${result.stderr}`);
	}

	return JSON.parse(result.stdout) as JournalEvent[];
}

/** ATLAS's health samples in the journal: one per poll its writer completed. */
export function samples(fleet: WatchFleet): HealthSample[] {
	const journal = openJournal(fleet.journalFile);
	try {
		return journal.samples('ATLAS', 1000);
	} finally {
		journal.close();
	}
}

/** The events that count fleet changes: what must never be journaled twice. */
export function fleetChangesIn(events: JournalEvent[]): string[] {
	return events.flatMap(event => {
		switch (event.kind) {
			case 'duplicate.seen':
			case 'duplicate.resolved':
			case 'lock.stale': {
				return [`${event.kind} ${event.component ?? ''}`];
			}

			case 'health.changed': {
				const detail = event.detail as {level?: string; from?: string; to?: string} | null;
				return [`${event.kind} ${detail?.level ?? '?'} ${detail?.from ?? '?'}→${detail?.to ?? '?'}`];
			}

			default: {
				return [];
			}
		}
	});
}
