import * as z from 'zod';
import {formatPath} from './errors.js';

/**
 * The zod schema of `fleetdeck.config.json` as written (DESIGN.md §3). It describes the *input*:
 * static defaults are filled in here, while what depends on where the file lives or on other
 * fields (absolute paths, the broker's poll interval, the account of a component) is done by
 * `resolve.ts`. Error texts are the part after "expected" in `file: path: expected …`.
 */

/** Lock NAME rules (docs/lock-protocol.md): also used for account ids, which appear in lock records. */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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

const positiveSeconds = z.number().positive();

/** The V8 reason for an invalid pattern, e.g. "Unterminated group"; undefined when it compiles. */
function regexError(source: string): string | undefined {
	try {
		new RegExp(source);
		return undefined;
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		return text.slice(text.lastIndexOf(': ') + 2);
	}
}

const match = z
	.string()
	.meta({description: 'Regular expression tested against each process command line; its processes are this component\'s.'})
	.superRefine((source, context) => {
		const reason = regexError(source);
		if (reason !== undefined) {
			context.addIssue({code: 'custom', message: `a valid regular expression (${reason})`});
		} else if (new RegExp(source).test('')) {
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
		initialSeconds: positiveSeconds.default(1),
		maxSeconds: positiveSeconds.default(60),
		factor: z.number().min(1).default(2),
		resetAfterSeconds: positiveSeconds.default(60),
		crashLoopFailures: z.int().min(1).default(5),
		crashLoopWindowSeconds: positiveSeconds.default(300),
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
	stopTimeoutSeconds: positiveSeconds.default(30),
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
		.strictObject({url: httpUrl, timeoutSeconds: positiveSeconds.default(5)})
		.optional()
		.meta({description: 'Healthy when a GET answers 2xx within timeoutSeconds.'}),
});

const statusSourceSchema = z
	.strictObject({
		url: httpUrl.optional().meta({description: 'GET this URL for the status snapshot (docs/status-snapshot.md).'}),
		timeoutSeconds: positiveSeconds.optional().meta({description: 'With url; default 5.'}),
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
	maxConnectionAgeSeconds: positiveSeconds.default(14_400),
	maxIdleSeconds: positiveSeconds.default(1800),
	maxCredentialAgeSeconds: positiveSeconds.default(7200),
	maxSyncAgeSeconds: positiveSeconds.default(120),
	maxPingMs: positiveSeconds.default(500),
	positionStaleSeconds: positiveSeconds.default(86_400),
	driftPersistPolls: z.int().min(1).default(2),
});

const brokerSchema = z.strictObject({
	status: statusSourceSchema,
	pollSeconds: positiveSeconds.optional().meta({description: 'Default: the top-level pollSeconds.'}),
	limits: limitsSchema.prefault({}),
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
			eventsDays: z.number().positive().default(defaults.journalRetention.eventsDays).meta({description: 'Days the journal keeps events.'}),
			samplesDays: z.number().positive().default(defaults.journalRetention.samplesDays).meta({description: 'Days the journal keeps health samples (sparklines).'}),
		})
		.default({...defaults.journalRetention}),
	pollSeconds: positiveSeconds.default(defaults.pollSeconds),
	remoteLockExpirySeconds: positiveSeconds
		.nullable()
		.default(null)
		.meta({description: 'Another host\'s lock whose heartbeat is older than this is remote-expired; null: never.'}),
	services: z.array(serviceSchema).default([]),
	accounts: z.array(accountSchema).default([]),
}).superRefine((config, context) => {
	// Lock files are named by component: two components with one name would share one lock. Case
	// is ignored because Windows and macOS file systems ignore it: BRAIN_ATLAS.lock is brain_atlas.lock.
	const names = new Map<string, string>();
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
