import {readFileSync, renameSync, rmSync, unlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {assertLockName} from './inspect.js';

/** Who stopped a component on purpose, and when (ISO 8601). */
export interface PlannedStop {
	by: string;
	at: string;
}

/**
 * The planned-stop marker: `<NAME>.stopped` beside the locks. It never ends with `.lock`, so no
 * lock reader takes it for a lock; it proves nothing about any process, it only says that the
 * last thing done to NAME was a `fleetdeck shutdown`, so "not running" is the plan, not a crash.
 */
export const plannedStopSuffix = '.stopped';

function markerPath(dir: string, name: string): string {
	assertLockName(name);
	return path.join(dir, `${name}${plannedStopSuffix}`);
}

/** Record a planned stop, atomically (a reader sees the old marker, none, or this one whole). */
export function writePlannedStop(dir: string, name: string, stop: PlannedStop): void {
	const file = markerPath(dir, name);
	const temporary = `${file}.tmp-${process.pid}`;
	try {
		writeFileSync(temporary, `${JSON.stringify({name, by: stop.by, at: stop.at})}\n`, {mode: 0o644});
		renameSync(temporary, file);
	} finally {
		rmSync(temporary, {force: true});
	}
}

/**
 * The planned stop on record for NAME, or null: none, or one that cannot be read or parsed. Doubt
 * does not excuse a component that is down, so an unreadable marker counts as no marker.
 */
export function readPlannedStop(dir: string, name: string): PlannedStop | null {
	let text: string;
	try {
		text = readFileSync(markerPath(dir, name), 'utf8');
	} catch {
		return null;
	}

	try {
		const parsed: unknown = JSON.parse(text);
		if (typeof parsed === 'object' && parsed !== null && 'by' in parsed && 'at' in parsed && typeof parsed.by === 'string' && typeof parsed.at === 'string' && !Number.isNaN(Date.parse(parsed.at))) {
			return {by: parsed.by, at: parsed.at};
		}
	} catch {}

	return null;
}

/** Forget a planned stop: the component is being started again. A missing marker is fine. */
export function clearPlannedStop(dir: string, name: string): void {
	try {
		unlinkSync(markerPath(dir, name));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}
}
