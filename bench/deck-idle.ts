/*
 * CPU of the real deck left alone: `fleetdeck --config …` in a tmux terminal, watching the fixture
 * fleet (11 fake bots holding their locks), with its live sources (process table and locks every
 * poll, the lock watcher, the journal). The bench/tui.ts idle figures hold the data still; this
 * one includes the 2 s re-read of the world. Baseline: a bare `node` idling in the same terminal.
 * Needs tmux; without it the benchmark says so and gives no row.
 * Run alone: npx tsc -p . && node dist/bench/deck-idle.js [SECONDS]
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {formatTable, row, type BenchRow} from './table.js';
import {startFixtureFleet} from './temp-fleet.js';
import {untilBenchExit} from './cleanup.js';

const cli = fileURLToPath(new URL('../source/cli.js', import.meta.url));
const clockTicks = 100;

/** User + system CPU seconds of a process, from /proc/<pid>/stat (fields 14 and 15). */
function cpuSeconds(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** CPU share of one core used by `command` (run by env, so the pane's process is node itself) over `seconds`. */
async function idleShare(command: string[], seconds: number): Promise<number> {
	const socket = path.join(os.tmpdir(), `fleetdeck-bench-${process.pid}-${Date.now()}.sock`);
	const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], {encoding: 'utf8'});
	const killServer = untilBenchExit(() => {
		spawnSync('tmux', ['-S', socket, 'kill-server']);
		rmSync(socket, {force: true});
	});
	try {
		tmux('new-session', '-d', '-s', 'idle', '-x', '100', '-y', '30', ['env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', 'LANG=C.UTF-8', ...command].map(arg => JSON.stringify(arg)).join(' '));
		const pid = Number(tmux('list-panes', '-t', 'idle', '-F', '#{pane_pid}').trim());
		// Let it start, take the first snapshot and settle.
		await sleep(8000);
		const before = cpuSeconds(pid);
		const started = Date.now();
		await sleep(seconds * 1000);
		return (100 * (cpuSeconds(pid) - before)) / ((Date.now() - started) / 1000);
	} finally {
		killServer();
	}
}

export async function benchDeckIdle(seconds = 30): Promise<BenchRow[]> {
	if (spawnSync('tmux', ['-V']).error !== undefined) {
		process.stderr.write('bench: deck idle needs tmux; skipped\n');
		return [];
	}

	const fleet = await startFixtureFleet();
	try {
		const bare = await idleShare([process.execPath, '-e', 'setInterval(() => {}, 1000)'], seconds);
		const deck = await idleShare([process.execPath, cli, '--config', fleet.configFile], seconds);
		return [row(`deck idle ${seconds} s, live fixture fleet, share of one core`, deck, '%', 'idle node', bare)];
	} finally {
		fleet.close();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	console.log(formatTable(await benchDeckIdle(Number(process.argv[2] ?? 30))));
}
