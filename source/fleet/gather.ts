import type {FleetConfig} from '../config/types.js';
import {list, LocksDirError, type JudgeContext} from '../locks/index.js';
import type {LockInspection} from '../locks/types.js';
import {readProcessTable, sampleUsage, withUsage} from '../procs/index.js';
import {hostFacts} from '../procs/identity.js';
import {buildSnapshot} from './build-snapshot.js';
import type {FleetSnapshot} from './types.js';

/** The judge context a config implies: legacy locks are verified against the component's `match`. */
export function judgeContext(config: FleetConfig): JudgeContext {
	const patterns = new Map<string, RegExp>();
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

/** Read the world once (locks, process table, CPU and memory of the fleet's processes) and judge it. */
export async function gatherSnapshot(config: FleetConfig, now: () => number = Date.now): Promise<FleetSnapshot> {
	const [{locks, locksError}, processes] = await Promise.all([readLocks(config), readProcessTable()]);
	const input = {config, locks, locksError, processes, now: now(), host: hostFacts().hostname, selfPid: process.pid};
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
