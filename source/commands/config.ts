import process from 'node:process';
import {configJsonSchema, describeConfig, loadConfig} from '../runtime/config.js';
import {exitCode} from '../exit-codes.js';
import {configProblem} from '../runtime/snapshot.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const help = `
	Usage
	  $ fleetdeck config schema            print the JSON Schema of fleetdeck.config.json
	  $ fleetdeck config check [--config FILE]
	                                       validate the config and list what fleetdeck would watch

	check reads ./fleetdeck.config.json, or --config FILE. It exits 0 when the config is valid and
	64 when it is not, naming the file, the field and what was expected. Secrets (passwords,
	tokens, keys) are never printed.
`;

/** The JSON Schema as committed in schema/fleetdeck.config.schema.json (tab-indented, final line feed). */
export function configSchemaText(): string {
	return `${JSON.stringify(configJsonSchema(), null, '\t')}\n`;
}

/** `fleetdeck config schema|check`. A bad config throws ConfigError, which the CLI turns into exit 64. */
export async function configCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {config: commonFlags.config});
	const [action, ...extra] = cli.input;
	if (extra.length > 0) {
		throw new UsageError(`config ${action ?? ''} takes no arguments, got "${extra.join(' ')}"; see fleetdeck config --help`);
	}

	switch (action) {
		case 'schema': {
			if (cli.flags.config !== undefined) {
				throw new UsageError('config schema takes no --config');
			}

			process.stdout.write(configSchemaText());
			return exitCode.ok;
		}

		case 'check': {
			const config = loadConfig({config: cli.flags.config, cwd: process.cwd()});
			process.stdout.write(`${describeConfig(config)}\n`);
			process.stdout.write(config.file === null ? 'no config file: nothing to validate\n' : 'config is valid\n');
			// Valid, but not safe to obey if someone else can change it: said, not refused.
			const untrusted = configProblem(config, process.getuid?.() ?? null);
			if (untrusted !== null) {
				process.stderr.write(`fleetdeck: warning: ${untrusted.message}\n`);
			}

			return exitCode.ok;
		}

		default: {
			throw new UsageError(action === undefined ? 'config needs an action: schema or check' : `unknown config action "${action}"; expected schema or check`);
		}
	}
}
