/*
 * Lock throughput and reaction time:
 * - acquire + release per second on one NAME, against a bare link() + unlink() loop (the floor:
 *   the two syscalls the protocol cannot do without);
 * - lock change → snapshot: from the moment a lockfile changes, through the directory watcher's
 *   event, to `gatherSnapshot` done (the deck's path), median and p99, with the fixture fleet running.
 * Run alone: npx tsc -p . && node dist/bench/locks.js
 */
import {promises as fs, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {loadConfig} from '../source/config/index.js';
import {gatherSnapshot} from '../source/fleet/gather.js';
import {acquire, release} from '../source/locks/index.js';
import {watchLocks} from '../source/runtime/watch-locks.js';
import {formatTable, median, percentile, row, type BenchRow} from './table.js';
import {startFixtureFleet} from './temp-fleet.js';
import {untilBenchExit} from './cleanup.js';

async function perSecond(durationMs: number, operation: () => Promise<void>): Promise<number> {
	const deadline = performance.now() + durationMs;
	let count = 0;
	const started = performance.now();
	while (performance.now() < deadline) {
		await operation();
		count++;
	}

	return count / ((performance.now() - started) / 1000);
}

export async function benchLockOps(durationMs = 3000): Promise<BenchRow[]> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bench-locks-'));
	const remove = untilBenchExit(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	try {
		const ops = await perSecond(durationMs, async () => {
			const result = await acquire(dir, 'BENCH');
			if (!result.acquired) {
				throw new Error(`BENCH is held: ${result.holder.reason}`);
			}

			await release(dir, 'BENCH', result.record);
		});
		const source = path.join(dir, 'source');
		const target = path.join(dir, 'target.lock');
		await fs.writeFile(source, '{}');
		const floor = await perSecond(durationMs, async () => {
			await fs.link(source, target);
			await fs.unlink(target);
		});
		// Per operation, so that every ratio in the table reads "lower is better".
		return [row(`lock acquire + release (${ops.toFixed(0)}/s)`, 1000 / ops, 'ms/op', `link + unlink loop (${floor.toFixed(0)}/s)`, 1000 / floor)];
	} finally {
		remove();
	}
}

/** `changes` lock changes, one at a time: each timed from the write to the snapshot built after the watcher saw it. */
export async function benchLockToSnapshot(changes = 40): Promise<BenchRow[]> {
	const fleet = await startFixtureFleet();
	const config = loadConfig({config: fleet.configFile, cwd: fleet.dir});
	let onChange: () => void = () => {};
	let ready!: () => void;
	const isReady = new Promise<void>(resolve => {
		ready = resolve;
	});
	const stop = watchLocks(fleet.locksDir, () => onChange(), {onReady: () => ready()});
	try {
		await isReady;
		const latencies: number[] = [];
		const snapshotOnly: number[] = [];
		let held: Awaited<ReturnType<typeof acquire>> | null = null;
		for (let index = 0; index < changes; index++) {
			const seen = new Promise<number>(resolve => {
				onChange = () => {
					onChange = () => {};
					resolve(performance.now());
				};
			});
			const changedAt = performance.now();
			if (held?.acquired) {
				await release(fleet.locksDir, 'EXTRA', held.record);
				held = null;
			} else {
				held = await acquire(fleet.locksDir, 'EXTRA');
			}

			const eventAt = await seen;
			await gatherSnapshot(config);
			const done = performance.now();
			latencies.push(done - changedAt);
			snapshotOnly.push(done - eventAt);
			// Let the watcher's trailing events for this change pass before the next one.
			await new Promise(resolve => setTimeout(resolve, 150));
		}

		return [
			row('lock change → snapshot, median', median(latencies), 'ms', 'gatherSnapshot alone, median', median(snapshotOnly)),
			row('lock change → snapshot, p99', percentile(latencies, 99), 'ms', 'gatherSnapshot alone, p99', percentile(snapshotOnly, 99)),
		];
	} finally {
		stop();
		fleet.close();
	}
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	console.log(formatTable([...await benchLockOps(), ...await benchLockToSnapshot()]));
}
