import {promises as fs} from 'node:fs';
import path from 'node:path';
import type {JudgeContext} from './context.js';
import {errnoOf, LocksDirError} from './errors.js';
import {assertLocksDir, lockPaths, readEntry} from './files.js';
import {lockNameOf, validateLockName} from './name.js';
import {judgeStoredLock} from './judge-lock.js';
import type {LockInspection} from './types.js';

/** Throw when `name` could not be a lock name (and so could point outside the locks directory). */
export function assertLockName(name: string): void {
	const problem = validateLockName(name);
	if (problem !== null) {
		throw new TypeError(problem);
	}
}

/** Read and judge `<dir>/<name>.lock`; null when there is no such file. */
export async function inspectEntry(dir: string, name: string, context?: JudgeContext): Promise<LockInspection | null> {
	const file = lockPaths(dir, name).lock;
	const entry = await readEntry(file);
	const base = {name, path: file, orphaned: false, proof: null, holders: []};
	switch (entry.kind) {
		case 'missing': {
			return null;
		}

		case 'irregular': {
			return {...base, verdict: 'unknown', reason: `${name}.lock is ${entry.what}, not a regular file: not read, not removed`, record: null, raw: null, mtimeMs: entry.mtimeMs};
		}

		case 'unopenable': {
			return {...base, verdict: 'unknown', reason: `${name}.lock cannot be read (${entry.error}); treated as held`, record: null, raw: null, mtimeMs: entry.mtimeMs};
		}

		case 'read': {
			return {...base, ...judgeStoredLock(name, entry, context), raw: entry.raw, mtimeMs: entry.mtimeMs};
		}
	}
}

/** Judge one lock by NAME; null when it does not exist. */
export async function inspect(dir: string, name: string, context?: JudgeContext): Promise<LockInspection | null> {
	assertLockName(name);
	await assertLocksDir(dir);
	return inspectEntry(dir, name, context);
}

/** Every `*.lock` entry in `dir`, judged, sorted by name. Temp, guard and token files are not locks. */
export async function list(dir: string, context?: JudgeContext): Promise<LockInspection[]> {
	let entries: string[];
	try {
		entries = await fs.readdir(dir);
	} catch (error) {
		throw new LocksDirError(dir, errnoOf(error));
	}

	const names = entries
		.map(entry => lockNameOf(path.basename(entry)))
		.filter((name): name is string => name !== null)
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const inspections = await Promise.all(names.map(async name => inspectEntry(dir, name, context)));
	return inspections.filter((inspection): inspection is LockInspection => inspection !== null);
}
