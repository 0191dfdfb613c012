import process from 'node:process';
import {loadConfig} from '../config/index.js';
import {ActionUsageError, scopeFor, withController} from '../control/cli-action.js';
import {formatLaunchTable} from '../control/format.js';
import {sharedDirWarning} from '../files/private-dir.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const help = `
	Usage
	  $ fleetdeck launch [ACCOUNT…] [--dry-run]

	MASTER_LAUNCH: start every enabled component of the named (or all) accounts, and the services
	when no account is named, that is not already running: each under its own detached
	"fleetdeck run" supervisor (output appended to logsDir/<NAME>.log). Services first, then
	watchdogs, then brains, each waited for until its lock is live. A component with a duplicate
	or an unlocked copy running is refused, naming the PIDs to deal with.

	Options
	  --dry-run          show what would be started, start nothing
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)

	Exit codes: 0 nothing failed or was refused, 1 otherwise, 64 usage or unknown account.
`;

export async function launchCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {...commonFlags, dryRun: {type: 'boolean'}});
	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	const logsWarning = sharedDirWarning(config.logsDir, 'logs directory');
	if (logsWarning !== null) {
		process.stderr.write(`fleetdeck: ${logsWarning}\n`);
	}

	let scope;
	try {
		scope = await scopeFor(config, cli.input);
	} catch (error) {
		throw error instanceof ActionUsageError ? new UsageError(error.message) : error;
	}

	return withController(config, {}, async controller => {
		const plan = await controller.plan('launch', scope);
		const refused = plan.steps.some(step => step.kind === 'skip' && step.refused);
		if (cli.flags.dryRun) {
			process.stdout.write(`${formatLaunchTable(plan, null)}\n(dry run: nothing was started)\n`);
			return refused ? 1 : 0;
		}

		const result = await controller.execute(plan, progress => {
			if (progress.status === 'waiting') {
				process.stderr.write(`  … ${progress.message}\n`);
			}
		});
		process.stdout.write(`${formatLaunchTable(plan, result)}\n`);
		return result.ok ? 0 : 1;
	});
}
