import {checkServiceHealth, DriftTracker, startAccountPollers, type DriftItem, type DriftObservation, type HealthLevel} from '../broker/index.js';
import type {FleetConfig} from '../config/types.js';
import type {Journal} from '../journal/index.js';
import type {DeckSources} from '../ui/sources.js';
import {watchLocks} from '../ui/watch-locks.js';
import type {BrokerFacts} from './broker-facts.js';
import {fleetChanges} from './changes.js';
import {gatherSnapshot} from './gather.js';
import type {FleetSnapshot} from './types.js';

export interface LiveFleet extends DeckSources {
	/** Stop every poller, timer and watcher. */
	dispose(): Promise<void>;
}

function journalDrift(journal: Journal, accountId: string, observation: DriftObservation): void {
	const record = (item: DriftItem, kind: 'drift.raised' | 'drift.resolved') => {
		journal.record({
			kind,
			level: kind === 'drift.resolved' || item.severity === 'info' ? 'info' : item.severity,
			account: accountId,
			message: kind === 'drift.raised' ? item.message : `resolved: ${item.message}`,
			detail: {class: item.class, positionId: item.positionId, symbol: item.symbol, ...item.detail},
		});
	};

	for (const item of observation.raised) {
		record(item, 'drift.raised');
	}

	for (const item of observation.resolved) {
		record(item, 'drift.resolved');
	}
}

/**
 * The deck's view of the live world: one broker poller and drift tracker per account, a service
 * health check every poll interval, snapshots built on demand from the latest of each, and the
 * journal fed with what changed between snapshots.
 */
export function startLiveFleet(config: FleetConfig, journal: Journal): LiveFleet {
	const trackers = new Map(config.accounts.flatMap(account => (account.broker ? [[account.id, new DriftTracker(account.broker.limits, account)] as const] : [])));
	const drift = new Map<string, DriftItem[]>();
	const sampledAt = new Map<string, number>();
	const pollers = startAccountPollers(config.accounts, {
		onChange(result) {
			const observation = trackers.get(result.accountId)?.observe(result.snapshot, Date.now());
			if (observation) {
				drift.set(result.accountId, observation.items);
				journalDrift(journal, result.accountId, observation);
			}
		},
	});

	const services = new Map<string, HealthLevel>();
	let checking = false;
	const checkServices = async () => {
		if (checking) {
			return;
		}

		checking = true;
		await Promise.all(
			config.services.map(async service => {
				if (service.health) {
					services.set(service.name, await checkServiceHealth(service.health.url, service.health.timeoutSeconds));
				}
			}),
		);
		checking = false;
	};

	void checkServices();
	const serviceTimer = setInterval(() => void checkServices(), config.pollSeconds * 1000);

	const brokerFacts = async (): Promise<BrokerFacts> => {
		const latest = pollers.latest();
		return {
			accounts: new Map([...latest].map(([id, result]) => [id, {result, drift: drift.get(id) ?? []}])),
			services: new Map(services),
		};
	};

	let previous: FleetSnapshot | null = null;
	const remember = (snapshot: FleetSnapshot) => {
		for (const event of fleetChanges(previous, snapshot)) {
			journal.record(event);
		}

		// One health sample per completed poll, for the latency sparkline and the history.
		for (const account of snapshot.accounts) {
			const polled = pollers.latest().get(account.id)?.polledAt;
			if (account.health && polled !== undefined && sampledAt.get(account.id) !== polled) {
				sampledAt.set(account.id, polled);
				journal.sample({account: account.id, service: account.health.service.state, connection: account.health.connection.state, broker: account.health.broker.state, latencyMs: account.health.latencyMs, at: new Date(polled).toISOString()});
			}
		}

		previous = snapshot;
	};

	return {
		pollSeconds: config.pollSeconds,
		async snapshot() {
			const snapshot = await gatherSnapshot(config, {broker: brokerFacts});
			remember(snapshot);
			return snapshot;
		},
		watchLocks: onChange => watchLocks(config.locksDir, onChange),
		recentEvents: limit => journal.events({limit}),
		latency: (account, limit) => journal.samples(account, limit).flatMap(sample => (sample.latencyMs === null ? [] : [sample.latencyMs])),
		async dispose() {
			clearInterval(serviceTimer);
			await pollers.stop();
		},
	};
}
