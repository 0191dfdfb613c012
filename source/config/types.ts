/**
 * The validated configuration (DESIGN.md §3). `config/schema.ts` produces exactly this shape;
 * paths are already resolved to absolute paths against the config file's directory.
 */
import type {Matcher} from '../procs/matcher.js';

export type Role = 'brain' | 'watchdog' | 'service' | 'other';
export type RestartPolicy = 'on-failure' | 'always' | 'never';

export interface BackoffConfig {
	initialSeconds: number; // default 1
	maxSeconds: number; // default 60
	factor: number; // default 2
	resetAfterSeconds: number; // default 60
	crashLoopFailures: number; // default 5
	crashLoopWindowSeconds: number; // default 300
}

export interface ComponentConfig {
	name: string; // lock NAME rules: ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$
	role: Role;
	/** argv, never a shell string. */
	command: string[];
	/** The compiled `match` pattern, run on RE2 in linear time (source kept in `matchSource`). */
	match: Matcher;
	matchSource: string;
	cwd: string; // absolute
	env: Record<string, string>;
	stopSignal: NodeJS.Signals; // default SIGTERM
	stopTimeoutSeconds: number; // default 30
	restart: RestartPolicy; // default on-failure
	backoff: BackoffConfig;
	enabled: boolean; // default true
	/** Account id this component belongs to; null for services. */
	account: string | null;
}

export type StatusSource = {kind: 'http'; url: string; timeoutSeconds: number} | {kind: 'file'; path: string};

export interface HealthLimits {
	maxConnectionAgeSeconds: number; // 4 h
	maxIdleSeconds: number; // 30 min
	maxCredentialAgeSeconds: number; // 2 h
	maxSyncAgeSeconds: number; // 120
	maxPingMs: number; // 500
	positionStaleSeconds: number; // 86400
	driftPersistPolls: number; // 2
	duplicateTradeWindowSeconds: number; // 60
}

export interface AccountConfig {
	id: string;
	number: string;
	enabled: boolean;
	/** Expected `terminal.server` in status snapshots, when configured. */
	server: string | null;
	components: ComponentConfig[];
	/** `magic`: the bot's MetaTrader magic when configured; null to learn it from the bot's own positions. */
	broker: {status: StatusSource; pollSeconds: number; limits: HealthLimits; magic?: number | null} | null;
}

export interface ServiceConfig extends ComponentConfig {
	health: {url: string; timeoutSeconds: number} | null;
}

export interface FleetConfig {
	/** Absolute path of the file this came from; null when running without a config. */
	file: string | null;
	/** Who may change that file: its mode and owner as loaded (the config decides what runs and what is stopped). */
	fileAccess?: {mode: number; ownerUid: number | null} | null;
	locksDir: string;
	logsDir: string;
	journal: string;
	/** Days the journal keeps events and health samples; older rows are pruned. */
	journalRetention: {events: number; samples: number};
	pollSeconds: number;
	/** How long `launch` watches each component it started for an early exit; 0 = not at all. Default 5. */
	launchSettleSeconds: number;
	/** Another host's lock is `remote-expired` when its heartbeat is older than this; null = never. */
	remoteLockExpirySeconds: number | null;
	services: ServiceConfig[];
	accounts: AccountConfig[];
}
