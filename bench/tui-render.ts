/**
 * Render time of one deck frame at 5 and at 200 accounts (80×24 and 200×60), beside a baseline
 * frame holding one empty Text: the median of N renders through ink-testing-library. Figures
 * only, no thresholds. Run: `npx tsc -p . && node dist/bench/tui-render.js [N]`.
 */
import {performance} from 'node:perf_hooks';
import {createElement, type ReactElement} from 'react';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import type {FleetSnapshot} from '../source/fleet/types.js';
import {Deck} from '../source/ui/deck/index.js';
import {createActionStore} from '../source/ui/store/action-store.js';
import {createFleetStore, type FleetStore} from '../source/ui/store/fleet-store.js';
import {createTheme} from '../source/ui/theme.js';
import {FakeController, incidentFleet, journalEvent, largeFleet} from '../test/ui/fixtures.js';

const theme = createTheme({color: true, unicode: true});

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(element: () => ReactElement, runs: number): number {
	const samples: number[] = [];
	for (let run = 0; run < runs; run++) {
		const start = performance.now();
		const instance = render(element());
		instance.lastFrame();
		samples.push(performance.now() - start);
		instance.unmount();
		instance.cleanup();
	}

	return median(samples);
}

/** A store already holding `snapshot`, its timers never firing during the benchmark. */
async function loadedStore(snapshot: FleetSnapshot): Promise<FleetStore> {
	const events = Array.from({length: 50}, (_, index) => journalEvent(index + 1, `event ${index + 1}`));
	const store = createFleetStore({
		sources: {snapshot: async () => snapshot, watchLocks: () => () => {}, recentEvents: () => events, latency: () => [30, 40, 35, 80, 38], pollSeconds: 3600},
		tickMs: 3_600_000,
	});
	while (store.getState().snapshot === null) {
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	return store;
}

export async function benchTuiRender(runs = 50): Promise<Array<{case: string; medianMs: number}>> {
	const actions = createActionStore({controller: new FakeController()});
	const results = [{case: 'baseline: empty Text', medianMs: time(() => createElement(Text), runs)}];
	for (const [name, snapshot] of [['5 accounts', incidentFleet()], ['200 accounts', largeFleet(200)]] as const) {
		const fleet = await loadedStore(snapshot);
		for (const size of [{columns: 80, rows: 24}, {columns: 200, rows: 60}]) {
			results.push({
				case: `${name} at ${size.columns}x${size.rows}`,
				medianMs: time(() => createElement(Deck, {fleet, actions, theme, pollSeconds: 2, size}), runs),
			});
		}

		fleet.dispose();
	}

	actions.dispose();
	return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const runs = Number(process.argv[2] ?? 50);
	for (const result of await benchTuiRender(runs)) {
		console.log(`${result.case.padEnd(34)} ${result.medianMs.toFixed(2).padStart(8)} ms (median of ${runs})`);
	}
}
