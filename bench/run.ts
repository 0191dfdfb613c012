/**
 * `npm run bench`: every benchmark, one table. Each figure sits beside a baseline measured in the
 * same run, on the same machine; nothing is asserted (docs/performance.md reads the figures
 * against the targets). Progress goes to stderr, the table to stdout.
 */
import {spawnSync} from 'node:child_process';
import {benchDeckIdle} from './deck-idle.js';
import {benchJournal} from './journal.js';
import {benchLockOps, benchLockToSnapshot} from './locks.js';
import {benchOnce} from './once.js';
import {benchProcessTable} from './process-table.js';
import {formatTable, row, type BenchRow} from './table.js';
import {benchTuiRender} from './tui-render.js';

/** The TUI engineer's benchmarks, when their module exports them. */
async function tuiRows(): Promise<BenchRow[]> {
	const module = await import('./tui.js').catch(() => null) as {benchTui?: () => Promise<Array<{name: string; value: number; unit: string; baseline?: {name: string; value: number}}>>} | null;
	if (!module?.benchTui) {
		return [];
	}

	const rows: BenchRow[] = [];
	for (const figure of await module.benchTui()) {
		rows.push(row(`tui: ${figure.name}`, figure.value, figure.unit, figure.baseline?.name, figure.baseline?.value ?? null));
		// Idle CPU as a share of one core, the unit of the target.
		const idle = /^CPU idle (\d+) s/.exec(figure.name);
		if (idle && figure.unit === 's') {
			const seconds = Number(idle[1]);
			rows.push(row(`tui: ${figure.name}, share of one core`, (figure.value / seconds) * 100, '%', figure.baseline ? 'idle node' : '-', figure.baseline ? (figure.baseline.value / seconds) * 100 : null));
		}
	}

	return rows;
}

async function tuiRenderRows(): Promise<BenchRow[]> {
	const results = await benchTuiRender(30);
	const baseline = results.find(result => result.case.startsWith('baseline'));
	return results.filter(result => result !== baseline).map(result => row(`tui render: ${result.case}`, result.medianMs, 'ms', baseline?.case, baseline?.medianMs ?? null));
}

const sleepers = Number(process.env['FLEETDECK_BENCH_SLEEPERS'] ?? 5000);
const steps: Array<[string, () => Promise<BenchRow[]>]> = [
	['--once wall time and memory', async () => benchOnce({sleepers})],
	['lock operations', async () => benchLockOps()],
	['lock change → snapshot', async () => benchLockToSnapshot()],
	['process table', async () => benchProcessTable()],
	['journal', async () => benchJournal({events: Number(process.env['FLEETDECK_BENCH_JOURNAL_EVENTS'] ?? 1_000_000)})],
	['tui render', tuiRenderRows],
	['tui', tuiRows],
	['deck idle', async () => benchDeckIdle()],
];

const rows: BenchRow[] = [];
for (const [name, step] of steps) {
	process.stderr.write(`bench: ${name}…\n`);
	try {
		rows.push(...await step());
	} catch (error) {
		process.stderr.write(`bench: ${name} failed: ${(error as Error).message}\n`);
	}
}

const cpu = spawnSync('sh', ['-c', 'grep -m1 "model name" /proc/cpuinfo | cut -d: -f2'], {encoding: 'utf8'}).stdout.trim();
console.log(`fleetdeck bench, ${new Date().toISOString()}, node ${process.version}, ${process.platform} ${cpu}`);
console.log(formatTable(rows));
