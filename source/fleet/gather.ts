import type {FleetConfig} from '../config/types.js';
import {list, locksDirPermissions, LocksDirError, type JudgeContext} from '../locks/index.js';
import type {LockInspection} from '../locks/types.js';
import {readProcessTable, sampleUsage, withUsage} from '../procs/index.js';
import {hostFacts} from '../procs/identity.js';
import type {Matcher} from '../procs/matcher.js';
import {assessOnce, checkServiceHealth} from '../broker/index.js';
import type {BrokerFacts} from './broker-facts.js';
import {buildSnapshot} from './build-snapshot.js';
import type {FleetSnapshot} from './types.js';

/** The judge context a config implies: legacy locks are verified against the component's `match`. */
export function judgeContext(config: FleetConfig): JudgeContext {
	const patterns = new Map<string, Matcher>();
	for (const component of [...config.services, ...config.accounts.flatMap(account => account.components)]) {
		patterns.set(component.name, component.match);
	}

	return {matchFor: name => patterns.get(name) ?? null, remoteExpirySeconds: config.remoteLockExpirySeconds};
}

export async function readLocks(config: FleetConfig): Promise<{locks: LockInspection[]; locksError: string | null}> {
	try {
		return {locks: await list(config.locksDir, judgeContext(config)), locksError: null};
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

/**
 * Read the world once (locks, process table, broker status, CPU and memory of the fleet's
 * processes) and judge it. `broker` supplies the broker side: polled once for `--once`, the live
 * pollers' latest for the deck.
 */
export async function gatherSnapshot(config: FleetConfig, options: {broker?: () => Promise<BrokerFacts>; now?: () => number} = {}): Promise<FleetSnapshot> {
	const [{locks, locksError}, locksDirMode, processes, broker] = await Promise.all([readLocks(config), locksDirPermissions(config.locksDir), readProcessTable(), options.broker?.()]);
	const now = options.now ?? Date.now;
	const input = {config, locks, locksError, locksDirMode, processes, broker, now: now(), host: hostFacts().hostname, selfPid: process.pid, selfUid: process.getuid?.() ?? null};
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
