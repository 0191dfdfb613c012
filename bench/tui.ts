/**
 * The deck's running costs, printed, never asserted:
 * - lock change → frame: a lock file written in a temp dir, seen by the real watcher and fleet
 *   store, until the rendered Deck (ink-testing-library) shows it (median, p99);
 * - keypress → frame with 200 accounts (median, p99);
 * - CPU over an idle window (20 s; FLEETDECK_BENCH_IDLE_SECONDS overrides) of a deck with 5 and
 *   with 200 accounts, each in its own process measuring itself, beside an idle Node process;
 * - heap after one simulated hour of 2 s polls on a fake clock, beside the heap at its start.
 * Run: `npx tsc -p . && node --expose-gc dist/bench/tui.js`.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import type {FleetSnapshot} from '../source/fleet/types.js';
import type {JournalEvent} from '../source/journal/types.js';
import {chooseReactBuild} from '../source/ui/run-tui.js';
import type {DeckSources} from '../source/runtime/deck-sources.js';
import type {Clock, Timers} from '../source/ui/sources.js';
import {createActionStore} from '../source/ui/store/action-store.js';
import {createFleetStore} from '../source/ui/store/fleet-store.js';
import {createTheme} from '../source/ui/theme.js';
import {watchLocks} from '../source/runtime/watch-locks.js';
import {FakeTime} from '../test/ui/fake-time.js';
import {componentView, FakeController, incidentFleet, journalEvent, largeFleet} from '../test/ui/fixtures.js';
import {untilBenchExit} from './cleanup.js';

export interface BenchFigure {
	name: string;
	value: number;
	unit: string;
	baseline?: {name: string; value: number};
}

const theme = createTheme({color: true, unicode: true});
const size = {columns: 100, rows: 30};

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function tick(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) {
			throw new Error(`benchTui: timed out waiting for ${what}`);
		}

		await tick();
	}
}

interface MountOptions {
	sources: DeckSources;
	clock?: Clock;
	timers?: Timers;
}

/**
 * React, ink-testing-library and the Deck, loaded as the CLI loads them: after choosing React's
 * build (see `runTui`), so the figures are for the build the deck runs with.
 */
async function loadDeck() {
	chooseReactBuild();
	const [{createElement}, {render}, {Deck}] = await Promise.all([import('react'), import('ink-testing-library'), import('../source/ui/deck/index.js')]);
	return {createElement, render, Deck};
}

type DeckModules = Awaited<ReturnType<typeof loadDeck>>;
let modules: DeckModules | undefined;

/** A Deck over `sources`, rendered by ink-testing-library. */
async function mount({sources, clock, timers}: MountOptions) {
	modules ??= await loadDeck();
	const {createElement, render, Deck} = modules;
	const fleet = createFleetStore({sources, clock, timers});
	const actions = createActionStore({controller: new FakeController(), clock, timers});
	const ink = render(createElement(Deck, {fleet, actions, theme, pollSeconds: sources.pollSeconds, size}));
	return {
		ink,
		frame: () => ink.lastFrame() ?? '',
		dispose() {
			ink.unmount();
			ink.cleanup();
			fleet.dispose();
			actions.dispose();
		},
	};
}

function fixedSources(snapshot: FleetSnapshot, events: JournalEvent[] = []): DeckSources {
	return {snapshot: async () => snapshot, watchLocks: () => () => {}, recentEvents: limit => events.slice(-limit), latency: () => [30, 42, 35], pollSeconds: 2};
}

/** Lock file written → the deck's frame names it, through chokidar and the fleet store. */
async function lockLatency(samples: number): Promise<number[]> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bench-tui-'));
	const remove = untilBenchExit(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const base = incidentFleet();
	const sources: DeckSources = {
		...fixedSources(base),
		// The locks the directory holds, shown as locks of no configured component.
		async snapshot() {
			const locks = readdirSync(dir).filter(file => file.endsWith('.lock')).map(file => componentView(file.slice(0, -5), 'other', null, {verdict: 'stale-dead'}).lock!);
			return {...base, locks};
		},
		watchLocks: onChange => watchLocks(dir, onChange),
		pollSeconds: 3600,
	};
	const deck = await mount({sources});
	const latencies: number[] = [];
	try {
		await until(() => deck.frame().includes('ATLAS'), 'the first frame');
		// Give chokidar time to finish its initial scan.
		await new Promise(resolve => {
			setTimeout(resolve, 500);
		});
		for (let sample = 0; sample < samples; sample++) {
			const name = `BENCH_${sample}`;
			const file = path.join(dir, `${name}.lock`);
			const start = performance.now();
			writeFileSync(file, '{}');
			await until(() => deck.frame().includes(`${name} `), `${name} on screen`);
			latencies.push(performance.now() - start);
			rmSync(file);
			await until(() => !deck.frame().includes(`${name} `), `${name} gone`);
		}
	} finally {
		deck.dispose();
		remove();
	}

	return latencies;
}

/** `j` written to stdin → the selection marker on the next row, 200 accounts. */
async function keyLatency(samples: number): Promise<number[]> {
	const deck = await mount({sources: fixedSources(largeFleet(200))});
	const latencies: number[] = [];
	try {
		await until(() => deck.frame().includes('ACCT_000'), 'the first frame');
		for (let sample = 1; sample <= samples; sample++) {
			const target = `› ACCT_${String(sample).padStart(3, '0')}`;
			const start = performance.now();
			deck.ink.stdin.write('j');
			await until(() => deck.frame().includes(target), target);
			latencies.push(performance.now() - start);
		}
	} finally {
		deck.dispose();
	}

	return latencies;
}

/** Heap before and after 1800 polls (one hour at 2 s) of a changing fleet, on a fake clock. */
async function heapOverAnHour(): Promise<{start: number; end: number}> {
	const time = new FakeTime();
	const events: JournalEvent[] = [];
	let polls = 0;
	const sources: DeckSources = {
		async snapshot() {
			polls++;
			// Something visible changes on every poll: a new event, and CPU figures.
			events.push(journalEvent(polls, `poll ${polls}`));
			if (events.length > 500) {
				events.splice(0, events.length - 500);
			}

			const snapshot = incidentFleet();
			snapshot.generatedAt = new Date(time.now()).toISOString();
			for (const account of snapshot.accounts) {
				for (const component of account.components) {
					component.processes = component.processes.map(process => ({...process, cpu: polls % 7}));
				}
			}

			return snapshot;
		},
		watchLocks: () => () => {},
		recentEvents: limit => events.slice(-limit),
		latency: () => [30 + (polls % 5), 42, 35],
		pollSeconds: 2,
	};
	const deck = await mount({sources, clock: time, timers: time});
	const heap = () => {
		globalThis.gc?.();
		return process.memoryUsage().heapUsed;
	};

	try {
		await until(() => deck.frame().includes('ATLAS'), 'the first frame');
		await time.advance(60_000);
		// ink-testing-library keeps every frame it was given; the deck does not, so they are dropped.
		deck.ink.stdout.frames.length = 0;
		const start = heap();
		for (let second = 0; second < 3600; second += 2) {
			await time.advance(2000);
			deck.ink.stdout.frames.length = 0;
		}

		return {start, end: heap()};
	} finally {
		deck.dispose();
	}
}

const here = fileURLToPath(import.meta.url);

/** CPU seconds a child used over `seconds` of idling: a deck of `accounts`, or bare Node (0). */
async function idleCpu(accounts: number, seconds: number): Promise<number> {
	const child = spawn(process.execPath, [here, '--idle', String(accounts), String(seconds)], {stdio: ['ignore', 'pipe', 'inherit']});
	const stop = untilBenchExit(() => child.kill('SIGKILL'));
	child.once('exit', stop);
	let output = '';
	child.stdout.on('data', chunk => {
		output += String(chunk);
	});
	const code = await new Promise<number | null>(resolve => {
		child.on('close', resolve);
	});
	const cpu = Number(output.trim());
	if (code !== 0 || !Number.isFinite(cpu)) {
		throw new Error(`benchTui: the idle child for ${accounts} accounts failed (exit ${code}): ${output}`);
	}

	return cpu;
}

/** In the idle child: render (or not), wait, print the CPU seconds used over the window. */
async function idleChild(accounts: number, seconds: number): Promise<void> {
	let dispose = () => {};
	if (accounts > 0) {
		const deck = await mount({sources: fixedSources(accounts === 5 ? incidentFleet() : largeFleet(accounts))});
		await until(() => deck.frame().includes('ACCOUNT'), 'the first frame');
		dispose = deck.dispose;
	}

	await new Promise(resolve => {
		setTimeout(resolve, 1000);
	});
	const before = process.cpuUsage();
	await new Promise(resolve => {
		setTimeout(resolve, seconds * 1000);
	});
	const used = process.cpuUsage(before);
	dispose();
	process.stdout.write(`${(used.user + used.system) / 1e6}\n`);
	process.exit(0);
}

export async function benchTui(): Promise<BenchFigure[]> {
	const idleSeconds = Number(process.env['FLEETDECK_BENCH_IDLE_SECONDS'] ?? 20);
	// The three idle processes run side by side while this one measures latencies.
	const idle = Promise.all([idleCpu(0, idleSeconds), idleCpu(5, idleSeconds), idleCpu(200, idleSeconds)]);
	const lock = await lockLatency(30);
	const keys = await keyLatency(30);
	const heap = await heapOverAnHour();
	const [bare, five, many] = await idle;
	const idleBaseline = {name: `idle node, ${idleSeconds} s`, value: bare};
	return [
		{name: 'lock change → frame, median', value: quantile(lock, 0.5), unit: 'ms'},
		{name: 'lock change → frame, p99', value: quantile(lock, 0.99), unit: 'ms'},
		{name: 'keypress → frame, 200 accounts, median', value: quantile(keys, 0.5), unit: 'ms'},
		{name: 'keypress → frame, 200 accounts, p99', value: quantile(keys, 0.99), unit: 'ms'},
		{name: `CPU idle ${idleSeconds} s, 5 accounts`, value: five, unit: 's', baseline: idleBaseline},
		{name: `CPU idle ${idleSeconds} s, 200 accounts`, value: many, unit: 's', baseline: idleBaseline},
		{name: 'heap after one simulated hour of 2 s polls', value: heap.end / 1_048_576, unit: 'MiB', baseline: {name: 'heap at its start', value: heap.start / 1_048_576}},
	];
}

if (process.argv[1] === here) {
	if (process.argv[2] === '--idle') {
		await idleChild(Number(process.argv[3]), Number(process.argv[4]));
	} else {
		for (const figure of await benchTui()) {
			const baseline = figure.baseline ? `   (${figure.baseline.name}: ${figure.baseline.value.toFixed(3)} ${figure.unit})` : '';
			console.log(`${figure.name.padEnd(46)} ${figure.value.toFixed(3).padStart(10)} ${figure.unit}${baseline}`);
		}
	}
}
