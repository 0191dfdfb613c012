import {constants} from 'node:os';
import React from 'react';
import {render, type Instance} from 'ink';
import type {RunTuiOptions} from './run-tui.js';
import {Deck} from './deck/index.js';
import {createActionStore} from './store/action-store.js';
import {createFleetStore} from './store/fleet-store.js';
import {colorWanted, createTheme, unicodeLocale} from './theme.js';

/** The alternate screen keeps the cursor row of the shell; the deck starts at the top. */
const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';
const showCursor = '\u001B[?25h';
const exitSignals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/**
 * The deck's terminal session, loaded by `runTui` (see there). Run the deck until `q`, Ctrl-C, a
 * signal or an error. The caller has checked that stdin and stdout are terminals. Every exit
 * path leaves the alternate screen and disposes the stores; no exit path stops a bot (an action
 * still running keeps its detached children running). After a signal `process.exitCode` is 128 +
 * its number.
 */
export async function startTui({sources, controller, noColor = false, env = process.env, stdin = process.stdin, stdout = process.stdout, stderr = process.stderr}: RunTuiOptions): Promise<void> {
	const theme = createTheme({color: colorWanted(env, noColor), unicode: unicodeLocale(env)});
	const fleet = createFleetStore({sources});
	const actions = createActionStore({controller, onSettled: fleet.refresh});
	let instance: Instance | null = null;
	let restored = false;

	const restore = () => {
		if (restored) {
			return;
		}

		restored = true;
		try {
			instance?.unmount();
		} catch {}

		fleet.dispose();
		actions.dispose();
		try {
			// After SIGHUP the terminal may be gone: writing is best effort.
			stdout.write(leaveAlternateScreen + showCursor);
		} catch {}
	};

	return new Promise<void>((resolve, reject) => {
		const onSignal = (signal: NodeJS.Signals) => {
			// Our handler stays registered until this signal's dispatch is over: signal-exit (loaded
			// by Ink) re-raises a signal that nobody else handles, which would kill the process
			// before the caller could close the journal.
			restore();
			process.exitCode = 128 + (constants.signals[signal] ?? 0);
			setImmediate(() => {
				removeListeners();
				resolve();
			});
		};

		const onError = (error: unknown) => {
			finish();
			reject(error instanceof Error ? error : new Error(String(error)));
		};

		const removeListeners = () => {
			for (const signal of exitSignals) {
				process.off(signal, onSignal);
			}

			process.off('uncaughtException', onError);
			process.off('unhandledRejection', onError);
		};

		const finish = () => {
			removeListeners();
			restore();
		};

		for (const signal of exitSignals) {
			process.on(signal, onSignal);
		}

		process.on('uncaughtException', onError);
		process.on('unhandledRejection', onError);
		try {
			stdout.write(enterAlternateScreen);
			instance = render(<Deck fleet={fleet} actions={actions} theme={theme} pollSeconds={sources.pollSeconds}/>, {
				stdin,
				stdout,
				stderr,
				// Ctrl-C arrives as a key in raw mode; the deck quits on it so this cleanup still runs.
				exitOnCtrlC: false,
				incrementalRendering: false,
			});
			instance.waitUntilExit().then(() => {
				finish();
				resolve();
			}, onError);
		} catch (error) {
			onError(error);
		}
	});
}
