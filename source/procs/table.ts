import {readLinuxProcessTable} from './linux.js';
import {readPosixProcessTable} from './posix.js';
import type {ProcessInfo} from './types.js';
import {readWindowsProcessTable} from './windows.js';

/** Every process on this host, from the adapter for this platform; `cpu`/`memoryBytes` are null (see `sampleUsage`). */
export async function readProcessTable(): Promise<ProcessInfo[]> {
	switch (process.platform) {
		case 'linux':
		case 'android': {
			return readLinuxProcessTable();
		}

		case 'win32': {
			return readWindowsProcessTable();
		}

		default: {
			return readPosixProcessTable();
		}
	}
}
