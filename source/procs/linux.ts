import {close, open, read} from 'node:fs';
import {readdir} from 'node:fs/promises';
import {promisify} from 'node:util';
import type {ProcessTable} from '../runtime/ports/process-platform.js';
import {hostFacts, parseCmdline, parseProcStat, parseStatusUid, startTicksToEpochMs} from './identity.js';
import type {ProcessInfo} from './types.js';

const openFile = promisify(open);
const readChunk = promisify(read);
const closeFile = promisify(close);

/** Options for {@link readLinuxProcessTable}. */
export interface LinuxTableOptions {
	/** Where procfs is mounted; `/proc` unless the host's is mounted elsewhere (e.g. `/host/proc` in a container). */
	procRoot?: string;
}

/** The files of one `/proc/<pid>` directory that the table is built from. */
export interface ProcFiles {
	/** `/proc/<pid>/stat`. */
	stat: string;
	/** `/proc/<pid>/cmdline`: empty for kernel threads and zombies. */
	cmdline: Buffer;
	/** `/proc/<pid>/status`, or null when it could not be read (only the owner uid comes from it). */
	status: string | null;
}

/*
 * On Linux the list itself is read from /proc rather than from ps-list: ps-list would only run
 * `ps`, which reads /proc, and we would then re-read /proc for exact argv and start tokens.
 * Reading once is cheaper and means a PID cannot vanish (or be reused) between the two reads.
 *
 * The reads are asynchronous although synchronous ones are about twice as fast: reading
 * /proc/<pid>/cmdline takes the process's mmap lock and can block for as long as that process is
 * stuck (the classic "ps hangs"), and a synchronous read would freeze the whole deck with it.
 * A few readers share the work so that one stuck process does not stall the rest, and each reads
 * through its own reused buffer (readFile on these size-0 files costs several times more).
 */
const readers = 16;

/** Every process in `/proc` except zombies (which have exited), with `cpu`/`memoryBytes` null. */
export async function readLinuxProcessTable(options: LinuxTableOptions = {}): Promise<ProcessInfo[]> {
	return (await readLinuxTable(options)).processes;
}

/**
 * One read of `/proc`: every process except zombies, and the PIDs listed but hidden from us
 * (procfs mounted with `hidepid=1`), which are alive although nothing about them can be read.
 */
export async function readLinuxTable(options: LinuxTableOptions = {}): Promise<ProcessTable> {
	const procRoot = options.procRoot ?? '/proc';
	const {bootedAt} = hostFacts();
	const readStartedAt = Date.now();
	let entries: string[];
	try {
		entries = await readdir(procRoot);
	} catch (error) {
		throw new Error(`cannot list processes in ${procRoot} (${(error as NodeJS.ErrnoException).code ?? String(error)}); is procfs mounted there?`, {cause: error});
	}

	const pids = entries.filter(entry => /^\d+$/.test(entry)).map(Number);
	const found = new Map<number, ProcessInfo>();
	const hidden = new Set<number>();
	let next = 0;
	await Promise.all(Array.from({length: Math.min(readers, pids.length)}, async () => {
		const scratch = {buffer: Buffer.alloc(16 * 1024)};
		for (let pid = pids[next++]; pid !== undefined; pid = pids[next++]) {
			const files = await readProcFiles(`${procRoot}/${pid}`, scratch);
			if (files === 'hidden') {
				hidden.add(pid);
				continue;
			}

			const info = files && processFromProcFiles(pid, files, bootedAt);
			if (info) {
				found.set(pid, info);
			}
		}
	}));
	// In /proc's order (ascending PIDs), whichever reader finished first.
	return {processes: pids.flatMap(pid => found.get(pid) ?? []), hidden: pids.filter(pid => hidden.has(pid)), readStartedAt};
}

/**
 * Build one process from its /proc files; undefined for a zombie or an unparsable stat. A kernel
 * thread (empty cmdline) gets an empty argv and command, and is known by its comm name.
 */
export function processFromProcFiles(pid: number, files: ProcFiles, bootedAt: number | null): ProcessInfo | undefined {
	const stat = parseProcStat(files.stat);
	if (!stat || stat.state === 'Z') {
		return undefined;
	}

	const argv = parseCmdline(files.cmdline);
	return {
		pid,
		ppid: stat.ppid,
		name: files.stat.slice(files.stat.indexOf('(') + 1, files.stat.lastIndexOf(')')),
		argv,
		command: argv.join(' '),
		startToken: stat.startTicks,
		startedAt: bootedAt === null ? null : startTicksToEpochMs(stat.startTicks, bootedAt),
		// The effective uid, as a single-PID probe reports it: the one a lockfile's owner is compared with.
		uid: files.status === null ? null : parseStatusUid(files.status),
		cpu: null,
		memoryBytes: null,
	};
}

/** A reader's scratch buffer; replaced by a larger one when a file does not fit. */
interface Scratch {
	buffer: Buffer;
}

/**
 * Read one process's files; undefined when it exited mid-read (ENOENT/ESRCH), `hidden` when it is
 * hidden from us (EACCES/EPERM, e.g. procfs mounted with `hidepid`). Anything else is a real
 * fault and throws.
 */
async function readProcFiles(directory: string, scratch: Scratch): Promise<ProcFiles | 'hidden' | undefined> {
	try {
		const stat = (await readProcFile(`${directory}/stat`, scratch)).toString('utf8');
		const cmdline = await readProcFile(`${directory}/cmdline`, scratch);
		let status: string | null = null;
		try {
			status = (await readProcFile(`${directory}/status`, scratch)).toString('utf8');
		} catch {}

		return {stat, cmdline, status};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ESRCH') {
			return undefined;
		}

		if (code === 'EACCES' || code === 'EPERM') {
			return 'hidden';
		}

		throw new Error(`cannot read the process table from ${directory} (${code ?? String(error)})`, {cause: error});
	}
}

/** The whole content of one /proc file (read until end of file), as a buffer of its own. */
async function readProcFile(file: string, scratch: Scratch): Promise<Buffer> {
	const fd = await openFile(file, 'r');
	try {
		let length = 0;
		for (;;) {
			if (length === scratch.buffer.length) {
				const larger = Buffer.alloc(scratch.buffer.length * 2);
				scratch.buffer.copy(larger);
				scratch.buffer = larger;
			}

			const {bytesRead} = await readChunk(fd, scratch.buffer, length, scratch.buffer.length - length, null);
			if (bytesRead === 0) {
				return Buffer.from(scratch.buffer.subarray(0, length));
			}

			length += bytesRead;
		}
	} finally {
		await closeFile(fd);
	}
}
