import {closeSync, constants, fchmodSync, fstatSync, openSync, readSync} from 'node:fs';
import {fileKind} from '../files/file-kind.js';
import {privateFileMode} from '../files/private-dir.js';

/** A log that fleetdeck refuses to write or read: a link, a FIFO, a directory… The message names the path. */
export class LogFileError extends Error {
	override name = 'LogFileError';
}

// O_NOFOLLOW: a symbolic link planted at logs/<NAME>.log (another user, a group-writable logs dir)
// once made root's `launch` append to, then print and journal, a root-only file. O_NONBLOCK: a FIFO
// planted there must fail the open, not hang it; on a regular file it changes nothing. Windows has
// neither flag (and no symlinks an unprivileged user can make).
const noFollow = constants.O_NOFOLLOW ?? 0;
const noBlock = constants.O_NONBLOCK ?? 0;

/** Open `file` with `flags` without following a link, and keep the descriptor only for a regular file with one name. */
function openRegular(file: string, flags: number): number {
	let fd: number;
	try {
		fd = openSync(file, flags | noFollow | noBlock);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ELOOP' || code === 'EMLINK') {
			throw new LogFileError(`log ${file} is a symbolic link; fleetdeck does not follow links there (remove it)`);
		}

		if (code === 'ENXIO' || code === 'EISDIR') {
			throw new LogFileError(`log ${file} is ${code === 'ENXIO' ? 'a FIFO or a device' : 'a directory'}, not a regular file (remove it)`);
		}

		throw error;
	}

	const stats = fstatSync(fd);
	const problem = stats.isFile() ? (stats.nlink > 1 ? `has ${stats.nlink} hard links (another name could be any file)` : null) : `is ${fileKind(stats)}, not a regular file`;
	if (problem !== null) {
		closeSync(fd);
		throw new LogFileError(`log ${file} ${problem}; fleetdeck will not use it (remove it)`);
	}

	return fd;
}

/**
 * Open a component's log for appending: created 0600 whatever the umask (bot output can carry
 * secrets), never through a symbolic link, and only a regular file. Throws `LogFileError` naming
 * the path when the file is not one fleetdeck should write.
 */
export function openLogForAppend(file: string): number {
	const append = constants.O_WRONLY | constants.O_APPEND;
	for (;;) {
		try {
			// O_EXCL tells a new file (ours to set the mode of) from an existing one (the operator's).
			const fd = openRegular(file, append | constants.O_CREAT | constants.O_EXCL);
			fchmodSync(fd, privateFileMode);
			return fd;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}

		try {
			return openRegular(file, append);
		} catch (error) {
			// Removed between the two opens (a log rotation): create it after all.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				throw error;
			}
		}
	}
}

/**
 * The last few non-empty lines of a log, for a failure report that is printed and journaled: read
 * with the same care as the write (a link swapped in meanwhile is refused, `LogFileError`). A log
 * that is missing or empty gives ''.
 */
export function readLogTail(file: string, lines = 5): string {
	let fd: number;
	try {
		fd = openRegular(file, constants.O_RDONLY);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return '';
		}

		throw error;
	}

	try {
		const size = fstatSync(fd).size;
		const length = Math.min(size, 4096);
		const buffer = Buffer.alloc(length);
		const read = readSync(fd, buffer, 0, length, size - length);
		return buffer.subarray(0, read).toString('utf8').split(/\r?\n/).filter(line => line.trim() !== '').slice(-lines).join('\n');
	} finally {
		closeSync(fd);
	}
}
