import process from 'node:process';
import {loadConfig} from '../runtime/config.js';
import {formatLaunchTable, skipRefuses} from '../runtime/control.js';
import {exitCode} from '../exit-codes.js';
import {sharedDirWarning} from '../files/private-dir.js';
import {scopeFor, withController} from './action.js';
import {commonFlags, parseArgs} from './args.js';

const help = `
	Usage
	  $ fleetdeck launch [ACCOUNT…] [--dry-run]

	MASTER_LAUNCH: start every enabled component of the named (or all) accounts, and the services
	when no account is named, that is not already running: each under its own detached
	"fleetdeck run" supervisor (output appended to logsDir/<NAME>.log). Services first, then
	watchdogs, then brains, each waited for until its lock is live. Each role group is then
	watched for launchSettleSeconds (config, default 5; 0: no watch), its windows overlapping,
	before the next group starts: a bot that exits within it (a missing script, a bad import) is
	reported failed with the last lines of its log. A component with a duplicate or an unlocked
	copy running is refused, naming the PIDs to deal with.

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

	const scope = await scopeFor(config, cli.input);
	return withController(config, {}, async controller => {
		const plan = await controller.plan('launch', scope);
		const refused = plan.steps.some(step => step.kind === 'skip' && skipRefuses(step));
		if (cli.flags.dryRun) {
			process.stdout.write(`${formatLaunchTable(plan, null)}\n(dry run: nothing was started)\n`);
			return refused ? exitCode.failed : exitCode.ok;
		}

		const result = await controller.execute(plan, progress => {
			if (progress.status === 'waiting') {
				process.stderr.write(`  … ${progress.message}\n`);
			}
		});
		process.stdout.write(`${formatLaunchTable(plan, result)}\n`);
		return result.ok ? exitCode.ok : exitCode.failed;
	});
}
