import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {formatLaunchTable, formatPlan} from '../../source/control/format.js';
import {skipAction, skipReason, skipRefuses, stepLabel} from '../../source/control/steps.js';
import {skipWhys, type Plan, type PlanStep, type SkipReason, type SkipStep, type SkipWhy} from '../../source/control/types.js';

function skip(reason: SkipReason, account: string | null = 'ATLAS'): SkipStep {
	return {id: `skip-${reason.why}`, kind: 'skip', component: 'BRAIN_ATLAS', account, ...reason};
}

/** Every skip reason with the words it prints (exactly as before the steps were typed) and whether it is a refusal. */
const table: Array<{step: SkipStep; label: string; reason: string; refuses: boolean; action: 'launch' | 'stop'}> = [
	{step: skip({why: 'already-running', state: 'running', holderPid: 19_248}), label: 'BRAIN_ATLAS: already running', reason: 'already running (running, lock held by PID 19248)', refuses: false, action: 'launch'},
	{step: skip({why: 'already-running', state: 'orphaned', holderPid: null}), label: 'BRAIN_ATLAS: already running', reason: 'already running (orphaned, lock held by PID ?)', refuses: false, action: 'launch'},
	{step: skip({why: 'disabled'}), label: 'BRAIN_ATLAS: not started', reason: 'disabled in the config', refuses: false, action: 'launch'},
	{step: skip({why: 'duplicates-running', pids: [500, 600]}), label: 'BRAIN_ATLAS: refused', reason: '2 copies are running (PIDs 500, 600); run "fleetdeck stop-duplicates ATLAS" first', refuses: true, action: 'launch'},
	{step: skip({why: 'duplicates-running', pids: [500, 600, 700]}, null), label: 'BRAIN_ATLAS: refused', reason: '3 copies are running (PIDs 500, 600, 700); run "fleetdeck stop-duplicates" first', refuses: true, action: 'launch'},
	{step: skip({why: 'unlocked-copy', pids: [500]}), label: 'BRAIN_ATLAS: refused', reason: 'a copy runs without its lock (PID 500); stop it first ("fleetdeck shutdown ATLAS")', refuses: true, action: 'launch'},
	{step: skip({why: 'held-remotely', hostname: 'box-2', lockReason: 'heartbeat 4 s ago'}), label: 'BRAIN_ATLAS: refused', reason: 'its lock is held on host box-2 (heartbeat 4 s ago); it is not started here', refuses: true, action: 'launch'},
	{step: skip({why: 'lock-unverifiable', verdict: 'unknown', lockReason: 'PID 7 cannot be checked'}), label: 'BRAIN_ATLAS: refused', reason: 'its lock cannot be verified (unknown: PID 7 cannot be checked); doubt means held', refuses: true, action: 'launch'},
	{step: skip({why: 'name-only', pid: 400, lock: null}), label: 'BRAIN_ATLAS PID 400: not stopped', reason: 'matched by name only; not stopped without a config', refuses: false, action: 'stop'},
	{step: skip({why: 'name-only', pid: 300, lock: {recordPid: 300, byPattern: true}}), label: 'BRAIN_ATLAS PID 300: not stopped', reason: 'matched by name only; not stopped without a config (its lock record names PID 300 but proves it by a pattern only, with no start token)', refuses: true, action: 'stop'},
	{step: skip({why: 'name-only', pid: 300, lock: {recordPid: null, byPattern: false}}), label: 'BRAIN_ATLAS PID 300: not stopped', reason: 'matched by name only; not stopped without a config (its lock record names PID ? but proves it by its name only, with no start token)', refuses: true, action: 'stop'},
	{step: skip({why: 'not-visible', verdict: 'live', lockReason: 'PID 42 is running'}), label: 'BRAIN_ATLAS: not stopped', reason: 'its lock is live (PID 42 is running) and no process of it is visible here', refuses: true, action: 'stop'},
	{step: skip({why: 'not-visible', verdict: 'remote', lockReason: 'held on box-2'}), label: 'BRAIN_ATLAS: not stopped', reason: 'its lock is remote (held on box-2) and no process of it is visible here', refuses: false, action: 'stop'},
	{step: skip({why: 'kept', pid: 600, holdsLock: true}), label: 'keep BRAIN_ATLAS PID 600', reason: 'it holds the lock', refuses: false, action: 'stop'},
	{step: skip({why: 'kept', pid: 500, holdsLock: false}), label: 'keep BRAIN_ATLAS PID 500', reason: 'no copy holds a live lock; it is the oldest', refuses: false, action: 'stop'},
];

test('each skip reason formats to its label and reason, and is a refusal exactly when something had to be done', () => {
	for (const row of table) {
		assert.equal(stepLabel(row.step), row.label, row.step.why);
		assert.equal(skipReason(row.step), row.reason, row.step.why);
		assert.equal(skipRefuses(row.step), row.refuses, `${row.step.why}: refusal`);
		assert.equal(skipAction[row.step.why], row.action, `${row.step.why}: action`);
	}

	const covered = new Set<SkipWhy>(table.map(row => row.step.why));
	assert.deepEqual(skipWhys.filter(why => !covered.has(why)), [], 'every skip reason has a row');
});

test('stop, launch and clear steps are labelled from their typed targets', () => {
	const stop = (why: 'component' | 'duplicate' | 'unlocked', pids: number[]): PlanStep => ({
		id: 'a',
		kind: 'stop',
		target: {component: 'BRAIN_ATLAS', account: 'ATLAS', pid: pids[0]!, startToken: '1', pids, why, lock: null, stopSignal: 'SIGTERM', stopTimeoutSeconds: 30},
	});
	assert.equal(stepLabel(stop('component', [19_248])), 'stop BRAIN_ATLAS PID 19248');
	assert.equal(stepLabel(stop('duplicate', [500, 501])), 'stop BRAIN_ATLAS PID 500 (2 processes: 500, 501) (duplicate)');
	assert.equal(stepLabel(stop('unlocked', [500])), 'stop BRAIN_ATLAS PID 500 (running without its lock)');
	assert.equal(stepLabel({id: 'b', kind: 'launch', target: {component: 'svc', account: null, staleLock: null}}), 'start svc');
	assert.equal(stepLabel({id: 'b', kind: 'launch', target: {component: 'svc', account: null, staleLock: 'stale-dead'}}), 'start svc (taking over its stale lock: stale-dead)');
	assert.equal(stepLabel({id: 'c', kind: 'clear', target: {lock: 'svc', verdict: 'stale-reused', reason: 'PID reused'}}), 'remove stale lock svc (stale-reused)');
});

test('the plan and the launch table print the derived words, whatever the opaque step ids are', () => {
	// Ids that a parser of "kind:component:pid" would misread: nothing may take meaning from them.
	const steps: PlanStep[] = [
		{...skip({why: 'already-running', state: 'running', holderPid: 7}), id: 'x:y:z'},
		{...skip({why: 'duplicates-running', pids: [1, 2]}), id: '', component: 'WATCHDOG_ATLAS'},
		{id: 'launch:NOT_ME', kind: 'launch', target: {component: 'svc', account: null, staleLock: null}},
	];
	const plan: Plan = {kind: 'launch', scope: 'all', summary: 'start svc', destructive: false, steps};
	assert.equal(formatPlan(plan), [
		'launch: start svc',
		'  1. BRAIN_ATLAS: already running: already running (running, lock held by PID 7)',
		'  2. WATCHDOG_ATLAS: refused: 2 copies are running (PIDs 1, 2); run "fleetdeck stop-duplicates ATLAS" first',
		'  3. start svc',
	].join('\n'));
	const rows = formatLaunchTable(plan, null).split('\n').map(line => line.split(/\s{2,}/).slice(0, 2).join(' | '));
	assert.deepEqual(rows.slice(1), ['BRAIN_ATLAS | already running', 'WATCHDOG_ATLAS | refused', 'svc | would start']);
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

test('no consumer takes meaning from a step id or a label by matching its text', () => {
	const parsing = /\b(?:id|stepId|label)\s*\??\.\s*(?:split|startsWith|endsWith|includes|match|indexOf|slice)\s*\(/;
	const offenders = ['control', 'commands', 'ui', 'demo'].flatMap(dir => sourceFiles(path.join(root, 'source', dir)))
		.flatMap(file => readFileSync(file, 'utf8').split('\n').map((line, index) => ({file, line, index})))
		.filter(({line}) => parsing.test(line))
		.map(({file, line, index}) => `${path.relative(root, file)}:${index + 1}: ${line.trim()}`);
	assert.deepEqual(offenders, []);
});
