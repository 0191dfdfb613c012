import psList, {type ProcessDescriptor} from 'ps-list';
import type {ProcessInfo} from './types.js';

/**
 * The process table on POSIX systems without /proc (macOS, the BSDs) from ps-list: one `ps` call
 * that already carries `lstart`, so the creation time costs nothing extra.
 */
export async function readPosixProcessTable(): Promise<ProcessInfo[]> {
	return fromPsList(await psList({all: true}));
}

/**
 * Map ps-list's rows to processes. `ps` gives the command line as one string, so argv is that
 * string split on spaces (arguments that contained spaces cannot be told apart). The start token
 * is the creation time in epoch ms (`ps -o lstart`, whole seconds).
 */
export function fromPsList(descriptors: readonly ProcessDescriptor[]): ProcessInfo[] {
	return descriptors.map(descriptor => {
		const argv = (descriptor.cmd ?? '').split(' ').filter(part => part !== '');
		const startedAt = descriptor.startTime?.getTime();
		const known = startedAt !== undefined && Number.isFinite(startedAt);
		return {
			pid: descriptor.pid,
			ppid: descriptor.ppid,
			name: descriptor.name,
			argv,
			command: argv.join(' '),
			startToken: known ? String(startedAt) : null,
			startedAt: known ? startedAt : null,
			uid: descriptor.uid ?? null,
			cpu: null,
			memoryBytes: null,
		};
	});
}
