import process from 'node:process';
import {loadConfig} from '../runtime/config.js';
import {runStopAction} from './action.js';
import {commonFlags, parseArgs, stopTimeoutFlag} from './args.js';

const help = `
	Usage
	  $ fleetdeck shutdown [ACCOUNT…] [--yes] [--timeout S]

	SAFE_SHUTDOWN: stop every copy of every component of the named accounts (all of them, and
	the services, when none is named): brains first, then watchdogs, then services. Each process
	is re-verified (PID and start token) immediately before every signal; a graceful stop, then
	after the timeout a forced kill; its lock is removed if it was left behind.
	Open trades are not touched; fleetdeck never contacts the broker.

	Options
	  --yes              do not ask (required when there is no terminal)
	  --timeout S        seconds to wait for each graceful stop (default: the component's stopTimeoutSeconds)
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)

	Exit codes: 0 every target confirmed gone, 1 otherwise, 64 usage (or no --yes without a terminal).
`;

export async function shutdownCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {...commonFlags, yes: {type: 'boolean'}, timeout: {type: 'number'}});
	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	return runStopAction('shutdown', config, {accounts: cli.input, yes: cli.flags.yes === true, timeoutSeconds: stopTimeoutFlag(cli.flags.timeout, 'timeout')});
}
