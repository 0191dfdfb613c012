import {readFileSync} from 'node:fs';
import {probeProcess} from '../identity.js';
import type {ProcessSignals, SignalOutcome} from '../../runtime/ports/process-platform.js';

/** Field 5 (pgrp) of `/proc/<pid>/stat`, counted after the last `)` because the name may hold spaces and parentheses. */
export function parseProcessGroup(stat: string): number | null {
	const close = stat.lastIndexOf(')');
	if (close === -1) {
		return null;
	}

	// After ") " come field 3 (state), 4 (ppid), 5 (pgrp).
	const pgrp = Number(stat.slice(close + 2).split(' ')[2]);
	return Number.isInteger(pgrp) && pgrp > 0 ? pgrp : null;
}

/** Map a kill(2) failure to an outcome: ESRCH is proof the target is gone, anything else is a failure. */
export function killOutcome(error: unknown): SignalOutcome {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ESRCH') {
		return {result: 'gone'};
	}

	return {result: 'failed', reason: code === 'EPERM' ? 'EPERM: not permitted (the process belongs to another user; run fleetdeck as that user or as root)' : code ?? String(error)};
}

function kill(target: number, signal: NodeJS.Signals | 0): SignalOutcome {
	try {
		process.kill(target, signal);
		return {result: 'sent'};
	} catch (error) {
		return killOutcome(error);
	}
}

export const posixControl: ProcessSignals = {
	async probe(pid) {
		return probeProcess(pid);
	},
	leadsGroup(pid) {
		if (process.platform !== 'linux') {
			return null;
		}

		try {
			const pgrp = parseProcessGroup(readFileSync(`/proc/${pid}/stat`, 'utf8'));
			return pgrp === null ? null : pgrp === pid;
		} catch {
			// Gone (ENOENT/ESRCH) or unreadable: null is the "cannot tell" answer, on which the stop
			// kills each verified PID one by one instead of a group; nothing is lost by not knowing.
			return null;
		}
	},
	async requestStop(pid, signal) {
		return kill(pid, signal);
	},
	async forceKill(pid, group) {
		return kill(group ? -pid : pid, 'SIGKILL');
	},
	signalGroup(pid, signal) {
		return kill(-pid, signal);
	},
	groupAlive(pid) {
		// EPERM still means a member exists.
		return kill(-pid, 0).result !== 'gone';
	},
};
