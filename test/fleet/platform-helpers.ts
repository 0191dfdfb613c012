import type {ProcessPlatform} from '../../source/runtime/ports.js';
import type {ProcessInfo} from '../../source/procs/types.js';

/** When the stand-in's processes were created, epoch ms (Windows and macOS use this as the start token). */
export const createdAt = Date.parse('2026-12-01T09:00:00.123Z');

/** A process as a Windows-like table reports it: no uid, the creation time as start token. */
export function foreignProc(pid: number, command: string, created = createdAt): ProcessInfo {
	const argv = command.split(' ');
	return {pid, ppid: 1, name: argv[0] ?? '', argv, command, startToken: String(created), startedAt: created, uid: null, cpu: null, memoryBytes: null};
}

/** This test process as the stand-in's table shows it (created before the test ran). */
export const selfRow = foreignProc(process.pid, 'node fleetdeck-test.js', createdAt - 5_000);

/**
 * A non-Linux ProcessPlatform stand-in: its table has creation-time start tokens and it never
 * reads /proc. It counts its table reads; a single-PID probe, a spawn or a signal fails the test,
 * because a poll must answer every lock from its one table read.
 */
export function standInPlatform(rows: ProcessInfo[]): ProcessPlatform & {tableReads: () => number} {
	let reads = 0;
	const refuse = (what: string) => () => {
		throw new Error(`the stand-in platform was asked to ${what}`);
	};

	return {
		name: 'windows',
		async table() {
			reads++;
			return {processes: [selfRow, ...rows], hidden: [], readStartedAt: Date.now()};
		},
		async self() {
			return {pid: process.pid, startToken: selfRow.startToken};
		},
		probe: refuse('probe one PID'),
		leadsGroup: refuse('read a process group'),
		requestStop: refuse('stop a process'),
		forceKill: refuse('kill a process'),
		signalGroup: refuse('signal a group'),
		groupAlive: refuse('look at a group'),
		spawnSupervised: refuse('spawn'),
		tableReads: () => reads,
	};
}
