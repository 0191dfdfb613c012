import {cliPath, createController} from '../runtime/control.js';
import type {FleetConfig} from '../runtime/config.js';
import {exitCode} from '../exit-codes.js';
import {defaultPorts} from '../runtime/default-ports.js';
import {startLiveFleet} from '../runtime/live-fleet.js';
import {configLoadedEvent, openJournal, schedulePruning, warnOnStderr} from '../runtime/journal.js';
import {runTui} from '../ui/run-tui.js';

/** How often old journal rows are pruned while the deck runs (a few hundred rows a statement). */
const pruneEveryMs = 3_600_000;

/**
 * The interactive deck: live sources (lock watcher, process table, broker pollers, journal) and
 * the controller behind its keys. Returns the exit code; quitting never stops a bot.
 */
export async function runDeck(config: FleetConfig, options: {noColor: boolean}): Promise<number> {
	// Said once before the deck takes the screen; later write failures must not scribble over it.
	const journal = openJournal(config.journal, {retentionDays: config.journalRetention});
	if (journal.warning) {
		warnOnStderr(journal.warning);
	}

	journal.record(configLoadedEvent(config, 'the deck'));
	const stopPruning = schedulePruning(journal, {everyMs: pruneEveryMs, firstAfterMs: 0});
	const live = startLiveFleet(config, defaultPorts(config, journal));
	try {
		await runTui({sources: live, controller: createController(config, {journal, cliPath}), noColor: options.noColor});
	} catch (error) {
		// The deck's own error screen vanished with the alternate screen: say it here.
		process.stderr.write(`fleetdeck: the deck stopped: ${error instanceof Error ? error.message : String(error)}\n`);
		return exitCode.software;
	} finally {
		stopPruning();
		await live.dispose();
		journal.close();
	}

	return typeof process.exitCode === 'number' ? process.exitCode : exitCode.ok;
}
