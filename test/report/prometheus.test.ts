import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import path from 'node:path';
import {test} from 'node:test';
import {componentStates, levelExitCodes} from '../../source/vocabulary.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {verdictCodes} from '../../source/locks/types.js';
import {escapeLabelValue, toPrometheus} from '../../source/report/prometheus.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {accountView, fleet, incidentFleet} from '../ui/fixtures.js';
import {parseExposition, type ParsedFamily} from './exposition-parser.js';

function samplesOf(families: ParsedFamily[], name: string): ParsedFamily['samples'] {
	const family = families.find(candidate => candidate.name === name);
	assert.ok(family, `family ${name} is written`);
	assert.equal(family.type, 'gauge');
	assert.ok(family.help && family.help.length > 0, `${name} has HELP`);
	return family.samples;
}

function valueOf(families: ParsedFamily[], name: string, labels: Record<string, string>): number | undefined {
	return samplesOf(families, name).find(sample => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}

test('the strict parser itself refuses what Prometheus refuses', () => {
	const bad = [
		'fleetdeck_level 1', // no final line feed
		'fleetdeck_level{account="a\\x"} 1\n', // unknown escape
		'fleetdeck_level{account="a"} 1 1700000000000\n', // a timestamp
		'fleetdeck_level{account=a} 1\n',
		'fleetdeck_level one\n',
		'# TYPE fleetdeck_level gauge\n# TYPE fleetdeck_level gauge\n',
		'a 1\nb 1\na 2\n', // a family split in two
		'a{x="1"} 1\na{x="1"} 2\n', // a series twice
		'9a 1\n',
	];
	for (const text of bad) {
		assert.throws(() => parseExposition(text), /^Error: (line \d+: expected|expected the text)/, JSON.stringify(text));
	}

	assert.deepEqual(parseExposition('# HELP a b\\\\c\\n\n# TYPE a gauge\na{x="q\\"\\\\\\n"} -Inf\n'), [
		{name: 'a', help: 'b\\c\n', type: 'gauge', samples: [{name: 'a', labels: {x: 'q"\\\n'}, value: -Infinity}]},
	]);
});

test('the incident fleet parses, with levels as exit codes and states one series per value', () => {
	const snapshot = incidentFleet();
	snapshot.locks = [snapshot.accounts[3]!.components[0]!.lock!];
	snapshot.problems = [
		{level: 'crit', code: 'duplicate', account: 'ATLAS', component: 'BRAIN_ATLAS', message: '3 copies'},
		{level: 'warn', code: 'stale-lock', account: 'GL_3', component: 'WATCHDOG_GL_3', message: 'stale'},
		{level: 'crit', code: 'not-running', account: 'GL_3', component: 'WATCHDOG_GL_3', message: 'not running'},
	];
	const families = parseExposition(toPrometheus(snapshot));
	for (const family of families) {
		assert.match(family.name, /^fleetdeck_[a-z_]+$/);
	}

	assert.equal(valueOf(families, 'fleetdeck_level', {}), levelExitCodes.crit);
	assert.equal(valueOf(families, 'fleetdeck_account_level', {account: 'ATLAS', number: '212000584'}), 2);
	assert.equal(valueOf(families, 'fleetdeck_account_level', {account: 'BG_INSTANT'}), 0);

	// Exactly one state series is 1 per component, and it is the component's state.
	const states = samplesOf(families, 'fleetdeck_component_state');
	const components = [...snapshot.services, ...snapshot.accounts.flatMap(account => account.components)];
	assert.equal(states.length, components.length * componentStates.length);
	for (const component of components) {
		const mine = states.filter(sample => sample.labels['component'] === component.name);
		assert.deepEqual(mine.filter(sample => sample.value === 1).map(sample => sample.labels['state']), [component.state]);
	}

	assert.equal(valueOf(families, 'fleetdeck_component_state', {component: 'BRAIN_ATLAS', state: 'duplicate'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_component_instances', {component: 'BRAIN_ATLAS'}), 3);
	assert.equal(valueOf(families, 'fleetdeck_component_restarts', {component: 'BRAIN_ATLAS', account: 'ATLAS', role: 'brain'}), 0);
	assert.equal(valueOf(families, 'fleetdeck_component_state', {component: 'quantum_server', account: ''}), 1, 'a service has an empty account');

	const verdicts = samplesOf(families, 'fleetdeck_lock_verdict');
	assert.equal(verdicts.length, verdictCodes.length);
	assert.deepEqual(verdicts.filter(sample => sample.value === 1).map(sample => sample.labels), [{lock: 'WATCHDOG_GL_3', verdict: 'stale-dead'}]);
	assert.equal(valueOf(families, 'fleetdeck_lock_age_seconds', {lock: 'WATCHDOG_GL_3'}), 600);

	assert.equal(valueOf(families, 'fleetdeck_health_state', {account: 'BG_CHALLENGE', level: 'connection'}), 1, 'degraded is 1');
	assert.equal(valueOf(families, 'fleetdeck_health_state', {account: 'BG_INSTANT', level: 'broker'}), 0);
	assert.equal(valueOf(families, 'fleetdeck_health_state', {account: 'FTMO'}), undefined, 'no status source, no health series');
	assert.equal(valueOf(families, 'fleetdeck_poll_latency_seconds', {account: 'ATLAS'}), 0.038);
	assert.equal(valueOf(families, 'fleetdeck_status_stale', {account: 'ATLAS'}), 0);
	assert.equal(valueOf(families, 'fleetdeck_drift', {account: 'ATLAS', class: 'closed-externally', status: 'confirmed'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_drift', {account: 'ATLAS', class: 'missing-sl', status: 'confirmed'}), 0, 'zero series exist for alert rules');
	assert.equal(valueOf(families, 'fleetdeck_positions', {account: 'ATLAS', side: 'broker'}), 2);
	assert.equal(valueOf(families, 'fleetdeck_problems', {level: 'crit'}), 2);
	assert.equal(valueOf(families, 'fleetdeck_problems', {level: 'warn'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_problems', {level: 'unknown'}), 0);
	assert.equal(valueOf(families, 'fleetdeck_snapshot_timestamp_seconds', {}), Date.parse(snapshot.generatedAt) / 1000);
});

test('label values from lockfiles are escaped: quotes, backslashes, line feeds survive a round trip', () => {
	// Without a config, account ids come from the lockfiles' free-text account field.
	const weird = 'A "quoted" \\ path\nnext line';
	assert.equal(escapeLabelValue(weird), 'A \\"quoted\\" \\\\ path\\nnext line');
	const snapshot: FleetSnapshot = fleet([accountView(weird, '1', {brain: {state: 'unlocked', level: 'warn'}})], 'warn');
	snapshot.services = [];
	const families = parseExposition(toPrometheus(snapshot));
	assert.equal(valueOf(families, 'fleetdeck_account_level', {account: weird}), levelExitCodes.ok);
	assert.equal(valueOf(families, 'fleetdeck_component_state', {account: weird, component: `BRAIN_${weird}`, state: 'unlocked'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_level', {}), levelExitCodes.warn);
});

test('an empty fleet still writes every family header and the level', () => {
	const snapshot: FleetSnapshot = {...fleet([], 'ok'), services: [], health: null};
	const families = parseExposition(toPrometheus(snapshot));
	assert.equal(valueOf(families, 'fleetdeck_level', {}), 0);
	assert.deepEqual(samplesOf(families, 'fleetdeck_component_state'), []);
	assert.equal(families.length, 16);
});

test('fleetdeck --once --format prometheus on real locks: parses, and exits with the level', async t => {
	const dir = tempDir(t, 'fleetdeck-prom-');
	const locksDir = path.join(dir, '.locks');
	const holder = spawnIdle(t, uniqueMarker());
	writeLock(locksDir, 'BRAIN_LIVE', holder.pid, {account: 'ACC "1"'});
	// A PID that has exited: the lock is provably stale.
	const gone = spawn(process.execPath, ['-e', '']);
	const gonePid = gone.pid!;
	await new Promise(resolve => gone.once('exit', resolve));
	writeLock(locksDir, 'WATCHDOG_DEAD', gonePid, {account: 'ACC "1"', startToken: '1'});

	const result = await runCli(['--once', '--format', 'prometheus'], {cwd: dir});
	const families = parseExposition(result.stdout);
	const level = valueOf(families, 'fleetdeck_level', {});
	assert.equal(result.code, level, result.stderr);
	assert.equal(result.code, levelExitCodes.warn, 'without a config a stale lock alone is WARN: nothing says its component must run');
	assert.equal(valueOf(families, 'fleetdeck_lock_verdict', {lock: 'BRAIN_LIVE', verdict: 'live'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_lock_verdict', {lock: 'WATCHDOG_DEAD', verdict: 'stale-dead'}), 1);
	assert.equal(valueOf(families, 'fleetdeck_component_state', {account: 'ACC "1"', component: 'BRAIN_LIVE', state: 'running'}), 1);
	assert.ok((valueOf(families, 'fleetdeck_lock_age_seconds', {lock: 'BRAIN_LIVE'}) ?? -1) >= 0);

	const bad = await runCli(['--once', '--format', 'openmetrics'], {cwd: dir});
	assert.equal(bad.code, 64);
	assert.match(bad.stderr, /text, json, prometheus/);
	assert.equal(bad.stdout, '');
});
