import type {ComponentConfig, FleetConfig, ServiceConfig} from '../../source/config/types.js';
import type {LockInspection, ParsedLock, VerdictCode} from '../../source/locks/types.js';
import type {ProcessInfo} from '../../source/procs/types.js';

/** Plain data for pure tests of the snapshot rules: no files, no processes. */
export const now = Date.parse('2026-11-22T18:00:00.000Z');

export function proc(pid: number, command: string, ppid = 1, startedAt = now - 60_000): ProcessInfo {
	return {pid, ppid, name: command.split(' ')[0] ?? '', argv: command.split(' '), command, startToken: String(pid * 10), startedAt, uid: 1000, cpu: 0.5, memoryBytes: 50_000_000};
}

export function lock(name: string, verdict: VerdictCode, record: Partial<ParsedLock> = {}, orphaned = false): LockInspection {
	const parsed: ParsedLock = {
		format: 'v1',
		name,
		pid: 0,
		account: null,
		hostname: 'host-1',
		bootId: 'boot-1',
		startToken: null,
		createdAt: now - 3_600_000,
		heartbeatAt: null,
		token: 1,
		command: null,
		child: null,
		supervisor: null,
		...record,
	};
	// A live lock's holders as the verdict would prove them: the recorded holder (and its child), or an orphan's child alone.
	const live = verdict === 'live';
	const holders = !live ? [] : orphaned ? (parsed.child ? [parsed.child] : []) : [{pid: parsed.pid, startToken: parsed.startToken}, ...(parsed.child ? [parsed.child] : [])];
	const proof = !live ? null : orphaned ? 'child' : parsed.startToken === null ? 'match' : 'start-token';
	return {name, path: `/locks/${name}.lock`, verdict, reason: `reason for ${verdict}`, record: parsed, raw: null, mtimeMs: now, orphaned, proof, holders};
}

const backoff = {initialSeconds: 1, maxSeconds: 60, factor: 2, resetAfterSeconds: 60, crashLoopFailures: 5, crashLoopWindowSeconds: 300};

export function component(name: string, role: ComponentConfig['role'], match: string, account: string | null): ComponentConfig {
	return {
		name,
		role,
		command: ['python', `${name}.py`],
		match: new RegExp(match),
		matchSource: match,
		cwd: '/fleet',
		env: {},
		stopSignal: 'SIGTERM',
		stopTimeoutSeconds: 30,
		restart: 'on-failure',
		backoff,
		enabled: true,
		account,
	};
}

export function atlasConfig(overrides: Partial<FleetConfig> = {}): FleetConfig {
	const service: ServiceConfig = {...component('quantum_server', 'service', String.raw`quantum_server\.py`, null), health: null};
	return {
		file: '/fleet/fleetdeck.config.json',
		locksDir: '/fleet/.locks',
		logsDir: '/fleet/logs',
		journal: '/fleet/.fleetdeck/journal.db',
		journalRetention: {events: 90, samples: 7},
		pollSeconds: 2,
		launchSettleSeconds: 5,
		remoteLockExpirySeconds: null,
		services: [service],
		accounts: [
			{
				id: 'ATLAS',
				number: '212000584',
				enabled: true,
				server: null,
				broker: null,
				components: [
					component('BRAIN_ATLAS', 'brain', String.raw`BRAIN_ATLAS\.py`, 'ATLAS'),
					component('WATCHDOG_ATLAS', 'watchdog', String.raw`STOPLOSS_WATCHDOG_V2\.py.*--account[= ]ATLAS\b`, 'ATLAS'),
				],
			},
		],
		...overrides,
	};
}
