import {promises as fs} from 'node:fs';
import {hostFacts, selfIdentity} from '../procs/identity.js';
import {redactCommandLine} from '../text/redact.js';
import type {JudgeContext} from './context.js';
import {errnoOf, LocksDirError} from './errors.js';
import {assertLocksDir, directoryErrors, linkUnsupported, lockPaths, replaceFile, siblingPath, writeNewFile, type LockPaths} from './files.js';
import {assertLockName, inspectEntry} from './inspect.js';
import {buildRecord, serializeRecord} from './record.js';
import {removeStale} from './takeover.js';
import {raiseTokenCounter, readTokenCounter} from './token.js';
import {isStale, type ChildIdentity, type LockInspection, type LockRecord} from './types.js';

export interface AcquireOptions {
	/** The broker account this lock is for (shown and grouped by in the deck). */
	account?: string | null;
	/** The holder's command line; default: this process's argv. */
	command?: string | null;
	/** The process this holder supervises, so the lock stays live while it runs. */
	child?: ChildIdentity | null;
	/** Take over a lock proven stale; default true. */
	takeOverStale?: boolean;
	/** How to judge an existing lock. */
	context?: JudgeContext;
}

export type AcquireResult =
	| {acquired: true; record: LockRecord; path: string; tookOver: LockInspection | null}
	| {acquired: false; holder: LockInspection};

/** Enough for the odd race (a lock vanishing or changing between looks) without spinning forever. */
const maxAttempts = 20;

/** Create `paths.lock` holding `bytes` in one atomic step; false when the name is taken. */
async function createLock(dir: string, paths: LockPaths, bytes: Buffer): Promise<boolean> {
	const temp = siblingPath(paths.lock, 'tmp');
	try {
		await writeNewFile(temp, bytes);
	} catch (error) {
		const code = errnoOf(error);
		throw directoryErrors.has(code) ? new LocksDirError(dir, code) : error;
	}

	try {
		// link(2) fails if the name exists and never exposes a half-written file.
		await fs.link(temp, paths.lock);
		return true;
	} catch (error) {
		const code = errnoOf(error);
		if (code === 'EEXIST') {
			return false;
		}

		if (!linkUnsupported.has(code)) {
			throw error;
		}
	} finally {
		await fs.rm(temp, {force: true});
	}

	// No hard links here: an exclusive create is still atomic about who wins; a reader may briefly
	// see a short file, which it judges `writing`.
	try {
		await writeNewFile(paths.lock, bytes);
		return true;
	} catch (error) {
		if (errnoOf(error) === 'EEXIST') {
			return false;
		}

		throw error;
	}
}

/**
 * The token was chosen before the link; a holder that acquired and released in between may have
 * used it. Now that the lock is ours (holders are serialized by it), raise ours above the counter
 * if needed, then record it.
 */
async function settleToken(paths: LockPaths, record: LockRecord): Promise<LockRecord> {
	const counter = await readTokenCounter(paths.token);
	let settled = record;
	if (counter >= record.token) {
		settled = {...record, token: counter + 1};
		await replaceFile(paths.lock, serializeRecord(settled));
	}

	await raiseTokenCounter(paths.token, settled.token);
	return settled;
}

/**
 * Take the lock NAME in `dir`, or report who holds it. Never "check, then create": the create
 * itself decides. A lock proven stale is taken over (unless `takeOverStale` is false).
 */
export async function acquire(dir: string, name: string, options: AcquireOptions = {}): Promise<AcquireResult> {
	assertLockName(name);
	await assertLocksDir(dir);
	const paths = lockPaths(dir, name);
	const holder = options.context?.self ? await options.context.self() : selfIdentity();
	let tookOver: LockInspection | null = null;
	let lastSeen: LockInspection | null = null;
	for (let attempt = 0; attempt < maxAttempts; attempt++) {
		const token = Math.max(await readTokenCounter(paths.token), tookOver?.record?.token ?? 0) + 1;
		const record = buildRecord({
			name,
			holder,
			host: options.context?.host ?? hostFacts(),
			token,
			account: options.account ?? null,
			command: options.command === undefined ? redactCommandLine(process.argv.join(' ')) : options.command,
			child: options.child ?? null,
			now: Date.now(),
		});
		if (await createLock(dir, paths, serializeRecord(record))) {
			return {acquired: true, record: await settleToken(paths, record), path: paths.lock, tookOver};
		}

		const existing = await inspectEntry(dir, name, options.context);
		if (existing === null) {
			continue;
		}

		lastSeen = existing;
		if (!isStale(existing.verdict) || options.takeOverStale === false) {
			return {acquired: false, holder: existing};
		}

		const removal = await removeStale(dir, paths, existing);
		if (removal.result === 'removed') {
			tookOver = existing;
		} else if (removal.result === 'busy' || removal.result === 'displaced') {
			return {acquired: false, holder: existing};
		}
	}

	if (lastSeen === null) {
		throw new Error(`could not acquire ${paths.lock}: it kept appearing and vanishing for ${maxAttempts} attempts`);
	}

	return {acquired: false, holder: lastSeen};
}
