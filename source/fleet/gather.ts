import type {FleetConfig} from '../config/types.js';
import {list, locksDirPermissions, LocksDirError, readPlannedStop, type JudgeContext, type PlannedStop} from '../locks/index.js';
import type {LockInspection} from '../locks/types.js';
import {sampleUsage, withUsage} from '../procs/index.js';
import {hostFacts, probeProcess} from '../procs/identity.js';
import type {Matcher} from '../procs/matcher.js';
import {processPlatform} from '../procs/platform/index.js';
import {probeFromTable} from '../procs/table-probe.js';
import type {ProcessPlatform, TableRead} from '../runtime/ports/process-platform.js';
import {assessOnce, checkServiceHealth} from '../broker/index.js';
import type {BrokerFacts} from './broker-facts.js';
import {buildSnapshot} from './build-snapshot.js';
import type {FleetSnapshot} from './types.js';

/**
 * The judge context a config implies: legacy locks are verified against the component's `match`,
 * and a lock this process takes records the platform's own identity of it (off Linux, the
 * creation time its process table reports).
 */
export function judgeContext(config: FleetConfig, platform: ProcessPlatform = processPlatform()): JudgeContext {
	const patterns = new Map<string, Matcher>();
	for (const component of [...config.services, ...config.accounts.flatMap(account => account.components)]) {
		patterns.set(component.name, component.match);
	}

	return {matchFor: name => patterns.get(name) ?? null, remoteExpirySeconds: config.remoteLockExpirySeconds, self: async () => platform.self()};
}

/** Every lock in the config's locks directory, judged with `context`. */
export async function readLocks(config: FleetConfig, context: JudgeContext): Promise<{locks: LockInspection[]; locksError: string | null}> {
	try {
		return {locks: await list(config.locksDir, context), locksError: null};
	} catch (error) {
		// A locks directory that does not exist yet holds no locks; one that cannot be read is doubt.
		if (error instanceof LocksDirError) {
			return {locks: [], locksError: error.code === 'ENOENT' ? null : error.message};
		}

		throw error;
	}
}

/**
 * The headless view of every enabled account's broker status and every service's health URL,
 * polled as often as the drift persistence rule needs, all accounts at once.
 */
export async function onceBrokerFacts(config: FleetConfig): Promise<BrokerFacts> {
	const accounts = await Promise.all(
		config.accounts.map(async account => {
			if (!account.enabled || !account.broker) {
				return undefined;
			}

			const {result, drift} = await assessOnce(account.broker.status, account, account.broker.limits);
			return [account.id, {result, drift: drift.items, judgedAt: result?.polledAt}] as const;
		}),
	);
	const services = await Promise.all(
		config.services.map(async service => (service.health ? ([service.name, await checkServiceHealth(service.health.url, service.health.timeoutSeconds)] as const) : undefined)),
	);
	return {accounts: new Map(accounts.filter(entry => entry !== undefined)), services: new Map(services.filter(entry => entry !== undefined))};
}

/** One read of the process table, a failure carried as data: against it every PID is `unknown`, never `gone`. */
export async function readTable(platform: ProcessPlatform): Promise<TableRead> {
	try {
		return {ok: true, ...(await platform.table())};
	} catch (error) {
		return {ok: false, reason: error instanceof Error ? error.message : String(error)};
	}
}

/** What a gather may be given instead of the real host. */
export interface GatherOptions {
	/** The broker side: polled once for `--once`, the live pollers' latest for the deck. */
	broker?: () => Promise<BrokerFacts>;
	now?: () => number;
	/** Where the process table comes from; default: this OS's. */
	platform?: ProcessPlatform;
}

/** The planned stops on record for the configured components (a few small files; most absent). */
function readPlannedStops(config: FleetConfig): Map<string, PlannedStop> {
	const stops = new Map<string, PlannedStop>();
	for (const component of [...config.services, ...config.accounts.flatMap(account => account.components)]) {
		const stop = readPlannedStop(config.locksDir, component.name);
		if (stop !== null) {
			stops.set(component.name, stop);
		}
	}

	return stops;
}

/**
 * Read the world once (locks, process table, broker status, CPU and memory of the fleet's
 * processes) and judge it. Every lock is judged against the one table read the snapshot shows,
 * so a verdict and the processes beside it never disagree. The table is read before the
 * lockfiles: a lock written after the read may name a holder that started since, so a PID the
 * table lacks is asked about on its own for such a fresh lock only (see `probeFromTable`).
 */
export async function gatherSnapshot(config: FleetConfig, options: GatherOptions = {}): Promise<FleetSnapshot> {
	const platform = options.platform ?? processPlatform();
	const judgeLocks = async () => {
		const table = await readTable(platform);
		if (!table.ok) {
			// Without the table there are no processes to show, and a snapshot without them would
			// call every running bot stopped: the poll fails, naming why.
			throw new Error(table.reason);
		}

		return {table, ...(await readLocks(config, {...judgeContext(config, platform), probe: probeFromTable(table, probeProcess)}))};
	};

	const [{table, locks, locksError}, locksDirMode, broker] = await Promise.all([judgeLocks(), locksDirPermissions(config.locksDir), options.broker?.()]);
	const {processes} = table;
	const now = options.now ?? Date.now;
	const input = {config, locks, locksError, locksDirMode, processes, plannedStops: readPlannedStops(config), broker, now: now(), host: hostFacts().hostname, selfPid: process.pid, selfUid: process.getuid?.() ?? null};
	const first = buildSnapshot(input);
	// CPU and memory are sampled only for the processes that belong to the fleet: one pidusage
	// batch, instead of a sample of every process on the host.
	const pids = [...first.services, ...first.accounts.flatMap(account => account.components)].flatMap(component => component.processes.map(process => process.pid));
	if (pids.length === 0) {
		return first;
	}

	// CPU and memory are informational: a failed sample must never cost the operator the verdicts.
	const usage = await sampleUsage(pids).catch(() => undefined);
	return usage ? buildSnapshot({...input, processes: withUsage(processes, usage)}) : first;
}
