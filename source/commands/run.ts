import process from 'node:process';
import {loadConfig, type RestartPolicy, watcherLockName} from '../runtime/config.js';
import {defaultBackoff, findComponent, runSupervisor} from '../runtime/control.js';
import {sharedDirWarning} from '../files/private-dir.js';
import {judgeContext} from '../runtime/snapshot.js';
import {openJournal, schedulePruning, warnOnStderr} from '../runtime/journal.js';
import {createLocksDir, validateLockName} from '../runtime/locks.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const help = `
	Usage
	  $ fleetdeck run NAME [--account ID] [--restart POLICY] -- CMD [ARGS…]

	Supervise one component: take its lock NAME (exit 75, naming the holder, if it is live),
	start CMD (an argv, no shell) in its own process group, restart it on failure with
	exponential backoff, give up after a crash loop (and keep the lock until stopped). SIGINT and
	SIGHUP are forwarded to the bot as they come, SIGTERM as the component's stopSignal; after
	stopTimeoutSeconds its process group is killed. Then the lock is released and run exits
	with the bot's status (128 + N when signal N ended it).
	Settings come from the config's component NAME when there is one; flags override them.
	The bot gets FLEETDECK_LOCK_NAME, FLEETDECK_LOCK_TOKEN and FLEETDECK_ACCOUNT.

	Options
	  --account ID       the account recorded in the lock (default: the component's)
	  --restart POLICY   on-failure (default), always or never
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)
`;

/** A supervisor runs for weeks: it prunes the journal once a day. */
const pruneEveryMs = 86_400_000;

const policies: readonly RestartPolicy[] = ['on-failure', 'always', 'never'];

function isPolicy(value: string): value is RestartPolicy {
	return (policies as readonly string[]).includes(value);
}

export async function runCommand(argv: string[]): Promise<number> {
	const split = argv.indexOf('--');
	const own = split === -1 ? argv : argv.slice(0, split);
	const command = split === -1 ? [] : argv.slice(split + 1);
	const cli = parseArgs(own, help, {...commonFlags, account: {type: 'string'}, restart: {type: 'string'}});
	const [name, ...extra] = cli.input;
	if (name === undefined) {
		throw new UsageError('run needs a component NAME and a command: fleetdeck run NAME -- CMD [ARGS…]');
	}

	if (extra.length > 0) {
		throw new UsageError(`run takes one NAME, got also "${extra.join(' ')}"; put the command after "--"`);
	}

	const nameProblem = validateLockName(name);
	if (nameProblem !== null) {
		throw new UsageError(`run NAME: ${nameProblem}`);
	}

	if (name.toLowerCase() === watcherLockName) {
		throw new UsageError(`run NAME: "${name}" is the lock of fleetdeck's own watcher (fleetdeck watch); choose another name`);
	}

	if (command.length === 0) {
		throw new UsageError(`run ${name} needs the command to supervise after "--": fleetdeck run ${name} -- CMD [ARGS…]`);
	}

	const restart = cli.flags.restart;
	if (restart !== undefined && !isPolicy(restart)) {
		throw new UsageError(`--restart expects one of ${policies.join(', ')}, got "${restart}"`);
	}

	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	const component = findComponent(config, name);
	// Launched, this supervisor's own output is the log in that directory.
	const logsWarning = sharedDirWarning(config.logsDir, 'logs directory');
	if (logsWarning !== null) {
		process.stderr.write(`fleetdeck: ${logsWarning}\n`);
	}

	// The first run on a fresh checkout creates the locks directory rather than failing.
	createLocksDir(config.locksDir);
	const journal = openJournal(config.journal, {retentionDays: config.journalRetention, onWarning: warnOnStderr});
	// Not at once, and not all together: a fleet's supervisors start together at boot, and the bot comes first.
	const stopPruning = schedulePruning(journal, {everyMs: pruneEveryMs, firstAfterMs: 60_000 + Math.random() * 3_600_000});
	try {
		return await runSupervisor({
			name,
			account: cli.flags.account ?? component?.account ?? null,
			command,
			cwd: component?.cwd ?? process.cwd(),
			env: component?.env ?? {},
			stopSignal: component?.stopSignal ?? 'SIGTERM',
			stopTimeoutSeconds: component?.stopTimeoutSeconds ?? 30,
			restart: restart ?? component?.restart ?? 'on-failure',
			backoff: component?.backoff ?? defaultBackoff,
			locksDir: config.locksDir,
			context: judgeContext(config),
			journal,
			log: line => {
				process.stderr.write(`${line}\n`);
			},
		});
	} finally {
		stopPruning();
		journal.close();
	}
}
