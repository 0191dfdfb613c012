import process from 'node:process';
import {loadConfig, watcherLockName} from '../runtime/config.js';
import {configLoadedEvent, type NewEvent, openJournal, schedulePruning, warnOnStderr} from '../runtime/journal.js';
import {createLocksDir} from '../runtime/locks.js';
import {defaultPorts} from '../runtime/default-ports.js';
import {watchFleet} from '../runtime/fleet-watcher.js';
import type {Standing} from '../runtime/writer-election.js';
import {printable} from '../text/printable.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const help = `
	Usage
	  $ fleetdeck watch [--config FILE] [--locks-dir DIR]

	Keep the fleet's history with no deck open: read the fleet every pollSeconds and journal
	what changed (duplicates seen and resolved, locks turning stale, broker health changes, position
	drift, health samples), so "fleetdeck history" and "fleetdeck report" are complete. At start it
	records the state it finds (a duplicate already running, a stale lock, a health level other
	than ok) once. Headless and long-running: start it at logon beside the fleet (README, "Keeping
	history without a deck"). It never starts, stops or signals anything, and never clears a bot's lock.

	One writer at a time: the process holding ${watcherLockName}.lock in the locks directory
	journals; a deck journals only while it holds it. A second watcher, or one started while a
	deck holds the lock, waits as a standby and takes over when the holder stops (a holder killed
	outright leaves a stale lock, which is taken over on proof that it is gone).
	Journaled changes are printed on stdout, one a line; messages go to stderr.
	SIGINT, SIGTERM and SIGHUP stop it: the lock is released and it exits 0.

	Options
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks); created if missing
`;

/** A watcher runs for weeks: it prunes the journal once a day, like a `run` supervisor. */
const pruneEveryMs = 86_400_000;

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function describeStanding(standing: Standing): string {
	if (standing.writer) {
		return `holding ${watcherLockName}.lock: journaling the fleet's changes`;
	}

	const record = standing.holder?.record;
	const who = record ? `PID ${record.pid} on ${record.hostname ?? 'this host'}` : null;
	return who === null
		? `not journaling: ${standing.why}; trying again every poll`
		: `standing by: ${watcherLockName}.lock is held by ${who} (${standing.holder?.verdict ?? 'unknown'}), which journals the fleet's changes; taking over when it stops`;
}

function eventLine(event: NewEvent): string {
	const where = [event.account, event.component].filter(part => part !== null && part !== undefined).join('/');
	return `${new Date().toISOString()} ${event.kind}${where === '' ? '' : ` ${printable(where)}`} ${printable(event.message)}\n`;
}

export async function watchCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {...commonFlags});
	if (cli.input.length > 0) {
		throw new UsageError(`watch takes no arguments, got "${cli.input.join(' ')}"; see --help`);
	}

	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	// Started at logon, possibly before any bot has run: the lock it elects with needs the directory.
	createLocksDir(config.locksDir);
	const journal = openJournal(config.journal, {retentionDays: config.journalRetention, onWarning: warnOnStderr});
	journal.record(configLoadedEvent(config, 'the watcher'));
	const stopPruning = schedulePruning(journal, {everyMs: pruneEveryMs, firstAfterMs: 60_000 + Math.random() * 3_600_000});
	const stop = new AbortController();
	const onSignal = () => {
		stop.abort();
	};

	for (const signal of stopSignals) {
		process.on(signal, onSignal);
	}

	process.stderr.write(`fleetdeck watch: PID ${process.pid}, every ${config.pollSeconds} s, journal ${journal.path}\n`);
	try {
		await watchFleet({
			config,
			ports: defaultPorts(config, journal),
			signal: stop.signal,
			onRecorded: event => process.stdout.write(eventLine(event)),
			onStanding: standing => process.stderr.write(`fleetdeck watch: ${describeStanding(standing)}\n`),
			onWarning: warnOnStderr,
		});
	} finally {
		for (const signal of stopSignals) {
			process.off(signal, onSignal);
		}

		stopPruning();
		journal.close();
	}

	process.stderr.write('fleetdeck watch: stopped\n');
	return 0;
}
