import React from 'react';
import {render} from 'ink-testing-library';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import type {JournalEvent} from '../../source/journal/types.js';
import {Deck} from '../../source/ui/deck/index.js';
import type {DeckSources} from '../../source/runtime/deck-sources.js';
import {createActionStore} from '../../source/ui/store/action-store.js';
import {createFleetStore} from '../../source/ui/store/fleet-store.js';
import {createTheme} from '../../source/ui/theme.js';
import type {TerminalSize} from '../../source/ui/use-terminal-size.js';
import {FakeTime, settle} from './fake-time.js';
import {FakeController, incidentFleet} from './fixtures.js';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

export interface DeckHarnessOptions {
	snapshot?: FleetSnapshot;
	events?: JournalEvent[];
	controller?: FakeController;
	/** Null follows the test stdout (and its resize events). */
	size?: TerminalSize | null;
	color?: boolean;
	unicode?: boolean;
}

/** The deck over fake sources, fake time and a recording controller, rendered by ink-testing-library. */
export function renderDeck(options: DeckHarnessOptions = {}) {
	const time = new FakeTime();
	let current = options.snapshot ?? incidentFleet();
	let builds = 0;
	let events = options.events ?? [];
	const sources: DeckSources = {
		async snapshot() {
			builds++;
			return current;
		},
		watchLocks: () => () => {},
		recentEvents: limit => events.slice(-limit),
		latency: () => [30, 42, 35, 80, 38],
		pollSeconds: 2,
	};
	const fleet = createFleetStore({sources, clock: time, timers: time});
	const controller = options.controller ?? new FakeController();
	const actions = createActionStore({controller, clock: time, timers: time, onSettled: fleet.refresh});
	const quits = {count: 0};
	const size = options.size === undefined ? {columns: 80, rows: 24} : options.size ?? undefined;
	const theme = createTheme({color: options.color ?? false, unicode: options.unicode ?? true});
	const ink = render(<Deck fleet={fleet} actions={actions} theme={theme} pollSeconds={2} size={size} onQuit={() => quits.count++}/>);

	const frame = () => ink.lastFrame() ?? '';
	const waitFor = async (predicate: (frame: string) => boolean, what = 'the expected frame') => {
		const deadline = Date.now() + 30_000;
		while (!predicate(frame())) {
			if (Date.now() > deadline) {
				throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
			}

			await new Promise(resolve => {
				setTimeout(resolve, 5);
			});
		}
	};

	return {
		...ink,
		time,
		fleet,
		actions,
		controller,
		quits,
		frame,
		waitFor,
		builds: () => builds,
		/** Replace what the next snapshot build returns, and rebuild. */
		async setSnapshot(snapshot: FleetSnapshot) {
			current = snapshot;
			fleet.refresh();
			await settle();
		},
		setEvents(next: JournalEvent[]) {
			events = next;
		},
		async press(...sequence: string[]) {
			for (const key of sequence) {
				ink.stdin.write(key);
				await settle();
			}
		},
		dispose() {
			ink.unmount();
			ink.cleanup();
			fleet.dispose();
			actions.dispose();
		},
	};
}

export type DeckHarness = ReturnType<typeof renderDeck>;

/** The frame's lines, without styling. */
export function frameLines(frame: string): string[] {
	return frame.split('\n');
}

// eslint-disable-next-line no-control-regex
export const ansi = /\u001B\[[0-9;]*[A-Za-z]/;
