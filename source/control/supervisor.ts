import type {ChildProcess} from 'node:child_process';
import {constants} from 'node:os';
import type {BackoffConfig, RestartPolicy} from '../config/types.js';
import {exitCode} from '../exit-codes.js';
import {lockClearedEvent} from '../journal/fleet-events.js';
import type {Journal} from '../journal/types.js';
import {acquire, clearPlannedStop, heartbeat, release, type AcquireResult, type HeldLock, type JudgeContext} from '../locks/index.js';
import type {ChildIdentity, LockInspection, ParsedLock, SupervisorState} from '../locks/types.js';
import {processPlatform} from '../procs/platform/index.js';
import type {ProcessPlatform, ProcessSignals} from '../runtime/ports.js';
import {printable} from '../text/printable.js';
import {redactArgv} from '../text/redact.js';
import {decideRestart, describeExit, exitStatus, freshHistory, type ChildExit, type RestartHistory} from './restart-policy.js';

/** Everything one `fleetdeck run` needs: the component's settings, flags already applied. */
export interface SupervisorOptions {
	/** The component, which is also the lock NAME. */
	name: string;
	account: string | null;
	/** The bot's argv; started without a shell. */
	command: string[];
	cwd: string;
	/** Added to the supervisor's own environment for the child. */
	env: Record<string, string>;
	stopSignal: NodeJS.Signals;
	stopTimeoutSeconds: number;
	restart: RestartPolicy;
	backoff: BackoffConfig;
	locksDir: string;
	/** How an existing lock is judged (the component's `match` for legacy records). */
	context: JudgeContext;
	journal: Journal;
	/** Messages for the operator (stderr). */
	log: (line: string) => void;
	/** How often the lock's heartbeat (and supervisor state) is rewritten; default 3 s. */
	heartbeatMs?: number;
	/** Where the bot is started, probed and stopped; default: this OS's. */
	platform?: ProcessPlatform;
	/** The lock's heartbeat write; the seam where tests put a disk that fails (ENOSPC, EIO). */
	heartbeat?: typeof heartbeat;
}

const stopSignals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** The refusal for a lock that is not ours to take: who holds it, since when, and how to stop it. */
export function describeHolder(name: string, holder: LockInspection): string {
	const record = holder.record;
	const who = record
		? `PID ${record.pid} on ${printable(record.hostname ?? 'this host')}${record.createdAt === null ? '' : ` since ${new Date(record.createdAt).toISOString()}`}`
		: `an unreadable lock at ${printable(holder.path)}`;
	// The record is anyone's text: it reaches the operator's terminal escaped.
	const account = record?.account === null || record?.account === undefined ? null : printable(record.account);
	// The process to signal by hand: the holder, or for an orphaned supervisor's lock its child.
	const pid = holder.orphaned && record?.child ? record.child.pid : record?.pid;
	const how = holder.verdict === 'remote' || holder.verdict === 'remote-expired'
		? `stop it on ${printable(record?.hostname ?? 'its host')}`
		: account === null
			? `kill ${pid ?? '<PID>'} (SIGTERM; "fleetdeck shutdown" with no account stops the whole fleet)`
			: `fleetdeck shutdown ${account}`;
	return [
		`${name} is already running: its lock is held by ${who} (${holder.verdict}: ${printable(holder.reason)}).`,
		`Nothing was started. To stop it: ${how}; to inspect locks: fleetdeck locks`,
	].join('\n');
}

/** Node fires a timer longer than 2^31-1 ms (24.8 days) after 1 ms: SIGKILL would follow SIGTERM at once. */
const maxTimerMs = 2 ** 31 - 1;

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, Math.min(ms, maxTimerMs));
	});
}

/**
 * `work`, or `fallback` after `ms`, whichever comes first; the timer is cleared either way, so a
 * long backoff or stop timeout never keeps a finished supervisor alive.
 */
async function within<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([work, new Promise<F>(resolve => {
			timer = setTimeout(resolve, Math.min(ms, maxTimerMs), fallback);
		})]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * The `run` supervisor (DESIGN.md §6): takes the lock NAME and holds it across restarts of the
 * bot, so no second copy can slip in between two runs; heartbeats it with its state; restarts per
 * policy with backoff; gives up after a crash loop but stays (holding the lock) until told to stop;
 * on SIGTERM/SIGINT/SIGHUP stops the bot's process group gracefully, then by force, releases the
 * lock and resolves to the bot's exit status (128 + n when killed by signal n).
 */
export async function runSupervisor(options: SupervisorOptions): Promise<number> {
	const {name, account, journal, log} = options;
	const platform = options.platform ?? processPlatform();
	const commandLine = options.command.join(' ');
	// The lockfile is world-readable, so it records the command with secret options' values
	// hidden (`--password [redacted]`). Nothing reads it back for identity: a v1 record is proven
	// by its start token and its child's, never by its command.
	const recordedCommand = `fleetdeck run ${name} -- ${redactArgv(options.command).join(' ')}`;
	const acquired = await acquire(options.locksDir, name, {
		account,
		command: recordedCommand,
		child: null,
		context: options.context,
	});
	if (!acquired.acquired) {
		log(describeHolder(name, acquired.holder));
		return exitCode.lockHeld;
	}

	// Started again: a planned stop by `fleetdeck shutdown` is over, and a crash from here on is one.
	try {
		clearPlannedStop(options.locksDir, name);
	} catch (error) {
		log(`fleetdeck run ${name}: its planned-stop marker could not be removed: ${error instanceof Error ? error.message : String(error)}`);
	}

	let held: HeldLock = {pid: acquired.record.pid, startToken: acquired.record.startToken, token: acquired.record.token};
	const event = (kind: Parameters<Journal['record']>[0]['kind'], message: string, extra: {level?: 'info' | 'warn' | 'crit'; pid?: number | null; detail?: Record<string, unknown>} = {}) => {
		journal.record({kind, message, account, component: name, ...extra});
	};

	event('supervisor.started', `supervisor PID ${process.pid} started for ${name}: ${commandLine}`, {pid: process.pid});
	if (acquired.tookOver) {
		journal.record(lockClearedEvent(acquired.tookOver, `supervisor PID ${process.pid} taking it over`));
	}

	event('lock.acquired', `${name}.lock taken by supervisor PID ${process.pid} (token ${held.token})`, {pid: process.pid, detail: {fencingToken: held.token}});

	let state: SupervisorState = {state: 'starting', restarts: 0, nextStartAt: null, lastExit: null};
	let childIdentity: ChildIdentity | null = null;
	let lockLost = false;
	const beat = options.heartbeat ?? heartbeat;

	// A heartbeat that cannot be written (a full disk, an I/O error) proves nothing about who holds
	// the lock: the record on disk is the last one written, still ours, and a local lock is judged
	// by its holder's PID and start token, never by the heartbeat's age. So it is reported with its
	// cause (once per cause, on stderr and in the journal), the bot stays supervised and the write
	// is retried at the next beat; only a record naming another holder ends the hold.
	let failedBeats = 0;
	let reportedCause: string | null = null;
	const beatFailed = (cause: string) => {
		failedBeats++;
		if (cause !== reportedCause) {
			reportedCause = cause;
			log(`fleetdeck run ${name}: the heartbeat of ${name}.lock was not written (${cause}); still holding the lock and supervising the bot, retrying`);
			event('lock.heartbeat', `${name}.lock heartbeat not written by supervisor PID ${process.pid}: ${cause}; the lock is still held`, {level: 'warn', pid: process.pid, detail: {cause, failures: failedBeats}});
		}
	};

	const beatWritten = () => {
		if (failedBeats > 0) {
			log(`fleetdeck run ${name}: the heartbeat of ${name}.lock is written again (after ${failedBeats} failed)`);
			event('lock.heartbeat', `${name}.lock heartbeat written again by supervisor PID ${process.pid} after ${failedBeats} failed`, {level: 'info', pid: process.pid, detail: {failures: failedBeats}});
		}

		failedBeats = 0;
		reportedCause = null;
	};

	const causeOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
	const isOurs = (record: ParsedLock | null) => record !== null && record.pid === held.pid && record.startToken === held.startToken && record.token === held.token;

	// Writes are chained so a slow heartbeat can never land after (and undo) a newer state.
	let writes = Promise.resolve();
	const writeState = (): Promise<void> => {
		writes = writes.then(async () => {
			let ours: boolean;
			try {
				ours = await beat(options.locksDir, name, held, {child: childIdentity, supervisor: state});
			} catch (error) {
				beatFailed(causeOf(error));
				return;
			}

			if (ours) {
				beatWritten();
				lockLost = false;
				return;
			}

			// Someone removed the lock (clear-all --force) or replaced it: take it back if the name is
			// free; never take it from a live holder.
			let again: AcquireResult;
			try {
				again = await acquire(options.locksDir, name, {account, command: recordedCommand, child: childIdentity, takeOverStale: false, context: options.context});
			} catch (error) {
				beatFailed(`${name}.lock could not be checked: ${causeOf(error)}`);
				return;
			}

			if (again.acquired) {
				held = {pid: again.record.pid, startToken: again.record.startToken, token: again.record.token};
				event('lock.acquired', `${name}.lock was gone from under its supervisor; taken again (token ${held.token})`, {level: 'warn', pid: process.pid, detail: {fencingToken: held.token}});
				try {
					await beat(options.locksDir, name, held, {child: childIdentity, supervisor: state});
					beatWritten();
				} catch (error) {
					beatFailed(causeOf(error));
				}

				lockLost = false;
			} else if (again.holder.record === null || isOurs(again.holder.record)) {
				// No readable record (a read that failed, something not a lockfile at its path), or
				// one that still names us: no proof that another holder has it.
				beatFailed(`${name}.lock could not be confirmed as this supervisor's: ${again.holder.reason}`);
			} else if (!lockLost) {
				lockLost = true;
				event('lock.released', `${name}.lock is no longer held by supervisor PID ${process.pid} (now: ${again.holder.reason}); the bot is running unprotected`, {level: 'crit', pid: process.pid});
			}
		});
		return writes;
	};

	const setState = async (next: Partial<SupervisorState>): Promise<void> => {
		state = {...state, ...next};
		await writeState();
	};

	let stopRequested: NodeJS.Signals | null = null;
	let wakeOnStop: () => void = () => {};
	const stopped = new Promise<void>(resolve => {
		wakeOnStop = resolve;
	});
	const onSignal = (signal: NodeJS.Signals) => {
		if (stopRequested !== null) {
			return;
		}

		stopRequested = signal;
		event('stop.requested', `supervisor of ${name} received ${signal}: stopping`, {pid: process.pid, detail: {signal}});
		wakeOnStop();
	};

	for (const signal of stopSignals) {
		process.on(signal, onSignal);
	}

	const timer = setInterval(() => {
		void writeState();
	}, options.heartbeatMs ?? 3000);

	let history: RestartHistory = freshHistory;
	let status = 0;
	try {
		await setState({state: 'starting'});
		for (;;) {
			if (stopRequested !== null) {
				break;
			}

			const startedAt = Date.now();
			const child = startChild(options, platform, held.token);
			const exited = waitForExit(child);
			if (child.pid !== undefined) {
				const probe = await platform.probe(child.pid);
				childIdentity = {pid: child.pid, startToken: probe.state === 'alive' ? probe.startToken : null};
				event('process.started', `${name} started as PID ${child.pid}`, {pid: child.pid, detail: {command: options.command, restarts: state.restarts}});
				await setState({state: 'running', nextStartAt: null});
			}

			const outcome = await Promise.race([exited, stopped.then(() => 'stop' as const)]);
			let exit: ChildExit;
			if (outcome === 'stop') {
				exit = await stopChild(options, forwardedSignal(stopRequested ?? 'SIGTERM', options.stopSignal), platform, child, exited, event, setState);
			} else {
				exit = {...outcome, startedAt, exitedAt: Date.now()};
			}

			childIdentity = null;
			status = exitStatus(exit, constants.signals);
			const how = 'error' in exit && typeof exit.error === 'string' ? `could not start (${exit.error})` : describeExit(exit);
			event('process.exited', `${name}${child.pid === undefined ? '' : ` PID ${child.pid}`} ended: ${how}`, {
				level: stopRequested !== null || (exit.code === 0 && exit.signal === null) ? 'info' : 'warn',
				pid: child.pid ?? null,
				detail: {code: exit.code, signal: exit.signal, upSeconds: Math.round((exit.exitedAt - startedAt) / 1000)},
			});
			state = {...state, lastExit: {code: exit.code, signal: exit.signal, at: new Date(exit.exitedAt).toISOString()}};
			if (stopRequested !== null) {
				break;
			}

			const decision = decideRestart(options.restart, options.backoff, history, exit);
			if (decision.action === 'exit') {
				log(`fleetdeck run ${name}: ${decision.reason}`);
				break;
			}

			history = decision.history;
			if (decision.action === 'crash-loop') {
				// Journaled before the lock says so: whoever sees `crash-loop` in the lock finds it in the history.
				event('process.crash-loop', `${name}: ${decision.reason}; supervisor PID ${process.pid} keeps the lock until stopped`, {pid: process.pid, detail: {failures: decision.history.failures.length}});
				await setState({state: 'crash-loop', nextStartAt: null});
				log(`fleetdeck run ${name}: crash loop: ${decision.reason}. Holding the lock until stopped (fleetdeck shutdown).`);
				await stopped;
				break;
			}

			await setState({state: 'backoff', nextStartAt: new Date(Date.now() + decision.delayMs).toISOString()});
			log(`fleetdeck run ${name}: ${decision.reason}`);
			await within(stopped, decision.delayMs, undefined);
			if (stopRequested !== null) {
				break;
			}

			state = {...state, restarts: state.restarts + 1};
			event('process.restarted', `${name} restarting (restart ${state.restarts}) after ${describeExit(exit)}`, {detail: {restarts: state.restarts, delayMs: decision.delayMs}});
		}
	} finally {
		clearInterval(timer);
		for (const signal of stopSignals) {
			process.off(signal, onSignal);
		}

		await writes;
		// A release that throws (the locks directory gone unreadable) must not hide the bot's exit
		// status: its cause goes into the journal event below.
		const released = await release(options.locksDir, name, held).catch((error: unknown) => ({released: false, reason: causeOf(error)}));
		event('lock.released', released.released ? `${name}.lock released by supervisor PID ${process.pid}` : `${name}.lock not released: ${released.reason}`, {
			level: released.released ? 'info' : 'warn',
			pid: process.pid,
		});
		event('supervisor.stopped', `supervisor PID ${process.pid} of ${name} stopped (status ${status})`, {pid: process.pid, detail: {status}});
	}

	return status;
}

type RawExit = {code: number | null; signal: string | null; error?: string};

function startChild(options: SupervisorOptions, platform: ProcessPlatform, token: number): ChildProcess {
	const [file = '', ...args] = options.command;
	// Its own process group, so a stop reaches the bot's own children too, and a Ctrl-C meant
	// for the supervisor does not hit the bot before the supervisor decides.
	return platform.spawnSupervised({
		file,
		args,
		cwd: options.cwd,
		env: {
			...options.env,
			FLEETDECK_LOCK_NAME: options.name,
			FLEETDECK_LOCK_TOKEN: String(token),
			FLEETDECK_ACCOUNT: options.account ?? '',
		},
		output: 'inherit',
	});
}

function waitForExit(child: ChildProcess): Promise<RawExit> {
	return new Promise(resolve => {
		child.once('exit', (code, signal) => {
			resolve({code, signal});
		});
		child.once('error', error => {
			// Only a failed spawn emits 'error' without a later 'exit'.
			if (child.pid === undefined) {
				resolve({code: 127, signal: null, error: error.message});
			}
		});
	});
}

/**
 * The signal the bot gets when its supervisor is told to stop. SIGTERM is the request to stop
 * (what `shutdown` and `kill` send): the bot gets its own configured stop signal. SIGINT (Ctrl-C
 * at a terminal) and SIGHUP (the terminal gone) are passed on as they came, as a shell would.
 */
export function forwardedSignal(received: NodeJS.Signals, stopSignal: NodeJS.Signals): NodeJS.Signals {
	return received === 'SIGTERM' ? stopSignal : received;
}

type EventFn = (kind: 'stop.requested' | 'stop.escalated' | 'stop.confirmed', message: string, extra?: {level?: 'info' | 'warn' | 'crit'; pid?: number | null; detail?: Record<string, unknown>}) => void;

/**
 * Stop the supervisor's own child: its stop signal to the process group it leads, then after
 * `stopTimeoutSeconds` SIGKILL to that group. The child is unreaped until 'exit' fires, so its
 * PID (and group id) cannot have been reused while we signal it.
 */
async function stopChild(options: SupervisorOptions, signal: NodeJS.Signals, control: ProcessSignals, child: ChildProcess, exited: Promise<RawExit>, event: EventFn, setState: (next: Partial<SupervisorState>) => Promise<void>): Promise<ChildExit & RawExit> {
	const startedAt = Date.now();
	const pid = child.pid;
	await setState({state: 'stopping'});
	if (pid === undefined) {
		const raw = await exited;
		return {...raw, startedAt, exitedAt: Date.now()};
	}

	const timeoutMs = options.stopTimeoutSeconds * 1000;
	if (child.exitCode === null && child.signalCode === null) {
		if (control.signalGroup(pid, signal).result === 'gone') {
			// No group (yet): the child itself, still unreaped, is certainly ours.
			await control.requestStop(pid, signal);
		}

		event('stop.requested', `sent ${signal} to ${options.name} PID ${pid} (process group); waiting up to ${options.stopTimeoutSeconds} s`, {pid, detail: {signal}});
	}

	let raw = await within(exited, timeoutMs, null);
	if (raw === null) {
		event('stop.escalated', `${options.name} PID ${pid} still running after ${options.stopTimeoutSeconds} s: SIGKILL to its process group`, {pid});
		if (control.signalGroup(pid, 'SIGKILL').result === 'gone' && child.exitCode === null && child.signalCode === null) {
			await control.forceKill(pid, false);
		}

		raw = await exited;
	}

	// The bot is gone; its own children may still be finishing in its group. Give them the rest
	// of the stop timeout, then kill what is left.
	const deadline = startedAt + timeoutMs;
	while (control.groupAlive(pid) && Date.now() < deadline) {
		await sleep(100);
	}

	if (control.groupAlive(pid)) {
		event('stop.escalated', `processes left in ${options.name}'s process group ${pid}: SIGKILL`, {pid});
		control.signalGroup(pid, 'SIGKILL');
	}

	event('stop.confirmed', `${options.name} PID ${pid} stopped (${describeExit(raw)})`, {pid, detail: {code: raw.code, signal: raw.signal}});
	return {...raw, startedAt, exitedAt: Date.now()};
}
