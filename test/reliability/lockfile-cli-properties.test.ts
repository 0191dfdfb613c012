/**
 * The property "no lockfile content can make any command fail as a whole" (issue 13), end to end:
 * hundreds of generated hostile lockfiles in one locks directory per round, and every command
 * that reads locks run once over all of them with the real built CLI. Exit codes are always the
 * documented ones, stderr never carries a stack trace, `--json` always parses, every lock is
 * listed, and a live holder's lock with a hostile field in it is never removed by clear-stale.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import fc from 'fast-check';
import {levelExitCodes as exitCodes} from '../../source/vocabulary.js';
import type {FleetSnapshot, LockView} from '../../source/fleet/types.js';
import {hostFacts, probeProcess} from '../../source/procs/identity.js';
import {isStale, verdictCodes, type VerdictCode} from '../../source/locks/types.js';
import {tempDir} from '../helpers/cli.js';
import {deadPid, spawnSleep, startTokenOf} from '../locks/helpers.js';
import {runFleetdeck, type FleetdeckRun} from './cli-run.js';
import {hostileLockfile, liveHolderVariant, type HolderFacts} from './hostile-locks.js';

const hostileFiles = 160;
const guardedFiles = 24;

function assertClean(run: FleetdeckRun, args: string[], codes: readonly number[]): void {
	const what = `fleetdeck ${args.join(' ')}`;
	assert.ok(run.code !== null && codes.includes(run.code), `${what} exited ${run.code ?? run.signal}, expected one of ${codes.join(', ')}: ${run.stderr.slice(0, 2000)}`);
	assert.doesNotMatch(run.stderr, /^\s+at .*\d+:\d+\)?$/m, `${what}: a stack trace`);
	assert.doesNotMatch(run.stderr, /Invalid time value|RangeError|TypeError|SyntaxError|Maximum call stack/, `${what}: ${run.stderr.slice(0, 2000)}`);
}

async function fleetdeck(root: string, args: string[], codes: readonly number[]): Promise<FleetdeckRun> {
	const run = await runFleetdeck(args, {cwd: root});
	assertClean(run, args, codes);
	return run;
}

const lockNames = (dir: string) => readdirSync(dir).filter(file => file.endsWith('.lock')).map(file => file.slice(0, -'.lock'.length)).sort();

/** One round: write the files, run every command over them, check what each must keep. */
async function round(t: TestContext, seed: number): Promise<void> {
	const root = tempDir(t, 'fleetdeck-hostile-');
	const locksDir = path.join(root, '.locks');
	mkdirSync(locksDir);
	const sleeper = spawnSleep(t);
	const host = hostFacts();
	const live: HolderFacts = {pid: sleeper.pid, hostname: os.hostname(), bootId: host.bootId, startToken: startTokenOf(sleeper.pid), takenAt: new Date().toISOString()};
	const dead: HolderFacts = {...live, pid: deadPid(), startToken: '1'};
	const contents = [
		...fc.sample(hostileLockfile(live), {numRuns: hostileFiles / 2, seed}),
		...fc.sample(hostileLockfile(dead), {numRuns: hostileFiles / 2, seed: seed + 1}),
	];
	const old = new Date(Date.now() - 60_000);
	contents.forEach((raw, index) => {
		const file = path.join(locksDir, `H${String(index).padStart(3, '0')}.lock`);
		writeFileSync(file, raw);
		// Half are past the 2 s grace for unreadable files, so clear-stale has something to remove.
		if (index % 2 === 0) {
			utimesSync(file, old, old);
		}
	});
	// The live holder's own records, each with one hostile field that only informs: always live.
	const guarded = fc.sample(liveHolderVariant(live), {numRuns: guardedFiles, seed: seed + 2}).filter(variant => variant.format === 'v1');
	guarded.forEach((variant, index) => {
		const file = path.join(locksDir, `G${String(index).padStart(3, '0')}.lock`);
		writeFileSync(file, variant.text);
		utimesSync(file, old, old);
	});
	const guardedNames = guarded.map((_, index) => `G${String(index).padStart(3, '0')}`);
	const written = lockNames(locksDir);

	const listed = JSON.parse((await fleetdeck(root, ['locks', '--json'], [0])).stdout) as LockView[];
	assert.deepEqual(listed.map(view => view.name), written, 'every lockfile is listed');
	for (const view of listed) {
		assert.ok(verdictCodes.includes(view.verdict), `${view.name}: ${view.verdict}`);
		assert.ok(view.createdAt === null || !Number.isNaN(Date.parse(view.createdAt)), `${view.name}: createdAt ${view.createdAt}`);
	}

	const verdictOf = new Map<string, VerdictCode>(listed.map(view => [view.name, view.verdict]));
	for (const name of guardedNames) {
		assert.equal(verdictOf.get(name), 'live', `${name}: ${listed.find(view => view.name === name)?.reason}`);
	}

	await fleetdeck(root, ['locks'], [0]);

	const once = await fleetdeck(root, ['--once', '--json'], [0, 1, 2, 3]);
	const snapshot = JSON.parse(once.stdout) as FleetSnapshot;
	assert.equal(once.code, exitCodes[snapshot.level], 'the exit code is the snapshot\'s level');
	assert.deepEqual(snapshot.locks.map(view => view.name), written);

	await fleetdeck(root, ['--once'], [0, 1, 2, 3]);
	const prometheus = await fleetdeck(root, ['--once', '--format', 'prometheus'], [0, 1, 2, 3]);
	for (const line of prometheus.stdout.trimEnd().split('\n')) {
		assert.match(line, /^(?:# (?:HELP|TYPE) fleetdeck_\w+ .+|fleetdeck_\w+(?:\{.*\})? (?:-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|[+-]Inf))$/, line);
	}

	// Headless without --yes: plans are printed, nothing is signalled (64 when there was something to do).
	await fleetdeck(root, ['shutdown'], [0, 1, 64]);
	await fleetdeck(root, ['stop-duplicates'], [0, 1, 64]);
	assert.equal(probeProcess(sleeper.pid).state, 'alive', 'nothing was signalled without --yes');
	const refused = await fleetdeck(root, ['locks', 'clear-all'], [64]);
	assert.match(refused.stderr, /Nothing was removed/);
	assert.deepEqual(lockNames(locksDir), written);

	const cleared = await fleetdeck(root, ['locks', 'clear-stale', '--json'], [0]);
	const removed = (JSON.parse(cleared.stdout) as LockView[]).map(view => {
		assert.ok(isStale(view.verdict), `${view.name} removed as ${view.verdict}`);
		return view.name;
	});
	assert.deepEqual(lockNames(locksDir), written.filter(name => !removed.includes(name)), 'exactly the reported locks were removed');
	for (const name of guardedNames) {
		assert.ok(existsSync(path.join(locksDir, `${name}.lock`)), `${name} (live) survived clear-stale`);
	}

	const forced = await fleetdeck(root, ['locks', 'clear-all', '--force', '--json'], [0]);
	assert.deepEqual((JSON.parse(forced.stdout) as LockView[]).map(view => view.name), written.filter(name => !removed.includes(name)));
	assert.deepEqual(lockNames(locksDir), []);
}

test('no lockfile content makes any command fail as a whole (two rounds of hostile locks directories)', {timeout: 600_000}, async t => {
	for (const seed of [1307, 9001]) {
		await round(t, seed);
	}
});
