/** One process on this host, as the process-table adapters report it. */
export interface ProcessInfo {
	pid: number;
	ppid: number;
	/** Executable name (`python3`, `node`). */
	name: string;
	/** Exact argv where the platform gives it (Linux `/proc/<pid>/cmdline`), else the command line split on spaces. */
	argv: string[];
	/** The full command line as one string, argv joined by single spaces. Matched against a component's `match`. */
	command: string;
	/** Identity beyond the PID: Linux field 22 of `/proc/<pid>/stat`; elsewhere the creation time. Null when unknown. */
	startToken: string | null;
	/** Process start, epoch milliseconds; null when unknown. */
	startedAt: number | null;
	/** Owner uid (POSIX), null when unknown. */
	uid: number | null;
	/** CPU use, percent of one core, from the batch sample; null when not sampled. */
	cpu: number | null;
	/** Resident memory in bytes; null when not sampled. */
	memoryBytes: number | null;
}

/** What a probe of one PID found, used to judge a lock's holder. */
export type ProcessProbe =
	| {
		state: 'alive';
		pid: number;
		startToken: string | null;
		command: string | null;
		startedAt: number | null;
		/** The process's effective uid, compared with a lockfile's owner; null where the platform does not give one. */
		uid: number | null;
	}
	| {state: 'gone'; pid: number}
	| {state: 'unknown'; pid: number; reason: string};

/** Facts about this host that lock verdicts depend on. */
export interface HostFacts {
	hostname: string;
	/** Linux `/proc/sys/kernel/random/boot_id`; null elsewhere. */
	bootId: string | null;
	/** When this host last booted, epoch ms; null when unknown. */
	bootedAt: number | null;
}
