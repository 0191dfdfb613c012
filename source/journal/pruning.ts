import type {Journal} from './types.js';

/**
 * Prune `journal` after `firstAfterMs`, then every `everyMs`, on timers that never keep a process
 * alive. Every long-lived fleetdeck process (the deck, each `run` supervisor) does this, so a fleet
 * that is never watched from the deck still keeps its journal within retention. Returns the stop.
 */
export function schedulePruning(journal: Journal, {everyMs, firstAfterMs}: {everyMs: number; firstAfterMs: number}): () => void {
	let repeat: NodeJS.Timeout | undefined;
	const first = setTimeout(() => {
		journal.prune();
		repeat = setInterval(() => journal.prune(), everyMs);
		repeat.unref();
	}, firstAfterMs);
	first.unref();
	return () => {
		clearTimeout(first);
		clearInterval(repeat);
	};
}
