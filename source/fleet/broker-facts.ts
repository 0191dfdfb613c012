import {assessHealth, driftLevel, type DriftItem, type HealthLevel, type PollResult} from '../broker/index.js';
import type {AccountConfig} from '../config/types.js';
import type {AccountHealthView, ComponentView, DriftView, Problem} from './types.js';
import {driftProblemCodes, healthLayers, healthProblemCodes, healthStateLevels, worst, type Level, type ProblemCode} from '../vocabulary.js';

/** What the broker side knows of one account: its latest poll and the drift tracked so far. */
export interface AccountBrokerFacts {
	result: PollResult | null;
	drift: DriftItem[];
	/**
	 * Judge freshness as of this instant rather than the snapshot's: a headless run polls every
	 * account once, and data fresh when polled must not turn STALE while slower accounts finish.
	 */
	judgedAt?: number;
}

/** Broker status per account id, and health-URL checks per service name. */
export interface BrokerFacts {
	accounts: Map<string, AccountBrokerFacts>;
	services: Map<string, HealthLevel>;
}

export interface AccountBrokerView {
	health: AccountHealthView;
	drift: DriftView[];
	positions: {bot: number; broker: number} | null;
	level: Level;
	problems: Problem[];
}

/**
 * The broker half of an account's view: the three health levels (the service level from the
 * brain's component state), drift as tracked, and the problems they raise. Suspected drift and
 * positions opened by hand are shown, never alarmed.
 */
export function accountBrokerView(account: AccountConfig, components: ComponentView[], facts: AccountBrokerFacts | undefined, now: number): AccountBrokerView {
	const brain = components.find(component => component.role === 'brain') ?? null;
	const result = facts?.result ?? null;
	const health = assessHealth({account, result, serviceState: brain?.state ?? null, now: facts?.judgedAt ?? now});
	const problems: Problem[] = [];
	const add = (level: Level, code: ProblemCode, message: string) => {
		if (level !== 'ok') {
			problems.push({level, code, account: account.id, component: brain?.name ?? null, message});
		}
	};

	for (const layer of healthLayers) {
		// The brain's own state is already a problem of its component; the service level adds
		// only what is about its status publisher.
		if (layer === 'service' && brain !== null && brain.state !== 'running') {
			continue;
		}

		add(healthStateLevels[health[layer].state], healthProblemCodes[layer], `${account.id} ${layer} ${health[layer].state}: ${health[layer].reason}`);
	}

	const drift = (facts?.drift ?? []).map(item => ({class: item.class, status: item.status, positionId: item.positionId, symbol: item.symbol, message: item.message}));
	for (const item of facts?.drift ?? []) {
		const code = driftProblemCodes[item.class];
		if (item.status === 'confirmed' && item.severity !== 'info' && code !== null) {
			add(item.severity, code, `${account.id}: ${item.message}`);
		}
	}

	const published = result?.snapshot?.positions;
	const positions = published ? {bot: published.bot?.length ?? 0, broker: published.broker?.length ?? 0} : null;
	const drifted = driftLevel(facts?.drift ?? []);
	const level = worst(...healthLayers.map(layer => healthStateLevels[health[layer].state]), drifted === 'info' ? 'ok' : drifted);
	return {health, drift, positions, level, problems};
}

/** A service's health-URL check as a problem, when it is not ok. */
export function serviceHealthProblem(component: ComponentView, health: HealthLevel): Problem | null {
	const level = healthStateLevels[health.state];
	return level === 'ok' ? null : {level, code: 'health-url', account: null, component: component.name, message: `${component.name} health check ${health.state}: ${health.reason}`};
}
