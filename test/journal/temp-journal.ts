import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {TestContext} from 'node:test';

/** A fresh temp directory, removed (made writable first) when the test ends. */
export function tempDir(t: TestContext): string {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-journal-'));
	t.after(() => {
		rmSync(directory, {recursive: true, force: true});
	});
	return directory;
}

/** A clock the test moves by hand. */
export function manualClock(start: number): {now: () => number; set: (at: number) => void} {
	let current = start;
	return {now: () => current, set(at) {
		current = at;
	}};
}

export const t0 = Date.parse('2026-11-22T18:00:00.000Z');
export const minute = 60_000;
export const day = 86_400_000;
