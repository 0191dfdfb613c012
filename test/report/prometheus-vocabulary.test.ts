import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import type {AccountView, FleetSnapshot, LockView} from '../../source/fleet/types.js';
import {toPrometheus} from '../../source/report/prometheus.js';
import {
	byHealthLayer,
	componentStates,
	driftClasses,
	driftStatuses,
	healthLayers,
	healthStateLevels,
	healthStates,
	levelExitCodes,
	levels,
	problemCodes,
	problemLevels,
	verdictCodes,
} from '../../source/vocabulary.js';
import {repoRoot} from '../helpers/cli.js';
import {accountView, componentView, fleet} from '../ui/fixtures.js';
import {parseExposition, type ParsedFamily} from './exposition-parser.js';

/**
 * Prometheus writes every vocabulary member: the snapshot below is built by iterating the
 * vocabulary's arrays (one component per state, one lock per verdict, one account per health
 * state, every drift class in every status, one problem per level), so a member added to the
 * vocabulary is checked here with no change to this file.
 */

function everyMemberSnapshot(): FleetSnapshot {
	const components = componentStates.map((state, index) => componentView(`C_${state}`, 'brain', 'ALL', {state, level: levels[index % levels.length], pid: 10_000 + index * 100}));
	const locks = verdictCodes.map((verdict, index): LockView => ({...componentView(`L_${verdict}`, 'brain', 'ALL', {verdict, pid: 40_000 + index * 100}).lock!}));
	const healthAccounts = healthStates.map((state, index): AccountView => ({
		...accountView(`H_${state}`, String(500 + index), {level: healthStateLevels[state]}),
		health: {...byHealthLayer(layer => ({state, reason: `${layer} ${state}`})), stale: false, asOf: null, latencyMs: null, error: null},
	}));
	const drift = driftClasses.flatMap(driftClass => driftStatuses.map((status, index) => ({class: driftClass, status, positionId: 7000 + index, symbol: 'BTCUSD', message: `${driftClass} ${status}`})));
	const all: AccountView = {...accountView('ALL', '100', {drift}), components};
	const snapshot = fleet([all, ...healthAccounts]);
	snapshot.services = healthStates.map((state, index) => ({...componentView(`S_${state}`, 'service', null, {pid: 8000 + index}), health: {state, reason: state}}));
	snapshot.locks = locks;
	snapshot.problems = problemLevels.map((level, index) => ({level, code: problemCodes[index % problemCodes.length]!, account: null, component: null, message: level}));
	return snapshot;
}

function samples(families: ParsedFamily[], name: string): ParsedFamily['samples'] {
	const found = families.find(family => family.name === name);
	assert.ok(found, `family ${name} is written`);
	return found.samples;
}

function value(families: ParsedFamily[], name: string, labels: Record<string, string>): number | undefined {
	const matching = samples(families, name).filter(sample => Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted));
	assert.ok(matching.length <= 1, `${name} ${JSON.stringify(labels)}: at most one series`);
	return matching[0]?.value;
}

test('every component state, verdict, health state and layer, drift class and status, and problem level is written', () => {
	const snapshot = everyMemberSnapshot();
	const families = parseExposition(toPrometheus(snapshot));

	for (const state of componentStates) {
		assert.equal(value(families, 'fleetdeck_component_state', {component: `C_${state}`, state}), 1, `component state ${state}`);
		const series = samples(families, 'fleetdeck_component_state').filter(sample => sample.labels['component'] === `C_${state}`);
		assert.deepEqual(series.map(sample => sample.labels['state']), [...componentStates], `C_${state}: one series per state`);
	}

	for (const verdict of verdictCodes) {
		assert.equal(value(families, 'fleetdeck_lock_verdict', {lock: `L_${verdict}`, verdict}), 1, `verdict ${verdict}`);
		assert.equal(samples(families, 'fleetdeck_lock_verdict').filter(sample => sample.labels['lock'] === `L_${verdict}`).length, verdictCodes.length);
	}

	for (const state of healthStates) {
		const code = levelExitCodes[healthStateLevels[state]];
		for (const layer of healthLayers) {
			assert.equal(value(families, 'fleetdeck_health_state', {account: `H_${state}`, level: layer}), code, `health ${layer} ${state}`);
		}

		assert.equal(value(families, 'fleetdeck_service_health_state', {component: `S_${state}`}), code, `service health ${state}`);
		assert.equal(value(families, 'fleetdeck_account_level', {account: `H_${state}`}), code, `account level ${healthStateLevels[state]}`);
	}

	for (const driftClass of driftClasses) {
		for (const status of driftStatuses) {
			assert.equal(value(families, 'fleetdeck_drift', {account: 'ALL', class: driftClass, status}), 1, `drift ${driftClass} ${status}`);
		}
	}

	for (const level of problemLevels) {
		assert.equal(value(families, 'fleetdeck_problems', {level}), 1, `problems at ${level}`);
	}

	const componentLevels = new Set(samples(families, 'fleetdeck_component_level').map(sample => sample.value));
	assert.deepEqual(componentLevels, new Set(levels.map(level => levelExitCodes[level])), 'every level is written as its exit code');
});

test('a member added to a vocabulary array is written with no change to the Prometheus face', () => {
	// Proves the face iterates the vocabulary itself, not a copy of it: the arrays are frozen
	// only by their type, so a test can add a member for the length of one render.
	const added: Array<[readonly string[], string, string, Record<string, string>]> = [
		[componentStates, 'brand-new-state', 'fleetdeck_component_state', {state: 'brand-new-state'}],
		[verdictCodes, 'brand-new-verdict', 'fleetdeck_lock_verdict', {verdict: 'brand-new-verdict'}],
		[driftClasses, 'brand-new-class', 'fleetdeck_drift', {class: 'brand-new-class'}],
		[driftStatuses, 'brand-new-status', 'fleetdeck_drift', {status: 'brand-new-status'}],
		[problemLevels, 'brand-new-level', 'fleetdeck_problems', {level: 'brand-new-level'}],
	];
	const snapshot = everyMemberSnapshot();
	for (const [array, member, family, labels] of added) {
		const mutable = array as string[];
		mutable.push(member);
		try {
			const written = samples(parseExposition(toPrometheus(snapshot)), family).filter(sample => Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted));
			assert.ok(written.length > 0, `${family} writes the added ${member}`);
			assert.ok(written.every(sample => sample.value === 0), `${member}: nothing in the snapshot has it yet`);
		} finally {
			mutable.pop();
		}
	}
});

test('metric names and label names are the ones the README documents', () => {
	const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const documented = new Map<string, string[]>();
	for (const match of readme.matchAll(/^\| `(fleetdeck_[a-z_]+)` \|([^|]*)\|/gm)) {
		const labels = match[2]!.replaceAll(/\([^)]*\)/g, '');
		documented.set(match[1]!, [...labels.matchAll(/`([a-z_]+)`/g)].map(label => label[1]!).sort());
	}

	const families = parseExposition(toPrometheus(everyMemberSnapshot()));
	assert.deepEqual(families.map(family => family.name).sort(), [...documented.keys()].sort());
	for (const family of families) {
		const labels = new Set(family.samples.flatMap(sample => Object.keys(sample.labels)));
		assert.deepEqual([...labels].sort(), documented.get(family.name), `${family.name}: its labels`);
	}

	const healthRow = /^\| `fleetdeck_health_state` \|[^|]*`level` \(([^)]*)\)/m.exec(readme)?.[1] ?? '';
	assert.deepEqual([...healthRow.matchAll(/`([a-z]+)`/g)].map(match => match[1]), [...healthLayers], 'the README names the health layers');
});

test('HELP spells out the codes the values use, written from the vocabulary', () => {
	const families = parseExposition(toPrometheus(everyMemberSnapshot()));
	const help = (name: string) => families.find(family => family.name === name)?.help;
	assert.equal(help('fleetdeck_level'), 'Overall fleet level: 0 ok, 1 warn, 2 crit, 3 unknown (the --once exit code).');
	assert.equal(help('fleetdeck_health_state'), 'Account health per level (service, connection, broker): 0 ok, 1 degraded, 2 down, 3 unknown.');
	for (const name of ['fleetdeck_level', 'fleetdeck_account_level', 'fleetdeck_component_level']) {
		for (const level of levels) {
			assert.ok(help(name)?.includes(`${levelExitCodes[level]} ${level}`), `${name} HELP names ${level}`);
		}
	}

	for (const name of ['fleetdeck_health_state', 'fleetdeck_service_health_state']) {
		for (const state of healthStates) {
			assert.ok(help(name)?.includes(`${levelExitCodes[healthStateLevels[state]]} ${state}`), `${name} HELP names ${state}`);
		}
	}
});
