import {constants} from 'node:os';
import {createDemoWorkspace, type DemoWorkspace, type Say} from '../demo/workspace.js';
import {DemoAborted, stageDemo} from '../demo/stage.js';
import {teardownDemo} from '../demo/teardown.js';
import {exitCode, signalExitCode} from '../exit-codes.js';
import {parseArgs} from './args.js';
import {runDeck} from './deck.js';
import {parseFormat, runOnce} from './status.js';

const help = `
	Usage
	  $ fleetdeck demo [--once] [--json | --format text|json|prometheus] [--no-color]

	Stages a demo fleet in a temporary directory and opens the deck on it: fake bots for five
	accounts and quantum_server, launched under fleetdeck run, with a broker simulator. Staged:
	a duplicate BRAIN_ATLAS, a stale lock on FTMO, GL_3's broker disconnected, a position closed by
	the broker on BG_CHALLENGE; BG_INSTANT is healthy. Nothing outside the demo is touched: every
	demo process carries the temporary directory in its command line, and only those are watched.

	When you quit (q, Ctrl-C, or the terminal closing), the demo, and only the demo, shuts its
	fleet down with the safe shutdown, stops the simulator and removes its directory.

	Options
	  --once             print the staged snapshot instead of opening the deck (also without a terminal)
	  --json             the snapshot as JSON; implies --once
	  --format FORMAT    text, json or prometheus; implies --once
	  --no-color         no colours in the deck

	Exit codes: with --once the snapshot's level (the staged fleet is 2, CRITICAL); after the deck
	0, or 128 + the signal's number; 70 when a demo process could not be stopped.
`;

const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Progress lines; a terminal that went away (SIGHUP) must not stop the cleanup. */
const say: Say = line => {
	try {
		process.stderr.write(`${line}\n`);
	} catch {}
};

/**
 * `fleetdeck demo`: stage, show (the deck, or the --once snapshot), then tear down on every exit
 * path: quit, a signal at any moment, or a failure while staging.
 */
export async function demoCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {
		once: {type: 'boolean'},
		json: {type: 'boolean'},
		format: {type: 'string'},
		color: {type: 'boolean', default: true},
	});
	const format = parseFormat(cli.flags.format, cli.flags.json);
	const once = Boolean(cli.flags.once || cli.flags.json || cli.flags.format !== undefined || !process.stdin.isTTY || !process.stdout.isTTY);

	const abort = new AbortController();
	let inDeck = false;
	const onSignal = (signal: NodeJS.Signals) => {
		// In the deck its own handler restores the terminal and returns; the teardown follows.
		if (!inDeck && !abort.signal.aborted) {
			say(`${signal}: stopping the demo…`);
		}

		if (!abort.signal.aborted) {
			abort.abort(signal);
		}
	};

	// Writes to a vanished terminal fail asynchronously; unhandled, they would kill the demo before its cleanup.
	const ignoreWriteError = () => {};
	process.stdout.on('error', ignoreWriteError);
	process.stderr.on('error', ignoreWriteError);
	for (const signal of exitSignals) {
		process.on(signal, onSignal);
	}

	const workspace: DemoWorkspace = createDemoWorkspace();
	let code: number;
	try {
		const config = await stageDemo(workspace, say, abort.signal);
		if (once) {
			code = await runOnce(config, format);
		} else {
			inDeck = true;
			code = await runDeck(config, {noColor: !cli.flags.color});
		}
	} catch (error) {
		if (!(error instanceof DemoAborted)) {
			say(`fleetdeck demo: ${error instanceof Error ? error.message : String(error)}`);
		}

		code = exitCode.software;
	} finally {
		inDeck = false;
	}

	const clean = await teardownDemo(workspace, say);
	for (const signal of exitSignals) {
		process.off(signal, onSignal);
	}

	if (abort.signal.aborted) {
		return signalExitCode(constants.signals[abort.signal.reason as NodeJS.Signals] ?? 0);
	}

	return clean ? code : exitCode.software;
}
