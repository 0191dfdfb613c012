import type {Controller} from '../runtime/control.js';
import type {DeckSources} from '../runtime/deck-sources.js';

export interface RunTuiOptions {
	sources: DeckSources;
	controller: Controller;
	/** `--no-color`; NO_COLOR in the environment has the same effect. */
	noColor?: boolean;
	env?: NodeJS.ProcessEnv;
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
}

/**
 * React's build for the deck: production, unless NODE_ENV says otherwise. The development build
 * records a `performance.measure` entry for every render and Node keeps them all: a deck left
 * running grew by over a gigabyte of heap in a simulated hour (bench/tui.ts) and rendered
 * several times slower.
 */
export function chooseReactBuild(env: NodeJS.ProcessEnv = process.env): void {
	env['NODE_ENV'] ??= 'production';
}

/**
 * Run the deck until `q`, Ctrl-C, a signal or an error (see `startTui`). React reads NODE_ENV
 * once, when it is first loaded, and Node runs the CommonJS modules of an ES module graph
 * (react, react-reconciler) before that graph's own code: so this module imports nothing that
 * loads React, and the deck is imported only after NODE_ENV is set.
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
	chooseReactBuild();
	const {startTui} = await import('./tui-session.js');
	return startTui(options);
}
