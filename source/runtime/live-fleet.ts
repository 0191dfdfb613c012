import {DriftTracker, startAccountPollers, type DriftItem, type DriftObservation, type HealthLevel} from '../broker/index.js';
import type {FleetConfig} from '../config/types.js';
import type {BrokerFacts} from '../fleet/broker-facts.js';
import {fleetChanges} from '../fleet/changes.js';
import {gatherSnapshot} from '../fleet/gather.js';
import type {FleetSnapshot} from '../fleet/types.js';
import type {NewEvent} from '../journal/types.js';
import type {DeckSources} from './deck-sources.js';
import type {RuntimePorts} from './default-ports.js';
import {createWriterElection, type WriterElection} from './writer-election.js';

export interface LiveFleetOptions {
	/** Who runs this fleet view, in the journal's words; default "the deck". */
	by?: string;
	/** Called with each fleet change this process journaled (the watcher prints them). */
	onRecorded?: (event: NewEvent) => void;
	/** Problems the operator should hear about; default: none said. */
	onWarning?: (message: string) => void;
}

export interface LiveFleet extends DeckSources {
	/** Whether this process is the one that journals the fleet's changes, and if not, why not. */
	readonly election: Pick<WriterElection, 'standing'>;
	/** Stop every poller, timer and watcher, and release the writer's lock if held. */
	dispose(): Promise<void>;
}

function driftEvents(accountId: string, observation: DriftObservation): NewEvent[] {
	const event = (item: DriftItem, kind: 'drift.raised' | 'drift.resolved'): NewEvent => ({
		kind,
		level: kind === 'drift.resolved' || item.severity === 'info' ? 'info' : item.severity,
		account: accountId,
		message: kind === 'drift.raised' ? item.message : `resolved: ${item.message}`,
		detail: {class: item.class, positionId: item.positionId, symbol: item.symbol, ...item.detail},
	});
	return [...observation.raised.map(item => event(item, 'drift.raised')), ...observation.resolved.map(item => event(item, 'drift.resolved'))];
}

/**
 * The live world, for a deck and for `fleetdeck watch`: one broker poller and drift tracker per
 * account, a service health check every poll interval, snapshots built on demand from the latest
 * of each, and what changed between snapshots (duplicates, stale locks, health, drift, health
 * samples) journaled, but only while this process is the elected writer: two decks, or a deck and
 * a watcher, must never count one duplicate twice. Changes are still tracked while another process
 * writes, so a deck taking over records only what changes after it did.
 */
export function startLiveFleet(config: FleetConfig, ports: RuntimePorts, options: LiveFleetOptions = {}): LiveFleet {
	const {locks, status, events: journal} = ports;
	const by = options.by ?? 'the deck';
	const pollMs = config.pollSeconds * 1000;
	// Tried at most twice a poll interval: a deck's rebuilds come from its poll timer and from
	// every lock change, the writer's own heartbeat included. The first try starts now, before
	// the pollers' first results can bring drift to journal.
	const election = createWriterElection({locks, journal, by, minIntervalMs: pollMs / 2, onWarning: options.onWarning});
	void election.refresh();
	const isWriter = () => election.standing().writer;
	const write = (event: NewEvent) => {
		journal.record(event);
		options.onRecorded?.(event);
	};

	const trackers = new Map(config.accounts.flatMap(account => (account.broker ? [[account.id, new DriftTracker(account.broker.limits, account)] as const] : [])));
	const drift = new Map<string, DriftItem[]>();
	const sampledAt = new Map<string, number>();
	const pollers = startAccountPollers(config.accounts, {
		fetch: async (source, fetchOptions) => status.fetch(source, fetchOptions),
		onChange(result) {
			const observation = trackers.get(result.accountId)?.observe(result.snapshot, Date.now());
			if (observation) {
				drift.set(result.accountId, observation.items);
				if (isWriter()) {
					for (const event of driftEvents(result.accountId, observation)) {
						write(event);
					}
				}
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
					services.set(service.name, await status.checkService(service.health.url, service.health.timeoutSeconds));
				}
			}),
		);
		checking = false;
	};

	void checkServices();
	const serviceTimer = setInterval(() => void checkServices(), pollMs);

	const brokerFacts = async (): Promise<BrokerFacts> => {
		const latest = pollers.latest();
		return {
			accounts: new Map([...latest].map(([id, result]) => [id, {result, drift: drift.get(id) ?? []}])),
			services: new Map(services),
		};
	};

	let previous: FleetSnapshot | null = null;
	const remember = (snapshot: FleetSnapshot, writer: boolean) => {
		const changes = fleetChanges(previous, snapshot);
		previous = snapshot;
		if (!writer) {
			return;
		}

		for (const event of changes) {
			write(event);
		}

		// One health sample per completed poll, for the latency sparkline and the history.
		for (const account of snapshot.accounts) {
			const polled = pollers.latest().get(account.id)?.polledAt;
			if (account.health && polled !== undefined && sampledAt.get(account.id) !== polled) {
				sampledAt.set(account.id, polled);
				journal.sample({account: account.id, service: account.health.service.state, connection: account.health.connection.state, broker: account.health.broker.state, latencyMs: account.health.latencyMs, at: new Date(polled).toISOString()});
			}
		}
	};

	return {
		pollSeconds: config.pollSeconds,
		election,
		async snapshot() {
			// Elected before the world is read: a writer that took over a stale watcher lock must
			// not journal that very lock as stale.
			const {writer} = await election.refresh();
			const snapshot = await gatherSnapshot(config, {broker: brokerFacts});
			remember(snapshot, writer);
			return snapshot;
		},
		watchLocks: onChange => locks.watch(onChange),
		recentEvents: limit => journal.events({limit}),
		latency: (account, limit) => journal.samples(account, limit).flatMap(sample => (sample.latencyMs === null ? [] : [sample.latencyMs])),
		async dispose() {
			clearInterval(serviceTimer);
			await pollers.stop();
			await election.close();
		},
	};
}
