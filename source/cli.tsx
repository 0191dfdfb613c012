#!/usr/bin/env node
import process from 'node:process';
import {ConfigError, loadConfig} from './config/index.js';
import {commonFlags, parseArgs, UsageError} from './commands/args.js';
import {historyCommand, reportCommand} from './commands/journal.js';
import {runDeck} from './commands/deck.js';
import {locksCommand} from './commands/locks.js';
import {launchCommand} from './commands/launch.js';
import {runCommand} from './commands/run.js';
import {shutdownCommand} from './commands/shutdown.js';
import {stopDuplicatesCommand} from './commands/stop-duplicates.js';
import {parseFormat, runOnce} from './commands/status.js';

const help = `
	Usage
	  $ fleetdeck                      the live control deck (a TTY), else the --once table
	  $ fleetdeck --once [--json]      print the fleet snapshot and exit with its level
	  $ fleetdeck locks …              list locks, clear stale ones
	  $ fleetdeck run NAME -- CMD …    supervise one component under its lock
	  $ fleetdeck launch [ACCOUNT …]   start what is not running (services, watchdogs, brains)
	  $ fleetdeck shutdown [ACCOUNT …] stop brains, then watchdogs, then services; trades untouched
	  $ fleetdeck stop-duplicates      keep the lock holder, stop the other copies
	  $ fleetdeck history              what happened (locks, restarts, stops, health, drift)
	  $ fleetdeck report               per component restarts, crash loops, downtime

	Each command has its own --help.

	Options
	  --once             print the snapshot once and exit: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN
	  --json             the snapshot as JSON (docs/snapshot.md); implies --once
	  --format FORMAT    text or json; implies --once
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)
	  --no-color         no colours in the deck (NO_COLOR=1 does the same)
	  --version          print the version
	  --help             print this help

	Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 64 usage or config error,
	75 lock held by someone else.
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, Command> = {
	locks: locksCommand,
	run: runCommand,
	launch: launchCommand,
	shutdown: shutdownCommand,
	'stop-duplicates': stopDuplicatesCommand,
	history: historyCommand,
	report: reportCommand,
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
		return runDeck(config, {noColor: !cli.flags.color});
	}

	if (!cli.flags.once && !cli.flags.json && cli.flags.format === undefined) {
		process.stderr.write('fleetdeck: no terminal here, printing the snapshot once (use --once to say so)\n');
	}

	return runOnce(config, format);
}

async function main(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	const command = first === undefined ? undefined : commands[first];
	try {
		return await (command ? command(rest) : statusCommand(argv));
	} catch (error) {
		if (error instanceof UsageError || error instanceof ConfigError) {
			process.stderr.write(`fleetdeck: ${error.message}\n`);
			return 64;
		}

		process.stderr.write(`fleetdeck: ${error instanceof Error ? error.message : String(error)}\n`);
		if (process.env['FLEETDECK_DEBUG'] && error instanceof Error) {
			process.stderr.write(`${error.stack ?? ''}\n`);
		}

		// Nothing was verified: for a monitoring caller that is UNKNOWN.
		return 3;
	}
}

process.exitCode = await main(process.argv.slice(2));
// A pending action's promise or a poller's socket must not keep a finished command alive; the
// grace lets piped output drain where writes are asynchronous.
setTimeout(() => process.exit(), 1000).unref();
