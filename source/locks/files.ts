import {randomBytes} from 'node:crypto';
import {chmodSync, constants, mkdirSync, promises as fs} from 'node:fs';
import path from 'node:path';
import {fileKind} from '../files/file-kind.js';
import {errnoOf, LocksDirError} from './errors.js';
import {maxRecordBytes} from './parse.js';

/** The files that belong to one lock NAME. Only `lock` ends in `.lock`, so the others are never listed. */
export interface LockPaths {
	lock: string;
	/** Held (exclusively created) while a stale lock is being taken over. */
	guard: string;
	/** The fencing-token counter of this NAME. */
	token: string;
}

export function lockPaths(dir: string, name: string): LockPaths {
	const lock = path.join(dir, `${name}.lock`);
	return {lock, guard: `${lock}.guard`, token: `${lock}.token`};
}

/** A private sibling of `target`: same directory (so link and rename stay on one file system), unique name. */
export function siblingPath(target: string, kind: 'tmp' | 'aside'): string {
	return `${target}.${kind}.${process.pid}.${randomBytes(6).toString('hex')}`;
}

/** What is at a path in the locks directory, read without following symlinks or blocking on a FIFO. */
export type EntryRead =
	| {kind: 'missing'}
	| {kind: 'irregular'; what: string; mtimeMs: number | null}
	| {kind: 'unopenable'; error: string; mtimeMs: number | null}
	| {
		kind: 'read';
		raw: Buffer;
		mtimeMs: number;
		/** The file's owner, compared with the holder process's; null where the platform has no uids (Windows). */
		ownerUid: number | null;
	};

const openFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Read at most one byte past the record limit (so an oversized file is recognised without
 * reading all of it). lstat first and O_NOFOLLOW|O_NONBLOCK on open, then fstat the open file:
 * a symlink, FIFO or directory is reported, never read, even if it replaced the file in between.
 */
export async function readEntry(file: string): Promise<EntryRead> {
	let stats;
	try {
		stats = await fs.lstat(file);
	} catch (error) {
		const code = errnoOf(error);
		return code === 'ENOENT' ? {kind: 'missing'} : {kind: 'unopenable', error: code, mtimeMs: null};
	}

	if (!stats.isFile()) {
		return {kind: 'irregular', what: fileKind(stats), mtimeMs: stats.mtimeMs};
	}

	let handle;
	try {
		handle = await fs.open(file, openFlags);
	} catch (error) {
		const code = errnoOf(error);
		if (code === 'ENOENT') {
			return {kind: 'missing'};
		}

		return code === 'ELOOP' ? {kind: 'irregular', what: 'a symbolic link', mtimeMs: null} : {kind: 'unopenable', error: code, mtimeMs: stats.mtimeMs};
	}

	try {
		const opened = await handle.stat();
		if (!opened.isFile()) {
			return {kind: 'irregular', what: fileKind(opened), mtimeMs: opened.mtimeMs};
		}

		const buffer = Buffer.alloc(maxRecordBytes + 1);
		let length = 0;
		while (length < buffer.length) {
			const {bytesRead} = await handle.read(buffer, length, buffer.length - length, length);
			if (bytesRead === 0) {
				break;
			}

			length += bytesRead;
		}

		// Windows reports every file as uid 0: no owner to compare there.
		return {kind: 'read', raw: buffer.subarray(0, length), mtimeMs: opened.mtimeMs, ownerUid: process.platform === 'win32' ? null : opened.uid};
	} catch (error) {
		return {kind: 'unopenable', error: errnoOf(error), mtimeMs: stats.mtimeMs};
	} finally {
		await handle.close();
	}
}

/** Lockfiles are readable by everyone (any user's `fleetdeck --once` judges them) and writable by their owner only. */
export const lockFileMode = 0o644;
/** The locks directory: only its owner may create, replace or remove lockfiles in it. */
export const locksDirMode = 0o755;

/** Create `file` exclusively and durably (write, fsync), mode 0644. Rejects with EEXIST when it exists. */
export async function writeNewFile(file: string, bytes: Buffer): Promise<void> {
	const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), lockFileMode);
	try {
		// open(2) applies the umask: under umask 000 another user could rewrite this lock. fchmod does not.
		await handle.chmod(lockFileMode);
		await handle.writeFile(bytes);
		await handle.sync();
	} catch (error) {
		await handle.close();
		await fs.rm(file, {force: true});
		throw error;
	}

	await handle.close();
}

/** Replace `file` atomically: a reader sees the old bytes or the new, never a mix. */
export async function replaceFile(file: string, bytes: Buffer): Promise<void> {
	const temp = siblingPath(file, 'tmp');
	await writeNewFile(temp, bytes);
	try {
		await fs.rename(temp, file);
	} catch (error) {
		await fs.rm(temp, {force: true});
		throw error;
	}
}

/** Errors from link(2) that mean "this file system has no hard links", not "the name is taken". */
export const linkUnsupported: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

/** Throw LocksDirError unless `dir` is a directory we can list. */
export async function assertLocksDir(dir: string): Promise<void> {
	let stats;
	try {
		stats = await fs.stat(dir);
	} catch (error) {
		throw new LocksDirError(dir, errnoOf(error));
	}

	if (!stats.isDirectory()) {
		throw new LocksDirError(dir, 'ENOTDIR');
	}
}

/**
 * Create the locks directory (and missing parents) mode 0755 whatever the umask: under umask 000
 * mkdir would make it 0777, and any local user could then plant a lock naming a process of
 * theirs, or replace fleetdeck's own. A directory that already exists keeps its mode (the
 * snapshot reports one that others can write to).
 */
export function createLocksDir(dir: string): void {
	const first = mkdirSync(dir, {recursive: true, mode: locksDirMode});
	if (first === undefined || process.platform === 'win32') {
		return;
	}

	for (let created = path.resolve(dir); ; created = path.dirname(created)) {
		chmodSync(created, locksDirMode);
		if (created === path.resolve(first) || created === path.dirname(created)) {
			break;
		}
	}
}

/** The locks directory's permission bits, to warn when others can write to it; null when unknown (or on Windows). */
export async function locksDirPermissions(dir: string): Promise<number | null> {
	if (process.platform === 'win32') {
		return null;
	}

	try {
		return (await fs.stat(dir)).mode & 0o7777;
	} catch {
		return null;
	}
}

/** Errors creating a file in the locks directory that are about the directory, not the file. */
export const directoryErrors: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EROFS']);

export function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}
