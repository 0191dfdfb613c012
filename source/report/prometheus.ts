import type {ComponentView, FleetSnapshot} from '../runtime/snapshot.js';
import {
	componentStates,
	driftClasses,
	driftStatuses,
	healthLayers,
	healthStateLevels,
	healthStates,
	levelExitCodes,
	levels,
	problemLevels,
	verdictCodes,
	type HealthState,
	type Level,
} from '../vocabulary.js';

/**
 * `fleetdeck --once --format prometheus`: the snapshot in the Prometheus text exposition format
 * (version 0.0.4), for node_exporter's textfile collector. Every family is a gauge; no sample
 * carries a timestamp (the textfile collector refuses them). Enumerations are exported both ways
 * an alert rule likes: levels as numeric codes equal to the `--once` exit codes, component states
 * and lock verdicts as one series per possible value (1 for the current one, 0 for the others),
 * so `fleetdeck_component_state{state="duplicate"} == 1` needs no lookup table.
 *
 * Every enumerated family iterates the vocabulary's arrays, so a member added there is written
 * here without a change to this file.
 */

export type Labels = Record<string, string>;

export interface MetricFamily {
	/** Full metric name, `fleetdeck_` prefixed. */
	name: string;
	help: string;
	type: 'gauge';
	samples: Array<{labels: Labels; value: number}>;
}

/** A level as Prometheus writes it: its `--once` exit code. */
function levelValue(level: Level): number {
	return levelExitCodes[level];
}

/** A health state as the code of the level it counts as: 0 ok, 1 degraded, 2 down, 3 unknown. */
function healthValue(state: HealthState): number {
	return levelValue(healthStateLevels[state]);
}

/** The codes spelled out for HELP text ("0 ok, 1 warn, …"), written from the same maps as the values. */
function legend<Member extends string>(members: readonly Member[], value: (member: Member) => number): string {
	return [...members].sort((a, b) => value(a) - value(b)).map(member => `${value(member)} ${member}`).join(', ');
}

const levelLegend = legend(levels, levelValue);
const healthLegend = legend(healthStates, healthValue);

/** A label value as the exposition format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
	return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
	return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) {
		return 'NaN';
	}

	if (!Number.isFinite(value)) {
		return value > 0 ? '+Inf' : '-Inf';
	}

	return String(value);
}

function formatLabels(labels: Labels): string {
	const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
	return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function componentLabels(component: ComponentView): Labels {
	// A service has no account: an empty label value is the same as no label to Prometheus.
	return {account: component.account ?? '', component: component.name, role: component.role};
}

function family(name: string, help: string, samples: MetricFamily['samples']): MetricFamily {
	return {name: `fleetdeck_${name}`, help, type: 'gauge', samples};
}

/** The snapshot as metric families, in the order they are written. */
export function prometheusFamilies(snapshot: FleetSnapshot): MetricFamily[] {
	const components = [...snapshot.services, ...snapshot.accounts.flatMap(account => account.components)];
	const watched = snapshot.accounts.filter(account => account.health !== null);
	const problemCounts = new Map<string, number>();
	for (const problem of snapshot.problems) {
		problemCounts.set(problem.level, (problemCounts.get(problem.level) ?? 0) + 1);
	}

	return [
		family('level', `Overall fleet level: ${levelLegend} (the --once exit code).`, [{labels: {}, value: levelValue(snapshot.level)}]),
		family(
			'account_level',
			`Account level: ${levelLegend}.`,
			snapshot.accounts.map(account => ({labels: {account: account.id, number: account.number}, value: levelValue(account.level)})),
		),
		family(
			'component_state',
			'Component state: 1 for the current state, 0 for every other state.',
			components.flatMap(component => componentStates.map(state => ({labels: {...componentLabels(component), state}, value: component.state === state ? 1 : 0}))),
		),
		family('component_level', `Component level: ${levelLegend}.`, components.map(component => ({labels: componentLabels(component), value: levelValue(component.level)}))),
		family('component_instances', 'Running copies of the component, counted by instance (1 is right; more is a duplicate).', components.map(component => ({labels: componentLabels(component), value: component.instances}))),
		family(
			'component_restarts',
			'Restarts so far by the component\'s fleetdeck run supervisor (only for supervised components).',
			components.flatMap(component => (component.restarts === null ? [] : [{labels: componentLabels(component), value: component.restarts}])),
		),
		family(
			'lock_verdict',
			'Lock verdict: 1 for the current verdict, 0 for every other verdict.',
			snapshot.locks.flatMap(lock => verdictCodes.map(verdict => ({labels: {lock: lock.name, verdict}, value: lock.verdict === verdict ? 1 : 0}))),
		),
		family(
			'lock_age_seconds',
			'Seconds since the lock was taken (only for locks that record when).',
			snapshot.locks.flatMap(lock => (lock.ageSeconds === null ? [] : [{labels: {lock: lock.name}, value: lock.ageSeconds}])),
		),
		family(
			'health_state',
			`Account health per level (${healthLayers.join(', ')}): ${healthLegend}.`,
			watched.flatMap(account => healthLayers.map(layer => ({labels: {account: account.id, level: layer}, value: healthValue(account.health![layer].state)}))),
		),
		family('status_stale', '1 when the account\'s status data is older than three poll intervals.', watched.map(account => ({labels: {account: account.id}, value: account.health!.stale ? 1 : 0}))),
		family(
			'poll_latency_seconds',
			'Duration of the last broker status poll.',
			watched.flatMap(account => (account.health!.latencyMs === null ? [] : [{labels: {account: account.id}, value: account.health!.latencyMs / 1000}])),
		),
		family(
			'service_health_state',
			`A service's health URL check: ${healthLegend}.`,
			snapshot.services.flatMap(service => (service.health === null ? [] : [{labels: {component: service.name}, value: healthValue(service.health.state)}])),
		),
		family(
			'drift',
			'Position differences between bot and broker, by class and status (suspected until seen on enough polls).',
			watched.flatMap(account =>
				driftClasses.flatMap(driftClass =>
					driftStatuses.map(status => ({labels: {account: account.id, class: driftClass, status}, value: account.drift.filter(item => item.class === driftClass && item.status === status).length})),
				),
			),
		),
		family(
			'positions',
			'Open positions as the bot and the broker report them.',
			snapshot.accounts.flatMap(account => (account.positions === null ? [] : [{labels: {account: account.id, side: 'bot'}, value: account.positions.bot}, {labels: {account: account.id, side: 'broker'}, value: account.positions.broker}])),
		),
		family('problems', 'Problems in the snapshot, by level.', problemLevels.map(level => ({labels: {level}, value: problemCounts.get(level) ?? 0}))),
		family('snapshot_timestamp_seconds', 'When the snapshot was built, Unix time.', [{labels: {}, value: Date.parse(snapshot.generatedAt) / 1000}]),
	];
}

/** The exposition text, ending with a line feed as the textfile collector requires. */
export function toPrometheus(snapshot: FleetSnapshot): string {
	const lines: string[] = [];
	for (const metric of prometheusFamilies(snapshot)) {
		lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
		for (const sample of metric.samples) {
			lines.push(`${metric.name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
		}
	}

	return `${lines.join('\n')}\n`;
}
