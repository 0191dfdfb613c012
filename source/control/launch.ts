import {closeSync, mkdirSync, writeSync} from 'node:fs';
import path from 'node:path';
import type {ComponentConfig, FleetConfig} from '../config/types.js';
import {exitCode} from '../exit-codes.js';
import type {Journal} from '../journal/types.js';
import {ensurePrivateDir} from '../files/private-dir.js';
import {createLocksDir, inspect, type JudgeContext} from '../locks/index.js';
import type {LockInspection} from '../locks/types.js';
import {processPlatform} from '../procs/platform/index.js';
import type {ProcessPlatform} from '../runtime/ports.js';
import {LogFileError, openLogForAppend, readLogTail} from './log-file.js';

export interface LaunchDeps {
	config: FleetConfig;
	/** The fleetdeck CLI script (`dist/source/cli.js`), run with this Node binary. */
	cliPath: string;
	journal: Journal;
	context: JudgeContext;
	/** How long to wait for the new supervisor's lock to be live with its bot running; default 20 s. */
	waitMs?: number;
	pollMs?: number;
	/** Where the supervisor is started; default: this OS's. */
	platform?: ProcessPlatform;
}

export interface LaunchReport {
	ok: boolean;
	message: string;
	/** The supervisor's PID, when one was spawned. */
	pid: number | null;
	/** Nothing was started because the component turned out to be running already (a concurrent launch). */
	already?: boolean;
}

/** The supervisor's argv: `fleetdeck run NAME --account ID --config FILE --locks-dir DIR -- CMD…`. */
export function supervisorArgv(cliPath: string, config: FleetConfig, component: ComponentConfig): string[] {
	return [
		cliPath,
		'run',
		component.name,
		...(component.account === null ? [] : ['--account', component.account]),
		...(config.file === null ? [] : ['--config', config.file]),
		'--locks-dir',
		config.locksDir,
		'--',
		...component.command,
	];
}

/**
 * The last few non-empty lines of a log file, for a failure report; a missing log gives '', and
 * one that cannot be read (not a regular file, a link swapped in since, an I/O error) says why
 * instead: the failure being reported must not itself fail on its log.
 */
export function logTail(file: string, lines = 5): string {
	try {
		return readLogTail(file, lines);
	} catch (error) {
		return `(not read: ${error instanceof Error ? error.message : String(error)})`;
	}
}

/**
 * The log lines that say why a bot just died: only those written since this launch's marker line,
 * without stack frames (`    at …`). A Node bot's "Cannot find module" sits above a dozen frames
 * and its error object, so the plain last five lines would show only the frames' tail.
 */
export function failureTail(file: string, lines = 12): string {
	const tail = logTail(file, 60);
	if (tail.startsWith('(not read: ')) {
		return tail;
	}

	const all = tail.split('\n');
	const since = all.findLastIndex(line => line.startsWith('--- ') && line.includes(' fleetdeck launch: starting '));
	return all.slice(since + 1).filter(line => !/^\s+at\s/.test(line)).slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

/**
 * Start one component under its own `fleetdeck run` supervisor, detached: its own session, stdio
 * appended to `logsDir/<NAME>.log`, unref'd, so it outlives the TUI or SSH session that started
 * it. Resolves once the supervisor's lock is live with the bot running, or with the reason it
 * failed (the supervisor exited, the bot died at once, or neither happened in time).
 */
export async function launchComponent(component: ComponentConfig, deps: LaunchDeps, progress: (message: string) => void): Promise<LaunchReport> {
	const {config, journal} = deps;
	const name = component.name;
	ensurePrivateDir(config.logsDir);
	createLocksDir(config.locksDir);
	const logFile = path.join(config.logsDir, `${name}.log`);
	let log: number;
	try {
		log = openLogForAppend(logFile);
	} catch (error) {
		if (!(error instanceof LogFileError)) {
			throw error;
		}

		const message = `${name} not started: ${error.message}`;
		journal.record({kind: 'launch.failed', message, account: component.account, component: name, pid: null});
		return {ok: false, message, pid: null};
	}

	let supervisor;
	try {
		writeSync(log, `--- ${new Date().toISOString()} fleetdeck launch: starting ${name} ---\n`);
		supervisor = (deps.platform ?? processPlatform()).spawnSupervised({
			file: process.execPath,
			args: supervisorArgv(deps.cliPath, config, component),
			cwd: component.cwd,
			output: log,
		});
	} finally {
		closeSync(log);
	}

	const fail = (message: string, pid: number | null): LaunchReport => {
		const tail = failureTail(logFile);
		const full = tail === '' ? message : `${message}; last lines of ${logFile}:\n${tail}`;
		journal.record({kind: 'launch.failed', message: full, account: component.account, component: name, pid});
		return {ok: false, message: full, pid};
	};

	const pid = supervisor.pid;
	if (pid === undefined) {
		const error = await new Promise<Error>(resolve => supervisor.once('error', resolve));
		return fail(`could not start the supervisor for ${name}: ${error.message}`, null);
	}

	const supervisorExit: {value: {code: number | null; signal: string | null} | null} = {value: null};
	supervisor.once('exit', (code, signal) => {
		supervisorExit.value = {code, signal};
	});
	supervisor.unref();
	progress(`started supervisor PID ${pid} for ${name}; waiting for its lock`);

	// A look at the lock that fails (the locks directory unreadable for a moment) is not an answer:
	// the wait goes on, and a launch that ends without one names the last cause.
	let unread: string | null = null;
	const look = async () => {
		try {
			const found = await inspect(config.locksDir, name, deps.context);
			unread = null;
			return found;
		} catch (error) {
			unread = error instanceof Error ? error.message : String(error);
			return null;
		}
	};

	const because = () => (unread === null ? '' : `; the lock could not be read: ${unread}`);
	const deadline = Date.now() + (deps.waitMs ?? 20_000);
	for (;;) {
		const lock = await look();
		const ours = lock?.verdict === 'live' && lock.record?.pid === pid ? lock.record : null;
		const state = ours?.supervisor?.state;
		if (ours && state === 'running') {
			const message = `${name} started: supervisor PID ${pid}, bot PID ${ours.child?.pid ?? '?'}; log ${logFile}`;
			journal.record({kind: 'launch.started', message, account: component.account, component: name, pid: ours.child?.pid ?? pid});
			return {ok: true, message, pid};
		}

		if (ours && (state === 'backoff' || state === 'crash-loop')) {
			const last = ours.supervisor?.lastExit;
			return fail(`${name} exited right after it started (${last ? (last.signal ?? `exit code ${last.code ?? '?'}`) : 'unknown status'}); its supervisor PID ${pid} is in ${state} and keeps the lock`, pid);
		}

		const ended = supervisorExit.value;
		if (ended?.code === exitCode.lockHeld) {
			// Another launch (or a hand-started run) took the lock between our plan and our
			// supervisor's acquire: the component is running, once, under someone else's supervisor.
			const now = await look();
			if (now?.verdict === 'live' && now.record) {
				const message = `already running (started meanwhile by someone else: lock held by PID ${now.record.pid}); this launch started nothing`;
				journal.record({kind: 'launch.skipped', message: `${name}: ${message}`, account: component.account, component: name, pid: now.record.pid});
				return {ok: true, already: true, message, pid: null};
			}
		}

		if (ended !== null) {
			return fail(`the supervisor for ${name} exited (${ended.signal ?? `exit code ${ended.code ?? '?'}`}) before its bot was running${because()}`, pid);
		}

		if (Date.now() > deadline) {
			return fail(`${name}: no live lock with a running bot after ${Math.round((deps.waitMs ?? 20_000) / 1000)} s (supervisor PID ${pid} is still running)${because()}`, pid);
		}

		await sleep(deps.pollMs ?? 100);
	}
}

/** A component `launch` started, watched through its settle window. */
export interface Settling {
	component: ComponentConfig;
	/** The supervisor `launchComponent` spawned. */
	pid: number;
	/** When the window for it ends, epoch ms. */
	until: number;
}

/**
 * Why a just-started component is not running any more, judged from its lock alone (the
 * supervisor's own record: its state, last exit and restarts), or null while it runs as started.
 * A lock that is missing, not live, or held by another PID means the supervisor is gone.
 */
export function settleFailure(lock: LockInspection | null, supervisorPid: number): string | null {
	if (lock === null) {
		return `its supervisor PID ${supervisorPid} exited and its lock is gone`;
	}

	const record = lock.record;
	if (lock.verdict !== 'live' || record === null || record.pid !== supervisorPid) {
		return record !== null && record.pid !== supervisorPid
			? `its lock is now held by PID ${record.pid}, not by its supervisor PID ${supervisorPid}`
			: `its supervisor PID ${supervisorPid} is gone (lock ${lock.verdict}: ${lock.reason})`;
	}

	const supervisor = record.supervisor;
	const last = supervisor?.lastExit;
	if (supervisor && (supervisor.state === 'backoff' || supervisor.state === 'crash-loop' || supervisor.restarts > 0 || last)) {
		const how = last ? (last.signal ?? `exit code ${last.code ?? '?'}`) : 'unknown status';
		const restarted = supervisor.restarts > 0 ? `, restarted ${supervisor.restarts} time${supervisor.restarts === 1 ? '' : 's'}` : '';
		return `the bot exited (${how}${restarted}); its supervisor PID ${supervisorPid} is in ${supervisor.state} and keeps the lock`;
	}

	return null;
}

/**
 * Watch components started by `launch` until each one's settle window has passed, polling their
 * locks: one that exits within it fails, with the reason and the last lines of its log (journaled
 * as `launch.failed`). Returns the failures by component name; the rest stayed up. A lock that
 * cannot be read for a moment is no answer: the watch goes on.
 */
export async function settleLaunched(settling: Settling[], deps: Pick<LaunchDeps, 'config' | 'journal' | 'context' | 'pollMs'>): Promise<Map<string, string>> {
	const failures = new Map<string, string>();
	let watching = [...settling];
	while (watching.length > 0) {
		const now = Date.now();
		const next: Settling[] = [];
		for (const entry of watching) {
			const lock = await inspect(deps.config.locksDir, entry.component.name, deps.context).catch(() => undefined);
			const reason = lock === undefined ? null : settleFailure(lock, entry.pid);
			if (reason !== null) {
				const name = entry.component.name;
				const logFile = path.join(deps.config.logsDir, `${name}.log`);
				const tail = failureTail(logFile);
				const message = `${name} did not stay up through its settle window: ${reason}${tail === '' ? '' : `; last lines of ${logFile}:\n${tail}`}`;
				deps.journal.record({kind: 'launch.failed', message, account: entry.component.account, component: name, pid: entry.pid});
				failures.set(name, message);
			} else if (now < entry.until) {
				next.push(entry);
			}
		}

		watching = next;
		if (watching.length > 0) {
			await sleep(deps.pollMs ?? 100);
		}
	}

	return failures;
}
