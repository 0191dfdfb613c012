/*
 * `fleetdeck --once --json` wall time and peak memory: the fixture fleet (11 real fake bots
 * holding locks) and 500 accounts × 2 components with thousands of unrelated processes on the
 * host, against a bare `node -e 0` start and `ps -eo pid,lstart,args` as floors.
 * Run alone: npx tsc -p . && node dist/bench/once.js [SLEEPERS]
 */
import {spawn, spawnSync} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {formatTable, median, row, type BenchRow} from './table.js';
import {startFixtureFleet, startSleepers, writeLargeFleet} from './temp-fleet.js';

const cli = fileURLToPath(new URL('../source/cli.js', import.meta.url));
const hasGnuTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;

interface Run {
	ms: number;
	/** Peak resident set of the child, KiB (GNU time); null where it cannot be measured. */
	maxRssKiB: number | null;
}

/** One run of a command, wall time measured here, peak RSS through GNU time when present. */
async function timed(file: string, args: string[], cwd?: string): Promise<Run> {
	const [command, argv] = hasGnuTime ? ['/usr/bin/time', ['-f', 'RSS %M', file, ...args]] : [file, args];
	const started = performance.now();
	const child = spawn(command, argv, {cwd, stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	await new Promise(resolve => child.on('close', resolve));
	const ms = performance.now() - started;
	const rss = /RSS (\d+)\s*$/.exec(stderr)?.[1];
	return {ms, maxRssKiB: rss === undefined ? null : Number(rss)};
}

async function medianOf(runs: number, action: () => Promise<Run>): Promise<Run> {
	const results: Run[] = [];
	for (let index = 0; index < runs; index++) {
		results.push(await action());
	}

	const rss = results.map(result => result.maxRssKiB).filter((value): value is number => value !== null);
	return {ms: median(results.map(result => result.ms)), maxRssKiB: rss.length > 0 ? median(rss) : null};
}

export async function benchOnce(options: {sleepers?: number; runs?: number} = {}): Promise<BenchRow[]> {
	const runs = options.runs ?? 5;
	const rows: BenchRow[] = [];
	const nodeStart = await medianOf(runs, async () => timed(process.execPath, ['-e', '0']));
	const ps = await medianOf(runs, async () => timed('ps', ['-eo', 'pid,lstart,args']));

	const fixture = await startFixtureFleet();
	let fixtureOnce: Run;
	try {
		fixtureOnce = await medianOf(runs, async () => timed(process.execPath, [cli, '--once', '--json', '--config', fixture.configFile], fixture.dir));
	} finally {
		fixture.close();
	}

	rows.push(row('--once, fixture fleet (5 accounts × 2 + service)', fixtureOnce.ms, 'ms', 'node -e 0', nodeStart.ms));
	rows.push(row('--once, fixture fleet, against ps', fixtureOnce.ms, 'ms', 'ps -eo pid,lstart,args', ps.ms));

	const large = writeLargeFleet(500);
	const sleepers = await startSleepers(options.sleepers ?? 5000);
	try {
		const psLoaded = await medianOf(runs, async () => timed('ps', ['-eo', 'pid,lstart,args']));
		const largeOnce = await medianOf(runs, async () => timed(process.execPath, [cli, '--once', '--json', '--config', large.configFile], large.dir));
		const label = `500 accounts × 2, ${sleepers.count} other processes`;
		rows.push(row(`--once, ${label}`, largeOnce.ms, 'ms', '--once, fixture fleet', fixtureOnce.ms));
		rows.push(row(`--once, ${label}, against ps`, largeOnce.ms, 'ms', `ps with ${sleepers.count} more processes`, psLoaded.ms));
		if (largeOnce.maxRssKiB !== null && nodeStart.maxRssKiB !== null && fixtureOnce.maxRssKiB !== null) {
			rows.push(row('peak RSS of --once, fixture fleet', fixtureOnce.maxRssKiB / 1024, 'MiB', 'node -e 0', nodeStart.maxRssKiB / 1024));
			rows.push(row(`peak RSS of --once, ${label}`, largeOnce.maxRssKiB / 1024, 'MiB', 'node -e 0', nodeStart.maxRssKiB / 1024));
		}
	} finally {
		sleepers.stop();
		large.close();
	}

	return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const sleepers = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
	console.log(formatTable(await benchOnce({sleepers})));
}
