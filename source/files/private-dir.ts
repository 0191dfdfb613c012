import {chmodSync, mkdirSync, statSync} from 'node:fs';
import path from 'node:path';

/** What fleetdeck's own directories hold (bot output, history) is for their owner only. */
export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

/**
 * Create `dir` (and any missing parents) with mode 0700 whatever the umask: `mkdir`'s mode is
 * masked by the umask, so each directory created here is chmod-ed after. A directory that already
 * existed is the operator's: its mode is left alone (see `sharedDirWarning`).
 */
export function ensurePrivateDir(dir: string): void {
	const first = mkdirSync(dir, {recursive: true, mode: privateDirMode});
	if (first === undefined) {
		return;
	}

	// `first` is the topmost directory this call created; every level from it down to `dir` is new.
	const target = path.resolve(dir);
	let level = path.resolve(first);
	chmodSync(level, privateDirMode);
	while (level !== target) {
		level = path.join(level, path.relative(level, target).split(path.sep)[0]!);
		chmodSync(level, privateDirMode);
	}
}

/**
 * A warning when another user can create files in `dir` (group- or world-writable): there they
 * can plant a symbolic link or a FIFO where fleetdeck will write, or read what it writes. Null
 * when the directory is private enough or does not exist (yet).
 */
export function sharedDirWarning(dir: string, what: string): string | null {
	const stats = statSync(dir, {throwIfNoEntry: false});
	if (!stats?.isDirectory() || (stats.mode & 0o022) === 0 || process.platform === 'win32') {
		return null;
	}

	const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
	const who = (stats.mode & 0o002) === 0 ? 'its group' : 'every user';
	return `${what} ${dir} is writable by ${who} (mode ${mode}): another user could plant links or read what is written there; chmod go-w ${dir}`;
}
