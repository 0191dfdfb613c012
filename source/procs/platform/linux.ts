import type {ProcessPlatform} from '../../runtime/ports/process-platform.js';
import {selfIdentity} from '../identity.js';
import {readLinuxTable} from '../linux.js';
import {posixControl} from './posix-signals.js';
import {spawnDetached} from './spawn.js';

/** Linux: the table and every identity from `/proc` (start token: field 22 of `/proc/<pid>/stat`); POSIX signals. */
export const linuxPlatform: ProcessPlatform = {
	...posixControl,
	name: 'linux',
	table: async () => readLinuxTable(),
	self: async () => selfIdentity(),
	spawnSupervised: spawnDetached,
};
