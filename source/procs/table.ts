import {processPlatform} from './platform/index.js';
import type {ProcessInfo} from './types.js';

/** Every process on this host, from this platform's table; `cpu`/`memoryBytes` are null (see `sampleUsage`). */
export async function readProcessTable(): Promise<ProcessInfo[]> {
	return (await processPlatform().table()).processes;
}
