import {readFileSync} from 'node:fs';
import os from 'node:os';
import type {HostFacts, ProcessProbe} from './types.js';

const isLinux = process.platform === 'linux';

/**
 * Parse `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): {ppid: number; startTicks: string; state: string} | undefined {
	const close = text.lastIndexOf(')');
	if (close === -1) {
		return undefined;
	}

	// After ") " come field 3 (state), 4 (ppid), … 22 (starttime): index 0 is field 3.
	const fields = text.slice(close + 2).split(' ');
	const state = fields[0];
	const ppid = Number(fields[1]);
	const startTicks = fields[19];
	if (state === undefined || !Number.isInteger(ppid) || startTicks === undefined || !/^\d+$/.test(startTicks)) {
		return undefined;
	}

	return {ppid, startTicks, state};
}

/** `/proc/<pid>/cmdline` as argv: NUL-separated, with a trailing NUL. */
export function parseCmdline(buffer: Buffer): string[] {
	const text = buffer.toString('utf8');
	const parts = text.split('\0');
	if (parts.at(-1) === '') {
		parts.pop();
	}

	return parts;
}

/**
 * The effective uid from `/proc/<pid>/status` (its `Uid:` line lists real, effective, saved and
 * filesystem uids). The effective uid is the one a lockfile's owner is compared with: a file gets
 * its creator's filesystem uid, which follows the effective uid (only setfsuid(2) parts them), so
 * a lock its holder wrote itself is owned by the holder's effective uid. Null when absent.
 */
export function parseStatusUid(status: string): number | null {
	const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
	return uids?.[2] === undefined ? null : Number(uids[2]);
}

let cachedHost: HostFacts | undefined;

/** Host name, boot id and boot time; read once per process (none of them change while we run). */
export function hostFacts(): HostFacts {
	if (cachedHost) {
		return cachedHost;
	}

	let bootId: string | null = null;
	let bootedAt: number | null = null;
	if (isLinux) {
		try {
			bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
		} catch {}

		try {
			const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
			bootedAt = btime?.[1] ? Number(btime[1]) * 1000 : null;
		} catch {}
	}

	bootedAt ??= Date.now() - os.uptime() * 1000;
	cachedHost = {hostname: os.hostname(), bootId, bootedAt};
	return cachedHost;
}

let clockTicks: number | undefined;
/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
function ticksPerSecond(): number {
	clockTicks ??= 100;
	return clockTicks;
}

/** Convert a Linux start token (ticks since boot) to epoch ms. */
export function startTicksToEpochMs(startTicks: string, bootedAt: number): number {
	return bootedAt + (Number(startTicks) / ticksPerSecond()) * 1000;
}

/**
 * Find out whether `pid` is running and who it is. `gone` is returned only on proof (the kernel
 * says there is no such process); anything else that goes wrong is `unknown`.
 */
export function probeProcess(pid: number): ProcessProbe {
	if (!Number.isInteger(pid) || pid <= 0) {
		return {state: 'unknown', pid, reason: `PID ${pid} is not a positive integer`};
	}

	if (isLinux) {
		return probeLinux(pid);
	}

	return probeByKill(pid);
}

function probeLinux(pid: number): ProcessProbe {
	let stat: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ESRCH') {
			return {state: 'gone', pid};
		}

		return {state: 'unknown', pid, reason: `cannot read /proc/${pid}/stat (${code ?? String(error)})`};
	}

	const parsed = parseProcStat(stat);
	if (!parsed) {
		return {state: 'unknown', pid, reason: `cannot parse /proc/${pid}/stat`};
	}

	// A zombie has exited; it holds nothing but its PID until its parent reaps it.
	if (parsed.state === 'Z') {
		return {state: 'gone', pid};
	}

	let command: string | null = null;
	try {
		command = parseCmdline(readFileSync(`/proc/${pid}/cmdline`)).join(' ');
	} catch {}

	let uid: number | null = null;
	try {
		uid = parseStatusUid(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {}

	const {bootedAt} = hostFacts();
	return {
		state: 'alive',
		pid,
		startToken: parsed.startTicks,
		command,
		startedAt: bootedAt === null ? null : startTicksToEpochMs(parsed.startTicks, bootedAt),
		uid,
	};
}

function probeByKill(pid: number): ProcessProbe {
	try {
		process.kill(pid, 0);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ESRCH') {
			return {state: 'gone', pid};
		}

		if (code !== 'EPERM') {
			return {state: 'unknown', pid, reason: `cannot probe PID ${pid} (${code ?? String(error)})`};
		}
	}

	// Alive (or owned by someone else). Without /proc there is no cheap start token or owner here;
	// the process-table adapters supply creation times where the platform has them.
	return {state: 'alive', pid, startToken: null, command: null, startedAt: null, uid: null};
}

/** This process's own identity, as a lock holder records it. */
export function selfIdentity(): {pid: number; startToken: string | null} {
	const probe = probeProcess(process.pid);
	return {pid: process.pid, startToken: probe.state === 'alive' ? probe.startToken : null};
}
