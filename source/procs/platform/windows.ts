import type {ProcessIdentity, ProcessPlatform} from '../../runtime/ports/process-platform.js';
import {readWindowsProcessTable} from '../windows.js';
import {spawnDetached} from './spawn.js';
import {windowsControl} from './windows-control.js';

let self: Promise<ProcessIdentity> | undefined;

/**
 * Windows through PowerShell/CIM (`Win32_Process`; start token: the creation time in epoch ms)
 * and taskkill. The native table and Job Object stopper replace this adapter later, behind the
 * same port.
 */
export const windowsPlatform: ProcessPlatform = {
	...windowsControl,
	name: 'windows',
	async table() {
		const readStartedAt = Date.now();
		return {processes: await readWindowsProcessTable(), hidden: [], readStartedAt};
	},
	self() {
		// Read once: the same Win32_Process CreationDate, parsed the same way, as the table reports.
		self ??= windowsControl.probe(process.pid).then(probe => ({pid: process.pid, startToken: probe.state === 'alive' ? probe.startToken : null}));
		return self;
	},
	spawnSupervised: spawnDetached,
};
