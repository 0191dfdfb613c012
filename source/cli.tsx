#!/usr/bin/env node
import {existsSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {ConfigError, loadConfig} from './config/index.js';
import {commonFlags, HelpRequested, parseArgs, UsageError} from './commands/args.js';
import {parseFormat, runOnce} from './commands/status.js';
import {exitCode} from './exit-codes.js';

const help = `
	Usage
	  $ fleetdeck                      the live control deck (a TTY), else the --once table
	  $ fleetdeck --once [--json]      print the fleet snapshot and exit with its level
	  $ fleetdeck demo                 a staged demo fleet in a temporary directory, in the deck
	  $ fleetdeck locks …              list locks, clear stale ones
	  $ fleetdeck run NAME -- CMD …    supervise one component under its lock
	  $ fleetdeck launch [ACCOUNT …]   start what is not running (services, watchdogs, brains)
	  $ fleetdeck shutdown [ACCOUNT …] stop brains, then watchdogs, then services; trades untouched
	  $ fleetdeck stop-duplicates      keep the lock holder, stop the other copies
	  $ fleetdeck watch                journal the fleet's changes with no deck open (start at logon)
	  $ fleetdeck history              what happened (locks, restarts, stops, health, drift)
	  $ fleetdeck report               per component restarts, crash loops, downtime
	  $ fleetdeck config check         validate the config, list what would be watched
	  $ fleetdeck config schema        print the config's JSON Schema (for editors)

	Each command has its own --help.

	Options
	  --once             print the snapshot once and exit: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN
	  --json             the snapshot as JSON (docs/snapshot.md); implies --once
	  --format FORMAT    text, json or prometheus (node_exporter textfile); implies --once
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)
	  --no-color         no colours in the deck (NO_COLOR=1 does the same)
	  --version          print the version
	  --help, -h         print this help

	Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 64 usage or config error,
	75 lock held by someone else.
`;

type Command = (argv: string[]) => Promise<number>;

/**
 * Each command is loaded when it is run: a `fleetdeck run` supervisor (one per component, started
 * by every launch) then starts without loading the deck's Ink and React.
 */
const commands: Record<string, () => Promise<Command>> = {
	locks: async () => (await import('./commands/locks.js')).locksCommand,
	run: async () => (await import('./commands/run.js')).runCommand,
	launch: async () => (await import('./commands/launch.js')).launchCommand,
	shutdown: async () => (await import('./commands/shutdown.js')).shutdownCommand,
	'stop-duplicates': async () => (await import('./commands/stop-duplicates.js')).stopDuplicatesCommand,
	history: async () => (await import('./commands/journal.js')).historyCommand,
	report: async () => (await import('./commands/journal.js')).reportCommand,
	watch: async () => (await import('./commands/watch.js')).watchCommand,
	demo: async () => (await import('./commands/demo.js')).demoCommand,
	config: async () => (await import('./commands/config.js')).configCommand,
};

async function statusCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {
		...commonFlags,
		once: {type: 'boolean'},
		json: {type: 'boolean'},
		format: {type: 'string'},
		color: {type: 'boolean', default: true},
	});
	if (cli.input.length > 0) {
		throw new UsageError(`unknown command "${cli.input[0]}"; commands: ${Object.keys(commands).join(', ')}`);
	}

	const format = parseFormat(cli.flags.format, cli.flags.json);
	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	const interactive = !cli.flags.once && !cli.flags.json && cli.flags.format === undefined && process.stdin.isTTY && process.stdout.isTTY;
	if (interactive) {
		const {runDeck} = await import('./commands/deck.js');
		return runDeck(config, {noColor: !cli.flags.color});
	}

	if (!cli.flags.once && !cli.flags.json && cli.flags.format === undefined) {
		process.stderr.write('fleetdeck: no terminal here, printing the snapshot once (use --once to say so)\n');
	}

	return runOnce(config, format);
}

/**
 * A refused config goes to the journal its file would use by default, when that journal already
 * exists: the operator asks afterwards why the deck would not start, and nothing is created for it.
 */
async function journalRejection(error: ConfigError): Promise<void> {
	const file = path.join(path.dirname(error.file), '.fleetdeck', 'journal.db');
	if (existsSync(file)) {
		// Loaded only here: SQLite is not needed to print a snapshot.
		const {configRejectedEvent, openJournal} = await import('./journal/index.js');
		const journal = openJournal(file);
		journal.record(configRejectedEvent(error.file, `${error.path}: ${error.expected}`));
		journal.close();
	}
}

async function main(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	const load = first === undefined ? undefined : commands[first];
	try {
		return await (load ? (await load())(rest) : statusCommand(argv));
	} catch (error) {
		if (error instanceof HelpRequested) {
			process.stdout.write(error.help);
			return exitCode.ok;
		}

		if (error instanceof ConfigError) {
			await journalRejection(error);
		}

		if (error instanceof UsageError || error instanceof ConfigError) {
			process.stderr.write(`fleetdeck: ${error.message}\n`);
			return exitCode.usage;
		}

		process.stderr.write(`fleetdeck: ${error instanceof Error ? error.message : String(error)}\n`);
		if (process.env['FLEETDECK_DEBUG'] && error instanceof Error) {
			process.stderr.write(`${error.stack ?? ''}\n`);
		}

		// Nothing was verified: for a monitoring caller that is UNKNOWN.
		return exitCode.unknown;
	}
}

/**
 * `fleetdeck history | head` closes the pipe before all is written: that is the reader being done,
 * not an error worth a stack trace. The command goes on to its end instead: a `run` supervisor or a
 * shutdown half done must never stop because nobody reads its output any more.
 */
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') {
			throw error;
		}
	});
}

/** Resolves once everything written to `stream` so far has reached the OS (or the reader left). */
async function drained(stream: NodeJS.WriteStream): Promise<void> {
	if (stream.destroyed || !stream.writable) {
		return;
	}

	await new Promise<void>(resolve => {
		stream.write('', () => {
			resolve();
		});
	});
}

process.exitCode = await main(process.argv.slice(2));
// Pipes are asynchronous on POSIX: a slow reader (`| python3 …`) must get the whole output before
// the exit below, so wait for it, however long the reader takes.
await drained(process.stdout);
await drained(process.stderr);
// A pending action's promise or a poller's socket must not keep a finished command alive.
setTimeout(() => process.exit(), 1000).unref();
