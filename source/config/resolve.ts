import path from 'node:path';
import {compileMatch} from '../procs/matcher.js';
import type {AccountConfig, ComponentConfig, FleetConfig, ServiceConfig, StatusSource} from './types.js';
import {defaults, type ValidatedConfig} from './schema.js';

type ValidatedService = ValidatedConfig['services'][number];
type ValidatedAccount = ValidatedConfig['accounts'][number];
type ValidatedComponent = ValidatedAccount['components'][number];

function component(input: ValidatedComponent | ValidatedService, baseDir: string, account: string | null): ComponentConfig {
	return {
		name: input.name,
		role: input.role ?? 'service',
		command: [...input.command],
		match: compileMatch(input.match),
		matchSource: input.match,
		cwd: path.resolve(baseDir, input.cwd ?? '.'),
		env: {...input.env},
		stopSignal: input.stopSignal,
		stopTimeoutSeconds: input.stopTimeoutSeconds,
		restart: input.restart,
		backoff: {...input.backoff},
		enabled: input.enabled,
		account,
	};
}

function statusSource(status: NonNullable<ValidatedAccount['broker']>['status'], baseDir: string): StatusSource {
	if (status.url !== undefined) {
		return {kind: 'http', url: status.url, timeoutSeconds: status.timeoutSeconds ?? defaults.httpTimeoutSeconds};
	}

	// The schema lets through exactly one of url and file.
	return {kind: 'file', path: path.resolve(baseDir, status.file ?? '')};
}

function account(input: ValidatedAccount, baseDir: string, pollSeconds: number): AccountConfig {
	const {broker} = input;
	return {
		id: input.id,
		number: String(input.number),
		enabled: input.enabled,
		server: input.server ?? null,
		components: input.components.map((entry) => component(entry, baseDir, input.id)),
		// The credential-ish keys (password, login, terminal) stop here: nothing past parsing sees them.
		broker:
			broker === undefined
				? null
				: {status: statusSource(broker.status, baseDir), pollSeconds: broker.pollSeconds ?? pollSeconds, limits: {...broker.limits}, magic: broker.magic ?? null},
	};
}

/** A validated config as the rest of fleetdeck sees it: paths absolute against `file`'s directory. */
export function resolveConfig(input: ValidatedConfig, file: string): FleetConfig {
	const baseDir = path.dirname(file);
	return {
		file,
		locksDir: path.resolve(baseDir, input.locksDir),
		logsDir: path.resolve(baseDir, input.logsDir),
		journal: path.resolve(baseDir, input.journal),
		journalRetention: retention(input.journalRetention),
		pollSeconds: input.pollSeconds,
		launchSettleSeconds: input.launchSettleSeconds,
		remoteLockExpirySeconds: input.remoteLockExpirySeconds,
		services: input.services.map(
			(entry): ServiceConfig => ({...component(entry, baseDir, null), health: entry.health === undefined ? null : {...entry.health}}),
		),
		accounts: input.accounts.map((entry) => account(entry, baseDir, input.pollSeconds)),
	};
}

/** Whether the config names any component; without, the fleet is inferred from the locks (DESIGN.md §3). */
export function isConfigured(config: Pick<FleetConfig, 'accounts' | 'services'>): boolean {
	return config.accounts.length > 0 || config.services.length > 0;
}

/** The journal's retention as the config writes it, in the journal's terms. */
function retention({eventsDays, samplesDays}: {eventsDays: number; samplesDays: number}): FleetConfig['journalRetention'] {
	return {events: eventsDays, samples: samplesDays};
}

/**
 * Running without a config file: watch `<cwd>/.locks` (or `locksDir`), no components known. The
 * journal lives beside the locks directory, so every command pointed at the same locks shares one
 * history wherever it is run from.
 */
export function defaultConfig(cwd: string, locksDir?: string): FleetConfig {
	const locks = path.resolve(cwd, locksDir ?? defaults.locksDir);
	return {
		file: null,
		locksDir: locks,
		logsDir: path.resolve(cwd, defaults.logsDir),
		journal: path.resolve(path.dirname(locks), defaults.journal),
		journalRetention: retention(defaults.journalRetention),
		pollSeconds: defaults.pollSeconds,
		launchSettleSeconds: defaults.launchSettleSeconds,
		remoteLockExpirySeconds: null,
		services: [],
		accounts: [],
	};
}
