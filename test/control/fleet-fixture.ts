import {spawn, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TestContext} from 'node:test';
import {openJournal} from '../../source/journal/index.js';
import type {JournalEvent} from '../../source/journal/types.js';
import type {LockRecord} from '../../source/locks/types.js';
import {collectOutput} from '../helpers/children.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built CLI and fake bot (this file runs from dist/test/control/). */
export const cliPath = path.resolve(here, '../../source/cli.js');
export const fakeBotPath = path.resolve(here, '../../fixtures/fake-bot.js');

export function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

export {pollUntil} from '../helpers/children.js';

/** Every PID whose command line contains `marker`. */
export function pidsWith(marker: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
			continue;
		}

		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) {
				pids.push(Number(entry));
			}
		} catch {}
	}

	return pids;
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

/** Field 22 of /proc/<pid>/stat: the start token. */
export function startTokenOf(pid: number): string {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

export interface TempFleet {
	dir: string;
	configFile: string;
	locksDir: string;
	/** In the argv of every process this fleet starts (bots, and so their supervisors). */
	marker: string;
	/** A fake bot's argv: `node fake-bot.js NAME.py MARKER …flags`. */
	bot(name: string, ...flags: string[]): string[];
	infoFile(name: string): string;
	/** The JSON lines a bot wrote with --info-file. */
	starts(name: string): Array<{pid: number; ppid: number; forked: boolean; at: number; env: Record<string, string>}>;
	lock(name: string): LockRecord | null;
	events(component?: string): JournalEvent[];
}

/**
 * Kill every process carrying `marker`, until none is left (a supervisor may restart a bot once).
 * Rounds go on while any is left, up to a minute: a loaded machine can be slow to start the
 * restart that a round then has to kill.
 */
export async function killMarked(marker: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const pids = pidsWith(marker).filter(pid => isAlive(pid));
		if (pids.length === 0) {
			return;
		}

		for (const pid of pids) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {}
		}

		await sleep(100);
	}
}

/**
 * A temp directory with a config built by `build` (given a fake-bot argv maker); every process
 * whose argv carries the fleet's marker is SIGKILLed and the directory removed after the test.
 */
export function tempFleet(t: TestContext, build: (bot: TempFleet['bot']) => Record<string, unknown>): TempFleet {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-control-'));
	const marker = `MARKER-${randomUUID()}`;
	const locksDir = path.join(dir, '.locks');
	mkdirSync(locksDir);
	const infoFile = (name: string) => path.join(dir, `${name}.info`);
	const bot = (name: string, ...flags: string[]) => [process.execPath, fakeBotPath, `${name}.py`, marker, '--info-file', infoFile(name), ...flags];
	const configFile = path.join(dir, 'fleetdeck.config.json');
	writeFileSync(configFile, JSON.stringify({locksDir: '.locks', logsDir: 'logs', journal: '.fleetdeck/journal.db', ...build(bot)}, null, '\t'));
	t.after(async () => {
		await killMarked(marker);
		rmSync(dir, {recursive: true, force: true});
	});
	return {
		dir,
		configFile,
		locksDir,
		marker,
		bot,
		infoFile,
		starts(name) {
			try {
				return readFileSync(infoFile(name), 'utf8').trim().split('\n').filter(Boolean).map(line => JSON.parse(line));
			} catch {
				return [];
			}
		},
		lock(name) {
			try {
				return JSON.parse(readFileSync(path.join(locksDir, `${name}.lock`), 'utf8')) as LockRecord;
			} catch {
				return null;
			}
		},
		events(component) {
			const journal = openJournal(path.join(dir, '.fleetdeck/journal.db'));
			try {
				return journal.events(component === undefined ? {} : {component});
			} finally {
				journal.close();
			}
		},
	};
}

/**
 * A component entry for the temp config, with short timeouts. Its `match` includes the fleet's
 * marker: tests run in parallel, and one test's shutdown must never see another test's bots.
 */
export function component(name: string, role: string, command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
	const marker = command.find(word => word.startsWith('MARKER-'));
	return {name, role, command, match: marker ? `${name}\\.py ${marker}` : `${name}\\.py`, stopTimeoutSeconds: 1, ...extra};
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Run the fleetdeck CLI in the fleet's directory, stdin not a TTY. */
export function cli(fleet: TempFleet, args: string[], timeoutMs = 120_000): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {cwd: fleet.dir, stdio: ['ignore', 'pipe', 'pipe']});
		const output = collectOutput(child);
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`fleetdeck ${args.join(' ')} did not finish in ${timeoutMs} ms; stdout: ${output.stdout()} stderr: ${output.stderr()}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout: output.stdout(), stderr: output.stderr()});
		});
	});
}

/** Start `fleetdeck run NAME -- CMD` as a child of the test (its stderr collected), Node itself run with `nodeFlags`. */
export function startRun(fleet: TempFleet, name: string, command: string[], extra: string[] = [], nodeFlags: string[] = []): ChildProcess & {pid: number; output: () => string} {
	const child = spawn(process.execPath, [...nodeFlags, cliPath, 'run', name, '--config', fleet.configFile, ...extra, '--', ...command], {cwd: fleet.dir, stdio: ['ignore', 'ignore', 'pipe']});
	let output = '';
	child.stderr?.on('data', chunk => {
		output += String(chunk);
	});
	if (child.pid === undefined) {
		throw new Error('could not start fleetdeck run');
	}

	return Object.assign(child, {pid: child.pid, output: () => output});
}

/** Spawn a bot directly (no supervisor, no lock): an unlocked copy. */
export function spawnBot(argv: string[], detached = false): ChildProcess & {pid: number} {
	const [file = '', ...args] = argv;
	const child = spawn(file, args, {stdio: 'ignore', detached});
	if (child.pid === undefined) {
		throw new Error(`could not spawn ${file}`);
	}

	return child as ChildProcess & {pid: number};
}
