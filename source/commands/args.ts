import meow, {type AnyFlags, type Result} from 'meow';
import {numberLimits} from '../runtime/config.js';

/** Bad command-line usage: exit 64 (EX_USAGE), message only, no stack trace. */
export class UsageError extends Error {}

/**
 * `--help` (or `-h`) was given: the CLI prints `help` on stdout and exits 0, and the command does
 * nothing else. Thrown from `parseArgs`, before a command has loaded a config or touched a lock:
 * `locks clear-stale --help` once removed a stale lock instead of explaining itself.
 */
export class HelpRequested extends Error {
	constructor(readonly help: string) {
		super('help requested');
	}
}

export const commonFlags = {
	config: {type: 'string'},
	locksDir: {type: 'string'},
} as const satisfies AnyFlags;

function knownFlagNames(flags: AnyFlags): Set<string> {
	const names = new Set(['help', 'h', 'version']);
	for (const [name, flag] of Object.entries(flags)) {
		names.add(name);
		if (flag.shortFlag) {
			names.add(flag.shortFlag);
		}

		for (const alias of flag.aliases ?? []) {
			names.add(alias);
		}
	}

	return names;
}

/**
 * Run `parse` with `process.title` pinned. meow assigns `process.title`, which on Linux overwrites
 * the process's argv in /proc/<pid>/cmdline; a `fleetdeck run` supervisor's argv must keep the
 * bot's command, because that is how the deck counts the supervisor and its bot as one instance
 * (DESIGN.md §5), and every fleetdeck process should stay recognisable in `ps`.
 */
function keepingArgv<T>(parse: () => T): T {
	const descriptor = Object.getOwnPropertyDescriptor(process, 'title');
	const title = process.title;
	Object.defineProperty(process, 'title', {configurable: true, enumerable: true, get: () => title, set: () => {}});
	try {
		return parse();
	} finally {
		if (descriptor) {
			Object.defineProperty(process, 'title', descriptor);
		}
	}
}

/** How a flag is typed on the command line: `locksDir` is `--locks-dir`, `y` is `-y`. */
function spelled(name: string): string {
	return name.length === 1 ? `-${name}` : `--${name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`;
}

/**
 * meow with three changes: an unknown flag is a usage error (exit 64), where meow itself would
 * exit 2, which a monitoring system reads as CRITICAL; so is a flag missing its value; and the
 * process keeps its argv (see keepingArgv).
 */
export function parseArgs<Flags extends AnyFlags>(argv: string[], help: string, flags: Flags): Result<Flags> {
	// meow's own autoHelp answers only a lone `--help`, and by exiting the process from inside the
	// parse; declared as a boolean here, `-h clear-stale` cannot swallow the next word as its value.
	const withHelp = {...flags, help: {type: 'boolean', shortFlag: 'h'}} as const satisfies AnyFlags;
	const cli = keepingArgv(() => meow(help, {importMeta: import.meta, argv, flags: withHelp, allowUnknownFlags: true, booleanDefault: undefined, autoHelp: false})) as unknown as Result<Flags>;
	// Help wins over everything else on the line, a bad flag included: asking is never an error.
	if (cli.unnormalizedFlags['help'] === true) {
		throw new HelpRequested(cli.help);
	}

	const known = knownFlagNames(flags);
	const unknown = Object.keys(cli.unnormalizedFlags).filter(name => !known.has(name) && !known.has(name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())));
	if (unknown.length > 0) {
		throw new UsageError(`unknown flag ${unknown.map(name => spelled(name)).join(', ')}; see --help`);
	}

	// `--locks-dir` at the end of the line parses as "": that must not quietly mean the current directory.
	for (const [name, flag] of Object.entries(flags)) {
		const value: unknown = (cli.flags as Record<string, unknown>)[name];
		if (flag.type === 'string' && (value === '' || (Array.isArray(value) && value.includes('')))) {
			throw new UsageError(`${spelled(name)} expects a value; see --help`);
		}
	}

	return cli;
}

/**
 * A stop timeout from a flag (`--timeout S`), within the config's own bounds for
 * `stopTimeoutSeconds`, or a usage error naming the flag and the limit: Node fires a timer of
 * more than 2^31-1 ms (24.8 days) after 1 ms, which would turn a long graceful stop into SIGKILL.
 */
export function stopTimeoutFlag(value: number | undefined, flag: string): number | undefined {
	const {min, max, maxWords} = numberLimits.stopTimeoutSeconds;
	if (value !== undefined && (!Number.isFinite(value) || value < min || value > max)) {
		throw new UsageError(`--${flag} expects a number of seconds from ${min} to ${max} (${maxWords}), got ${value}`);
	}

	return value;
}
