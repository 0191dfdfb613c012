import {spawn, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {acquire} from '../source/locks/index.js';
import {untilBenchExit} from './cleanup.js';

const fakeBot = fileURLToPath(new URL('../fixtures/fake-bot.js', import.meta.url));

/** A fleet in a temp directory: its config, and every process it started (stopped by `close`). */
export interface BenchFleet {
	dir: string;
	configFile: string;
	locksDir: string;
	close(): void;
}

function component(name: string, role: string, marker: string): Record<string, unknown> {
	return {name, role, command: [process.execPath, fakeBot, `${name}.py`, marker], match: `${name}\\.py ${marker}`};
}

function writeFleet(accounts: number): {dir: string; configFile: string; locksDir: string; marker: string; names: string[]} {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bench-'));
	const locksDir = path.join(dir, '.locks');
	mkdirSync(locksDir);
	const marker = `BENCH-${randomUUID()}`;
	const ids = Array.from({length: accounts}, (_, index) => `ACC_${index}`);
	const config = {
		services: [component('quantum_server', 'service', marker)],
		accounts: ids.map((id, index) => ({id, number: String(100_000 + index), components: [component(`BRAIN_${id}`, 'brain', marker), component(`WATCHDOG_${id}`, 'watchdog', marker)]})),
	};
	const configFile = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(configFile, JSON.stringify(config));
	return {dir, configFile, locksDir, marker, names: ['quantum_server', ...ids.flatMap(id => [`BRAIN_${id}`, `WATCHDOG_${id}`])]};
}

/**
 * The fixture fleet's shape (5 accounts × brain + watchdog, and a service) with every component a
 * real fake bot holding its real lock, taken through the lock API on the bot's behalf.
 */
export async function startFixtureFleet(): Promise<BenchFleet> {
	const {dir, configFile, locksDir, marker, names} = writeFleet(5);
	const bots: ChildProcess[] = [];
	const close = untilBenchExit(() => {
		for (const bot of bots) {
			bot.kill('SIGKILL');
		}

		rmSync(dir, {recursive: true, force: true});
	});
	for (const name of names) {
		const bot = spawn(process.execPath, [fakeBot, `${name}.py`, marker], {stdio: 'ignore'});
		bots.push(bot);
		// The lock names the bot as holder: same pid and start token as if it had taken it itself.
		const result = await acquireFor(locksDir, name, bot.pid!);
		if (!result) {
			throw new Error(`could not lock ${name} for PID ${bot.pid}`);
		}
	}

	return {dir, configFile, locksDir, close};
}

/** A lock held by `pid`: acquired here, then rewritten to name the bot (its real start token). */
async function acquireFor(locksDir: string, name: string, pid: number): Promise<boolean> {
	const {probeProcess} = await import('../source/procs/identity.js');
	for (let attempt = 0; attempt < 100; attempt++) {
		const probe = probeProcess(pid);
		if (probe.state === 'alive' && probe.startToken !== null) {
			const result = await acquire(locksDir, name, {command: name});
			if (!result.acquired) {
				return false;
			}

			writeFileSync(result.path, JSON.stringify({...result.record, pid, startToken: probe.startToken}));
			return true;
		}

		await new Promise(resolve => setTimeout(resolve, 20));
	}

	return false;
}

/** `accounts` accounts × brain + watchdog, and a service, with nothing running and no locks. */
export function writeLargeFleet(accounts: number): BenchFleet {
	const {dir, configFile, locksDir} = writeFleet(accounts);
	return {dir, configFile, locksDir, close: untilBenchExit(() => {
		rmSync(dir, {recursive: true, force: true});
	})};
}

/**
 * `count` unrelated `sleep` processes, started by one shell in its own process group (so they cost
 * one spawn here and one group kill to remove). Resolves once they all run. They go with the bench
 * however it ends: `stop`, the bench's exit or signal (see cleanup.ts), and even a SIGKILL of the
 * bench, which nothing here can catch: the shell then reads end-of-file on its stdin (a pipe from
 * this process, closed by the kernel) and kills its whole group, itself included.
 */
export async function startSleepers(count: number): Promise<{count: number; pgid: number; stop(): void}> {
	const script = `i=0; while [ $i -lt ${count} ]; do sleep 3600 & i=$((i+1)); done; echo started; read -r _; kill -KILL 0`;
	const shell = spawn('sh', ['-c', script], {stdio: ['pipe', 'pipe', 'ignore'], detached: true});
	const stop = untilBenchExit(() => {
		try {
			process.kill(-shell.pid!, 'SIGKILL');
		} catch {}
	});
	await new Promise<void>((resolve, reject) => {
		shell.stdout.once('data', () => resolve());
		shell.once('exit', code => reject(new Error(`could not start ${count} sleep processes (shell exited ${code})`)));
	}).catch((error: unknown) => {
		stop();
		throw error;
	});
	// Neither pipe may keep the bench alive; the stdin pipe stays open, unwritten, until the bench ends.
	shell.stdout.destroy();
	(shell.stdin as unknown as {unref?: () => void}).unref?.();
	return {count, pgid: shell.pid!, stop};
}
