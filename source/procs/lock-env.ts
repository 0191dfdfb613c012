import {readdirSync, readFileSync} from 'node:fs';
import {probeProcess} from './identity.js';
import type {ChildIdentity} from '../locks/types.js';

/**
 * The process a `fleetdeck run` supervisor started under lock NAME with fencing token TOKEN, found
 * by the environment it was given (`FLEETDECK_LOCK_NAME`, `FLEETDECK_LOCK_TOKEN`). Linux only
 * (/proc/<pid>/environ); elsewhere, or when no such process lives, null.
 *
 * It closes the window between a supervisor starting its bot and recording the bot in its lock:
 * a supervisor SIGKILLed inside it leaves a lock that names no child, and without this lookup the
 * lock would read stale while the bot runs on, and the next `run` would start a second one.
 *
 * The variables prove nothing by themselves: anyone who can read the lockfile knows its token and
 * can start a process with them. The process found is judged like any recorded child, its owner
 * included (locks/verdict.ts), so another user's claimant makes the lock `unknown`, never live.
 */
export function findLockChild(name: string, token: number): ChildIdentity | null {
	if (process.platform !== 'linux') {
		return null;
	}

	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return null;
	}

	const wanted = [`FLEETDECK_LOCK_NAME=${name}`, `FLEETDECK_LOCK_TOKEN=${token}`];
	const found: ChildIdentity[] = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}

		let environment: string[];
		try {
			environment = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
		} catch {
			// Gone, or another user's (not readable): not a child this user's supervisor started.
			continue;
		}

		if (wanted.every(variable => environment.includes(variable))) {
			const pid = Number(entry);
			const probe = probeProcess(pid);
			if (probe.state === 'alive') {
				found.push({pid, startToken: probe.startToken});
			}
		}
	}

	// The bot's own children inherit its environment: the bot is the one that started first.
	found.sort((a, b) => Number(a.startToken ?? Number.POSITIVE_INFINITY) - Number(b.startToken ?? Number.POSITIVE_INFINITY) || a.pid - b.pid);
	return found[0] ?? null;
}
