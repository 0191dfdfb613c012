import meow, {type AnyFlags, type Result} from 'meow';

/** Bad command-line usage: exit 64 (EX_USAGE), message only, no stack trace. */
export class UsageError extends Error {}

export const commonFlags = {
	config: {type: 'string'},
	locksDir: {type: 'string'},
} as const satisfies AnyFlags;

function knownFlagNames(flags: AnyFlags): Set<string> {
	const names = new Set(['help', 'version']);
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
 * meow with one change: an unknown flag is a usage error (exit 64), where meow itself would exit 2,
 * which a monitoring system reads as CRITICAL.
 */
export function parseArgs<Flags extends AnyFlags>(argv: string[], help: string, flags: Flags): Result<Flags> {
	const cli = meow(help, {importMeta: import.meta, argv, flags, allowUnknownFlags: true, booleanDefault: undefined});
	const known = knownFlagNames(flags);
	const unknown = Object.keys(cli.unnormalizedFlags).filter(name => !known.has(name) && !known.has(name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())));
	if (unknown.length > 0) {
		throw new UsageError(`unknown flag ${unknown.map(name => (name.length === 1 ? `-${name}` : `--${name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`)).join(', ')}; see --help`);
	}

	return cli;
}

/** A positive number from a flag, or a usage error naming the flag. */
export function positiveNumber(value: number | undefined, flag: string): number | undefined {
	if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
		throw new UsageError(`--${flag} expects a positive number of seconds, got ${value}`);
	}

	return value;
}
