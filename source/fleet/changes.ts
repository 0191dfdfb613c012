import {isStale} from '../locks/types.js';
import type {NewEvent} from '../journal/types.js';
import type {AccountHealthView, ComponentView, FleetSnapshot} from './types.js';

function componentsOf(snapshot: FleetSnapshot | null): Map<string, ComponentView> {
	return new Map([...(snapshot?.services ?? []), ...(snapshot?.accounts.flatMap(account => account.components) ?? [])].map(component => [component.name, component]));
}

const healthLevels = ['service', 'connection', 'broker'] as const;

/** No status has come in yet, nor has a poll failed: nothing is known about the account. */
function unheard(health: AccountHealthView): boolean {
	return health.asOf === null && health.error === null;
}

/**
 * What changed between two snapshots that the journal should remember: duplicates seen and
 * resolved, locks turning stale, health levels changing. Pure; the runtime's journal writer
 * calls it after each poll. With no previous snapshot (a writer that starts records the state it
 * finds), duplicates and stale locks present now count as seen, and a health level other than ok
 * as changed from unknown.
 */
export function fleetChanges(previous: FleetSnapshot | null, next: FleetSnapshot): NewEvent[] {
	const events: NewEvent[] = [];
	const before = componentsOf(previous);
	for (const [name, component] of componentsOf(next)) {
		const was = before.get(name);
		const pids = component.processes.filter(process => process.instance === process.pid).map(process => process.pid);
		if (component.state === 'duplicate' && was?.state !== 'duplicate') {
			events.push({kind: 'duplicate.seen', level: 'crit', account: component.account, component: name, message: `${component.instances} copies of ${name} are running (instances ${pids.join(', ')})`, detail: {instances: pids}});
		} else if (was?.state === 'duplicate' && component.state !== 'duplicate') {
			events.push({kind: 'duplicate.resolved', account: component.account, component: name, message: `${name} no longer runs more than once (now ${component.state})`, detail: {state: component.state}});
		}
	}

	const staleBefore = new Set(previous?.locks.filter(lock => isStale(lock.verdict)).map(lock => lock.name));
	for (const lock of next.locks) {
		if (isStale(lock.verdict) && !staleBefore.has(lock.name)) {
			events.push({kind: 'lock.stale', account: lock.account, component: lock.name, pid: lock.pid, message: `${lock.name} lock is stale (${lock.verdict}): ${lock.reason}`, detail: {verdict: lock.verdict, reason: lock.reason}});
		}
	}

	const accountsBefore = new Map(previous?.accounts.map(account => [account.id, account.health]) ?? []);
	for (const account of next.accounts) {
		const health = account.health;
		// Before its first status arrives an account is unknown by default, not by news.
		if (!health || unheard(health)) {
			continue;
		}

		const was = accountsBefore.get(account.id);
		const known = was && !unheard(was) ? was : null;
		for (const level of healthLevels) {
			const from = known ? known[level].state : 'unknown';
			const to = health[level].state;
			// The first news of an account (a writer starting, its first status arriving) is worth
			// a line only where it is not ok: the state found, as a change from unknown.
			if (from === to || (known === null && to === 'ok')) {
				continue;
			}

			events.push({
				kind: 'health.changed',
				level: to === 'down' ? 'crit' : to === 'ok' ? 'info' : 'warn',
				account: account.id,
				message: `${account.id} ${level} ${from} → ${to}: ${health[level].reason}`,
				detail: {level, from, to, reason: health[level].reason},
			});
		}
	}

	return events;
}
