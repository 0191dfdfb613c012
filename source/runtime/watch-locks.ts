import path from 'node:path';
import {watch} from 'chokidar';
import type {WatchLocksOptions} from './ports/lock-store.js';

export type {WatchLocksOptions};

/**
 * Only `*.lock` files are locks; acquire's private temp files (`X.lock.tmp.<pid>.<hex>`), takeover
 * guards and token counters churn on every acquire and would only cause needless rebuilds.
 */
const notLocks = (file: string) => !file.endsWith('.lock');

/**
 * Call `onChange` whenever a lock in `locksDir` appears, changes or goes away. Only the directory
 * itself is watched (depth 0), with native events rather than polling. chokidar's `atomic` option
 * is off: it holds every unlink back 100 ms to see whether an add follows, and a released lock must
 * show at once; a heartbeat's rename over the lock arrives as one change anyway. Returns the
 * function that stops watching.
 */
export function watchLocks(locksDir: string, onChange: () => void, options: WatchLocksOptions = {}): () => void {
	const root = path.resolve(locksDir);
	const watcher = watch(root, {
		depth: 0,
		ignoreInitial: true,
		usePolling: false,
		atomic: false,
		followSymlinks: false,
		ignored: (file: string) => file !== root && notLocks(file),
	});
	watcher.on('all', () => {
		onChange();
	});
	watcher.on('ready', () => options.onReady?.());
	watcher.on('error', error => options.onError?.(error instanceof Error ? error : new Error(String(error))));
	return () => {
		void watcher.close();
	};
}
