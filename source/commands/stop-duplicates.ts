import process from 'node:process';
import {loadConfig} from '../runtime/config.js';
import {runStopAction} from './action.js';
import {commonFlags, parseArgs, stopTimeoutFlag} from './args.js';

const help = `
	Usage
	  $ fleetdeck stop-duplicates [ACCOUNT…] [--yes] [--timeout S]

	For each component of the named (or all) accounts with more than one running copy: keep the
	copy holding the lock (or, with no live lock, the oldest) and stop the others, the same safe
	way as shutdown. Open trades are not touched; fleetdeck never contacts the broker.

	Options
	  --yes              do not ask (required when there is no terminal)
	  --timeout S        seconds to wait for each graceful stop
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)
`;

export async function stopDuplicatesCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {...commonFlags, yes: {type: 'boolean'}, timeout: {type: 'number'}});
	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	return runStopAction('stop-duplicates', config, {accounts: cli.input, yes: cli.flags.yes === true, timeoutSeconds: stopTimeoutFlag(cli.flags.timeout, 'timeout')});
}
