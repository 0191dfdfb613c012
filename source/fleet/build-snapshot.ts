import {isConfigured} from '../config/resolve.js';
import {watcherLockName} from '../config/schema.js';
import type {FleetConfig} from '../config/types.js';
import type {PlannedStop} from '../locks/planned-stop.js';
import {isStale, type LockInspection} from '../locks/types.js';
import type {ProcessInfo} from '../procs/types.js';
import {accountBrokerView, serviceHealthProblem, type BrokerFacts} from './broker-facts.js';
import {buildComponent, lockView, type ComponentSpec} from './component.js';
import {inferredSpec} from './infer.js';
import type {AccountView, ComponentView, FleetSnapshot, HealthLevelView, Problem} from './types.js';
import {byHealthLayer, healthRank, healthStateLevels, worst, type HealthLayer} from '../vocabulary.js';

export interface FleetInput {
	config: FleetConfig;
	/** Every lock in the locks directory, judged. */
	locks: LockInspection[];
	/** Why the locks directory could not be read, when it could not. */
	locksError: string | null;
	/** The locks directory's permission bits; absent or null when unknown (no such directory, Windows). */
	locksDirMode?: number | null;
	processes: ProcessInfo[];
	/** Planned stops on record (`<NAME>.stopped`, written by `fleetdeck shutdown`), by component name. */
	plannedStops?: ReadonlyMap<string, PlannedStop>;
	now: number;
	host: string;
	/** This process, never counted as a copy of anything. */
	selfPid: number;
	/** The uid fleetdeck runs as, to tell whose config it obeys; absent or null where there are no uids. */
	selfUid?: number | null;
	/** Broker status and service health checks; absent when not polled. */
	broker?: BrokerFacts;
}

const roleOrder = {service: 0, watchdog: 1, brain: 2, other: 3} as const;

/**
 * Without accounts in the config, the fleet is whatever the locks say: one component per lock,
 * grouped by the lock's `account` field; locks without an account are services. The watcher's
 * lock is no component (it is left unclaimed, so only a stale one is reported, as litter).
 */
function inferAccounts(locks: LockInspection[]): {accounts: Map<string, ComponentSpec[]>; services: ComponentSpec[]} {
	const accounts = new Map<string, ComponentSpec[]>();
	const services: ComponentSpec[] = [];
	for (const lock of locks) {
		// fleetdeck's own writer lock is no component: inferred as one, the deck would list its own
		// watcher as a service and a shutdown of everything would signal it.
		if (lock.name.toLowerCase() === watcherLockName) {
			continue;
		}

		const account = lock.record?.account ?? null;
		const spec = inferredSpec(lock.name, account);
		if (account === null) {
			services.push(spec);
		} else {
			accounts.set(account, [...(accounts.get(account) ?? []), spec]);
		}
	}

	return {accounts, services};
}

/** The header's three levels: for each, the worst account's (its reason prefixed with the account). */
function fleetHealth(accounts: AccountView[]): FleetSnapshot['health'] {
	const judged = accounts.flatMap(account => (account.health ? [{id: account.id, health: account.health}] : []));
	if (judged.length === 0) {
		return null;
	}

	const pick = (layer: HealthLayer): HealthLevelView => {
		let chosen: HealthLevelView = {state: 'ok', reason: `all ${judged.length} accounts ok`};
		for (const {id, health} of judged) {
			const level = health[layer];
			if (healthRank(level.state) > healthRank(chosen.state)) {
				chosen = {state: level.state, reason: `${id}: ${level.reason}`};
			}
		}

		return chosen;
	};

	return byHealthLayer(pick);
}

/** "group-writable (mode 0775)" for a mode others can write through; null when only its owner can. */
function writableBy(mode: number): string | null {
	if ((mode & 0o022) === 0) {
		return null;
	}

	const who = (mode & 0o020) !== 0 && (mode & 0o002) !== 0 ? 'group- and world-writable' : (mode & 0o002) !== 0 ? 'world-writable' : 'group-writable';
	return `${who} (mode ${(mode & 0o7777).toString(8).padStart(4, '0')})`;
}

/**
 * A locks directory others can write to lets any local user plant a lock naming a process of
 * theirs, or replace a holder's record: what fleetdeck trusts is only as good as who may write
 * there. Not an outage, so a warning.
 */
export function locksDirProblem(dir: string, mode: number | null | undefined): Problem | null {
	const writable = mode === null || mode === undefined ? null : writableBy(mode);
	return writable === null ? null : {level: 'warn', code: 'locks-dir-writable', account: null, component: null, message: `locks directory ${dir} is ${writable}: other users can plant or replace lockfiles there; run "chmod go-w ${dir}"`};
}

/**
 * The config decides what `launch` runs and which processes `shutdown` may stop: a config another
 * user can change (its mode, or its owner, root excepted) hands them both. `selfUid` is null where
 * there are no uids.
 */
export function configProblem(config: FleetConfig, selfUid: number | null): Problem | null {
	const access = config.fileAccess;
	if (config.file === null || access === null || access === undefined) {
		return null;
	}

	const writable = writableBy(access.mode);
	const foreign = access.ownerUid !== null && selfUid !== null && access.ownerUid !== selfUid && access.ownerUid !== 0;
	if (writable === null && !foreign) {
		return null;
	}

	const why = writable === null ? `owned by uid ${access.ownerUid}, not by you (uid ${selfUid})` : writable;
	const fix = writable === null ? `"chown $(id -u) ${config.file}"` : `"chmod go-w ${config.file}"`;
	return {level: 'warn', code: 'config-writable', account: null, component: null, message: `config ${config.file} is ${why}: someone else can decide what runs and what is stopped; run ${fix}`};
}

export function buildSnapshot(input: FleetInput): FleetSnapshot {
	const {config, locks, processes, now, selfPid} = input;
	const locksByName = new Map(locks.map(lock => [lock.name, lock]));
	const problems: Problem[] = [];
	const claimed = new Set<string>();

	const component = (spec: ComponentSpec): ComponentView => {
		claimed.add(spec.name);
		const built = buildComponent({spec, lock: locksByName.get(spec.name) ?? null, plannedStop: input.plannedStops?.get(spec.name) ?? null, processes, now, selfPid});
		problems.push(...built.problems);
		return built.view;
	};

	const byRole = (a: ComponentSpec, b: ComponentSpec) => roleOrder[a.role] - roleOrder[b.role];
	let accounts: AccountView[];
	let services: ComponentView[];
	if (isConfigured(config)) {
		services = config.services.map(spec => {
			const view = component(spec);
			const health = input.broker?.services.get(spec.name);
			if (!health) {
				return view;
			}

			const problem = serviceHealthProblem(view, health);
			if (problem) {
				problems.push(problem);
			}

			return {...view, health, level: worst(view.level, healthStateLevels[health.state])};
		});
		accounts = config.accounts.map(account => {
			const components = [...account.components].sort(byRole).map(spec => component({...spec, enabled: spec.enabled && account.enabled}));
			const level = worst(...components.map(view => view.level));
			const base = {id: account.id, number: account.number, enabled: account.enabled, components};
			// A disabled account is not polled: its broker link is nobody's concern.
			if (!account.broker || !account.enabled) {
				return {...base, level, health: null, drift: [], positions: null};
			}

			const broker = accountBrokerView(account, components, input.broker?.accounts.get(account.id), now);
			problems.push(...broker.problems);
			return {...base, level: worst(level, broker.level), health: broker.health, drift: broker.drift, positions: broker.positions};
		});
	} else {
		const inferred = inferAccounts(locks);
		services = inferred.services.map(spec => component(spec));
		accounts = [...inferred.accounts.entries()]
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([id, specs]) => {
				const components = specs.sort(byRole).map(spec => component(spec));
				return {id, number: id, enabled: true, level: worst(...components.map(view => view.level)), components, health: null, drift: [], positions: null};
			});
	}

	// Locks that belong to no configured component still count: a stale one is litter to clear,
	// one that cannot be verified is doubt.
	for (const lock of locks) {
		if (claimed.has(lock.name)) {
			continue;
		}

		if (isStale(lock.verdict)) {
			problems.push({level: 'warn', code: 'stale-lock', account: lock.record?.account ?? null, component: lock.name, message: `${lock.name}: stale lock (${lock.verdict}) of no configured component: ${lock.reason}`});
		} else if (lock.verdict === 'unknown') {
			problems.push({level: 'unknown', code: 'lock-unknown', account: lock.record?.account ?? null, component: lock.name, message: `${lock.name}: ${lock.reason}`});
		}
	}

	if (input.locksError) {
		problems.push({level: 'unknown', code: 'locks-dir', account: null, component: null, message: input.locksError});
	}

	for (const trust of [locksDirProblem(config.locksDir, input.locksDirMode), configProblem(config, input.selfUid ?? null)]) {
		if (trust) {
			problems.push(trust);
		}
	}

	const level = worst(...problems.map(problem => problem.level));
	return {
		schema: 1,
		generatedAt: new Date(now).toISOString(),
		host: input.host,
		level,
		health: fleetHealth(accounts),
		config: config.file,
		locksDir: config.locksDir,
		accounts,
		services,
		locks: locks.map(lock => lockView(lock, now)),
		problems,
	};
}
