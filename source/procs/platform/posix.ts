import type {ProcessIdentity, ProcessPlatform} from '../../runtime/ports/process-platform.js';
import {readPosixProcessTable} from '../posix.js';
import {posixControl} from './posix-signals.js';
import {spawnDetached} from './spawn.js';

let self: Promise<ProcessIdentity> | undefined;

/**
 * macOS and the BSDs: the table from ps-list (start token: the creation time in epoch ms); POSIX
 * signals. A single-PID probe has no start token here (kill(pid, 0) only), so the stop paths'
 * identity checks stay in doubt and signal nothing they cannot prove, as before.
 */
export const posixPlatform: ProcessPlatform = {
	...posixControl,
	name: 'posix',
	async table() {
		const readStartedAt = Date.now();
		return {processes: await readPosixProcessTable(), hidden: [], readStartedAt};
	},
	self() {
		// This process's own row of the table, so the token a lock records is the one every poll reads.
		self ??= posixPlatform.table().then(
			table => ({pid: process.pid, startToken: table.processes.find(entry => entry.pid === process.pid)?.startToken ?? null}),
			() => ({pid: process.pid, startToken: null}),
		);
		return self;
	},
	spawnSupervised: spawnDetached,
};
