import * as z from 'zod';
import {matchedCommandLineChars, tryCompileMatch} from '../procs/matcher.js';
import {formatPath} from './errors.js';

/**
 * The zod schema of `fleetdeck.config.json` as written (DESIGN.md §3). It describes the *input*:
 * static defaults are filled in here, while what depends on where the file lives or on other
 * fields (absolute paths, the broker's poll interval, the account of a component) is done by
 * `resolve.ts`. Error texts are the part after "expected" in `file: path: expected …`.
 */

/** Lock NAME rules (docs/lock-protocol.md): also used for account ids, which appear in lock records. */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The lock `fleetdeck watch` (or a deck standing in for it) holds while it journals the fleet's
 * changes (runtime/writer-election.ts). Lowercase with a hyphen and fleetdeck's own prefix, where
 * the operator's components are named like BRAIN_ATLAS and quantum_server; a config naming a
 * component so is refused below, so the two can never share a lockfile.
 */
export const watcherLockName = 'fleetdeck-watch';

/** Signal names a stop may use; a fixed list so a config checks the same on every platform. */
export const signalNames = [
	'SIGABRT', 'SIGALRM', 'SIGBREAK', 'SIGBUS', 'SIGCHLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINFO',
	'SIGINT', 'SIGIO', 'SIGIOT', 'SIGKILL', 'SIGLOST', 'SIGPIPE', 'SIGPOLL', 'SIGPROF', 'SIGPWR', 'SIGQUIT',
	'SIGSEGV', 'SIGSTKFLT', 'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG',
	'SIGUSR1', 'SIGUSR2', 'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ',
] as const satisfies readonly NodeJS.Signals[];

/** Defaults shared with `defaultConfig` (running without a config file). */
export const defaults = {
	locksDir: '.locks',
	logsDir: 'logs',
	journal: '.fleetdeck/journal.db',
	pollSeconds: 2,
	httpTimeoutSeconds: 5,
	launchSettleSeconds: 5,
	journalRetention: {eventsDays: 90, samplesDays: 7},
} as const;

const argvExample = 'array of strings (argv), e.g. ["python", "bot.py"]';
const argvExpected = `an ${argvExample}`;

const name = z
	.string()
	.regex(namePattern, {error: 'a name of 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit'})
	// A component's name is its lock NAME, which must not contain ".." (docs/lock-protocol.md §1).
	// (Checked only once the pattern holds, so one bad name is one error.)
	.refine((value) => !namePattern.test(value) || !value.includes('..'), {error: 'a name without ".." (it names a lock file)'});

/** The range a config number may take; `maxWords` says the upper bound as an operator reads it. */
export interface NumberLimit {
	min: number;
	max: number;
	maxWords: string;
	/** Whole numbers only (counts). */
	integer?: boolean;
}

const oneDay = 86_400;

/**
 * The range of every duration and count in the config (README "Limits"). An upper bound turns a
 * slip (milliseconds written as seconds, an extra zero) into an error instead of a timer Node
 * cannot hold: a delay over 2^31-1 ms (24.8 days) fires after 1 ms, so a `stopTimeoutSeconds` of
 * 30 days sent SIGKILL 1 ms after SIGTERM. A lower bound keeps a poll or a timeout from spinning,
 * and a remote lock from expiring between two heartbeats (every 3 s) of a live holder.
 */
export const numberLimits = {
	pollSeconds: {min: 0.1, max: 3600, maxWords: 'one hour'},
	remoteLockExpirySeconds: {min: 60, max: 7 * oneDay, maxWords: 'one week'},
	eventsDays: {min: 1, max: 3650, maxWords: 'ten years'},
	samplesDays: {min: 1, max: 365, maxWords: 'one year'},
	stopTimeoutSeconds: {min: 0.1, max: oneDay, maxWords: 'one day'},
	launchSettleSeconds: {min: 0, max: 300, maxWords: 'five minutes'},
	backoffSeconds: {min: 0.1, max: oneDay, maxWords: 'one day'},
	backoffFactor: {min: 1, max: 10, maxWords: 'ten times the previous delay'},
	crashLoopFailures: {min: 1, max: 1000, maxWords: 'a thousand', integer: true},
	httpTimeoutSeconds: {min: 0.1, max: 300, maxWords: 'five minutes'},
	sessionAgeSeconds: {min: 1, max: 30 * oneDay, maxWords: 'thirty days'},
	maxSyncAgeSeconds: {min: 1, max: oneDay, maxWords: 'one day'},
	maxPingMs: {min: 1, max: 60_000, maxWords: 'one minute'},
	positionStaleSeconds: {min: 1, max: 365 * oneDay, maxWords: 'one year'},
	driftPersistPolls: {min: 1, max: 100, maxWords: 'a hundred polls', integer: true},
	duplicateTradeWindowSeconds: {min: 1, max: oneDay, maxWords: 'one day'},
} as const satisfies Record<string, NumberLimit>;

/** A number within `limit`; the error names the bound and what was found ("at most 86400 (one day), got 2592000"). */
function bounded(limit: NumberLimit) {
	const base = limit.integer ? z.int() : z.number();
	return base
		.min(limit.min, {error: (issue) => `at least ${limit.min}, got ${String(issue.input)}`})
		.max(limit.max, {error: (issue) => `at most ${limit.max} (${limit.maxWords}), got ${String(issue.input)}`});
}

const match = z
	.string()
	.meta({
		description: `Regular expression (RE2 syntax: no lookarounds or backreferences) tested against each process command line `
			+ `(its first ${matchedCommandLineChars} characters); its processes are this component's.`,
	})
	.superRefine((source, context) => {
		const compiled = tryCompileMatch(source);
		if (!compiled.ok) {
			context.addIssue({code: 'custom', message: compiled.expected});
		} else if (compiled.matcher.test('')) {
			// A pattern that matches the empty string matches every process on the host, and
			// shutdown would then signal processes that are not this bot's.
			context.addIssue({code: 'custom', message: 'a pattern that does not match every command line (it matches the empty string)'});
		}
	});

const httpUrl = z
	.string()
	.refine((text) => {
		try {
			const url = new URL(text);
			return url.protocol === 'http:' || url.protocol === 'https:';
		} catch {
			return false;
		}
	}, {error: 'an http:// or https:// URL'})
	.meta({format: 'uri', pattern: '^https?://'});

const backoffSchema = z
	.strictObject({
		initialSeconds: bounded(numberLimits.backoffSeconds).default(1),
		maxSeconds: bounded(numberLimits.backoffSeconds).default(60),
		factor: bounded(numberLimits.backoffFactor).default(2),
		resetAfterSeconds: bounded(numberLimits.backoffSeconds).default(60),
		crashLoopFailures: bounded(numberLimits.crashLoopFailures).default(5),
		crashLoopWindowSeconds: bounded(numberLimits.backoffSeconds).default(300),
	})
	.superRefine((backoff, context) => {
		if (backoff.maxSeconds < backoff.initialSeconds) {
			context.addIssue({code: 'custom', path: ['maxSeconds'], message: `a number >= initialSeconds (${backoff.initialSeconds})`});
		}
	});

function signalExpected(issue: {input?: unknown}): string {
	const prefixed = typeof issue.input === 'string' ? `SIG${issue.input.toUpperCase()}` : '';
	const hint = (signalNames as readonly string[]).includes(prefixed) ? ` (did you mean "${prefixed}"?)` : '';
	return `a signal name such as "SIGTERM" or "SIGINT"${hint}`;
}

const componentFields = {
	name,
	command: z
		.array(z.string().min(1), {
			error: (issue) => (issue.code === 'invalid_type' ? `${argvExpected}${issue.input === undefined ? ' (required)' : ''}` : undefined),
		})
		.min(1, {error: `a non-empty ${argvExample}`})
		.meta({description: 'The program and its arguments (argv); never a shell string.'}),
	match,
	cwd: z.string().min(1).optional().meta({description: 'Working directory, relative to the config file. Default: the config file\'s directory.'}),
	env: z.record(z.string().regex(/^[^=\0]+$/, {error: 'an environment variable name without "="'}), z.string()).default({}),
	stopSignal: z.enum(signalNames, {error: signalExpected}).default('SIGTERM'),
	stopTimeoutSeconds: bounded(numberLimits.stopTimeoutSeconds).default(30),
	restart: z.enum(['on-failure', 'always', 'never']).default('on-failure'),
	backoff: backoffSchema.prefault({}),
	enabled: z.boolean().default(true),
};

const componentSchema = z.strictObject({
	...componentFields,
	role: z.enum(['brain', 'watchdog', 'service', 'other']),
});

const serviceSchema = z.strictObject({
	...componentFields,
	role: z.literal('service').optional(),
	health: z
		.strictObject({url: httpUrl, timeoutSeconds: bounded(numberLimits.httpTimeoutSeconds).default(defaults.httpTimeoutSeconds)})
		.optional()
		.meta({description: 'Healthy when a GET answers 2xx within timeoutSeconds.'}),
});

const statusSourceSchema = z
	.strictObject({
		url: httpUrl.optional().meta({description: 'GET this URL for the status snapshot (docs/status-snapshot.md).'}),
		timeoutSeconds: bounded(numberLimits.httpTimeoutSeconds).optional().meta({description: 'With url; default 5.'}),
		file: z.string().min(1).optional().meta({description: 'Read the snapshot from this file, relative to the config file.'}),
	})
	.superRefine((source, context) => {
		if ((source.url === undefined) === (source.file === undefined)) {
			context.addIssue({code: 'custom', message: 'exactly one of "url" or "file"'});
		} else if (source.file !== undefined && source.timeoutSeconds !== undefined) {
			context.addIssue({code: 'custom', path: ['timeoutSeconds'], message: 'no timeoutSeconds with "file" (it applies to "url")'});
		}
	});

const limitsSchema = z.strictObject({
	maxConnectionAgeSeconds: bounded(numberLimits.sessionAgeSeconds).default(14_400),
	maxIdleSeconds: bounded(numberLimits.sessionAgeSeconds).default(1800),
	maxCredentialAgeSeconds: bounded(numberLimits.sessionAgeSeconds).default(7200),
	maxSyncAgeSeconds: bounded(numberLimits.maxSyncAgeSeconds).default(120),
	maxPingMs: bounded(numberLimits.maxPingMs).default(500),
	positionStaleSeconds: bounded(numberLimits.positionStaleSeconds).default(86_400),
	driftPersistPolls: bounded(numberLimits.driftPersistPolls).default(2),
	duplicateTradeWindowSeconds: bounded(numberLimits.duplicateTradeWindowSeconds)
		.default(60)
		.meta({description: 'Positions of one symbol, side and magic opened this close together, held only partly by the bot, are a duplicate trade.'}),
});

const brokerSchema = z.strictObject({
	status: statusSourceSchema,
	pollSeconds: bounded(numberLimits.pollSeconds).optional().meta({description: 'Default: the top-level pollSeconds.'}),
	limits: limitsSchema.prefault({}),
	magic: z
		.int({error: 'a whole number (MetaTrader\'s magic)'})
		.min(0, {error: (issue) => `at least 0 (MetaTrader's magic is unsigned), got ${String(issue.input)}`})
		.optional()
		.meta({description: 'The magic number the bot trades with; its positions the bot does not hold are never read as manual trades.'}),
});

/**
 * Keys an operator may keep on an account from the Python scripts' era (MetaTrader login data).
 * They are accepted so old configs load, and dropped by `resolve.ts`: nothing downstream sees them.
 */
const credential = z.unknown().meta({description: 'Accepted for old configs; never read or shown.'});

const accountSchema = z.strictObject({
	id: name,
	number: z
		.union([z.string().min(1), z.int().nonnegative()], {
			error: (issue) => `the broker login as a string, e.g. "212000584"${issue.input === undefined ? ' (required)' : ''}`,
		})
		.meta({description: 'The broker login; status snapshots must carry this account.'}),
	enabled: z.boolean().default(true),
	server: z.string().min(1).optional().meta({description: 'Expected terminal.server in status snapshots.'}),
	components: z.array(componentSchema).default([]),
	broker: brokerSchema.optional(),
	password: credential.optional(),
	login: credential.optional(),
	terminal: credential.optional(),
});

export const configSchema = z.strictObject({
	$schema: z.string().optional().meta({description: 'The JSON Schema this file follows, for editors.'}),
	locksDir: z.string().min(1).default(defaults.locksDir).meta({description: 'Lock directory, relative to the config file.'}),
	logsDir: z.string().min(1).default(defaults.logsDir).meta({description: 'Where `launch` writes <NAME>.log, relative to the config file.'}),
	journal: z.string().min(1).default(defaults.journal).meta({description: 'SQLite event journal, relative to the config file.'}),
	journalRetention: z
		.strictObject({
			eventsDays: bounded(numberLimits.eventsDays).default(defaults.journalRetention.eventsDays).meta({description: 'Days the journal keeps events.'}),
			samplesDays: bounded(numberLimits.samplesDays).default(defaults.journalRetention.samplesDays).meta({description: 'Days the journal keeps health samples (sparklines).'}),
		})
		.default({...defaults.journalRetention}),
	pollSeconds: bounded(numberLimits.pollSeconds).default(defaults.pollSeconds),
	launchSettleSeconds: bounded(numberLimits.launchSettleSeconds)
		.default(defaults.launchSettleSeconds)
		.meta({description: '`launch` watches each component it started this long and reports one that exits within it as failed; 0: no watch.'}),
	remoteLockExpirySeconds: bounded(numberLimits.remoteLockExpirySeconds)
		.nullable()
		.default(null)
		.meta({description: 'Another host\'s lock whose heartbeat is older than this is remote-expired; null: never.'}),
	services: z.array(serviceSchema).default([]),
	accounts: z.array(accountSchema).default([]),
}).superRefine((config, context) => {
	// Lock files are named by component: two components with one name would share one lock. Case
	// is ignored because Windows and macOS file systems ignore it: BRAIN_ATLAS.lock is brain_atlas.lock.
	const names = new Map<string, string>([[watcherLockName, 'the lock of fleetdeck\'s own watcher']]);
	const claim = (value: string, where: (string | number)[], seen: Map<string, string>, what: string) => {
		const first = seen.get(value.toLowerCase());
		if (first === undefined) {
			seen.set(value.toLowerCase(), formatPath(where));
		} else {
			context.addIssue({code: 'custom', path: where, message: `a unique ${what} ("${value}" is also ${first})`});
		}
	};

	for (const [index, service] of config.services.entries()) {
		claim(service.name, ['services', index, 'name'], names, 'name');
	}

	const ids = new Map<string, string>();
	for (const [index, account] of config.accounts.entries()) {
		claim(account.id, ['accounts', index, 'id'], ids, 'account id');
		for (const [componentIndex, component] of account.components.entries()) {
			claim(component.name, ['accounts', index, 'components', componentIndex, 'name'], names, 'name');
		}
	}
});

export type ValidatedConfig = z.output<typeof configSchema>;

/** Keys allowed in the object at `path`, for "did you mean" hints on unknown keys. */
export function keysAt(path: readonly PropertyKey[]): string[] {
	const last = path.findLast((segment) => typeof segment === 'string');
	const shapes: Record<string, z.ZodObject | undefined> = {
		services: serviceSchema,
		accounts: accountSchema,
		components: componentSchema,
		backoff: backoffSchema,
		health: serviceSchema.shape.health.unwrap(),
		broker: brokerSchema,
		status: statusSourceSchema,
		limits: limitsSchema,
	};
	const shape = last === undefined ? configSchema : shapes[last];
	return shape === undefined ? [] : Object.keys(shape.shape);
}
