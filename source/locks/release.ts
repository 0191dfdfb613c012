import {assertLocksDir, lockPaths, readEntry, replaceFile} from './files.js';
import {assertLockName} from './inspect.js';
import {decodeRecord, parseLock} from './parse.js';
import {serializeRecord} from './record.js';
import {removeIfUnchanged} from './remove.js';
import type {ChildIdentity, ParsedLock, SupervisorState} from './types.js';

/** The identity a holder got from acquire: the lock is its own only while all three still match. */
export interface HeldLock {
	pid: number;
	startToken: string | null;
	token: number;
}

export type Ownership = {ours: true; raw: Buffer; record: ParsedLock} | {ours: false; reason: string};

export function describeHolder(holder: {pid: number; startToken: string | null; token: number | null}): string {
	return `PID ${holder.pid} (start token ${holder.startToken ?? 'none'}, token ${holder.token ?? 'none'})`;
}

/** Read `<NAME>.lock` and check it is still the caller's; if not, say why in words. */
async function checkOwnership(file: string, name: string, held: HeldLock): Promise<Ownership> {
	const entry = await readEntry(file);
	switch (entry.kind) {
		case 'missing': {
			return {ours: false, reason: `${name}.lock does not exist (already released or removed)`};
		}

		case 'irregular': {
			return {ours: false, reason: `${name}.lock is ${entry.what}, not a lock record; left alone`};
		}

		case 'unopenable': {
			return {ours: false, reason: `${name}.lock cannot be read (${entry.error}); left alone`};
		}

		case 'read': {
			break;
		}
	}

	return ownershipOf(name, entry.raw, held);
}

/** Whether the record `raw` is still the caller's lock (a v1 record with its pid, startToken and token); if not, why. */
export function ownershipOf(name: string, raw: Buffer, held: HeldLock): Ownership {
	const record = parseLock(name, raw);
	if ('error' in record) {
		return {ours: false, reason: `${name}.lock is unreadable (${record.error}); left alone`};
	}

	if (record.format !== 'v1' || record.pid !== held.pid || record.startToken !== held.startToken || record.token !== held.token) {
		return {ours: false, reason: `${name}.lock is held by ${describeHolder(record)}, not by ${describeHolder(held)}; left alone`};
	}

	return {ours: true, raw, record};
}

/** Remove the lock only if it is still the caller's (pid + startToken + token); otherwise leave it and say why. */
export async function release(dir: string, name: string, held: HeldLock): Promise<{released: boolean; reason: string}> {
	assertLockName(name);
	await assertLocksDir(dir);
	const file = lockPaths(dir, name).lock;
	const ownership = await checkOwnership(file, name, held);
	if (!ownership.ours) {
		return {released: false, reason: ownership.reason};
	}

	const outcome = await removeIfUnchanged(file, ownership.raw);
	switch (outcome.result) {
		case 'removed': {
			return {released: true, reason: `released ${name}.lock held by ${describeHolder(held)}`};
		}

		case 'missing': {
			return {released: false, reason: `${name}.lock vanished while being released`};
		}

		case 'changed': {
			return {released: false, reason: `${name}.lock changed while being released; left alone`};
		}

		case 'displaced': {
			return {released: false, reason: `${name}.lock changed while being released and another lock took its name; the changed file is at ${outcome.asidePath}`};
		}
	}
}

/**
 * Refresh `heartbeatAt` (and, if given, the recorded child and supervisor state) by an atomic
 * rewrite, only if the lock is still the caller's. Fields this version does not know are kept.
 */
export async function heartbeat(dir: string, name: string, held: HeldLock, update: {child?: ChildIdentity | null; supervisor?: SupervisorState | null} = {}): Promise<boolean> {
	assertLockName(name);
	const file = lockPaths(dir, name).lock;
	const ownership = await checkOwnership(file, name, held);
	if (!ownership.ours) {
		return false;
	}

	await replaceFile(file, refreshedRecord(ownership.raw, update, new Date()));
	return true;
}

/** The bytes a heartbeat writes: `raw` with `heartbeatAt` set to `at` and what `update` names replaced; unknown fields kept. */
export function refreshedRecord(raw: Buffer, update: {child?: ChildIdentity | null; supervisor?: SupervisorState | null}, at: Date): Buffer {
	// Decoded as the parser decoded it (a holder's own record read as UTF-16 must not throw here).
	const record = JSON.parse(decodeRecord(raw)) as Record<string, unknown>;
	record['heartbeatAt'] = at.toISOString();
	if (update.child !== undefined) {
		record['child'] = update.child;
	}

	if (update.supervisor === null) {
		delete record['supervisor'];
	} else if (update.supervisor !== undefined) {
		record['supervisor'] = update.supervisor;
	}

	return serializeRecord(record);
}
