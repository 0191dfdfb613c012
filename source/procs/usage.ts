import pidusage from 'pidusage';
import type {ProcessInfo} from './types.js';

/** CPU and memory of one process at one poll. */
export interface Usage {
	/** Percent of one core since the previous sample of this PID (0–100 × cores). */
	cpu: number;
	/** Resident memory in bytes. */
	memoryBytes: number;
}

/**
 * CPU and memory of `pids` in one pidusage batch. A PID that is gone is simply missing from the
 * result. pidusage fails a whole batch when one PID of it is missing (a lone PID on Linux; any PID
 * where it runs `ps -p`), so on failure the PIDs proven gone are dropped and the rest sampled
 * again; a failure that is not explained by a vanished PID is a real fault and throws.
 *
 * Known limit: on Linux pidusage keeps `/proc/<pid>/stat` open between samples, so a PID reused
 * within a minute of its process exiting reads as missing until that cached descriptor expires.
 */
export async function sampleUsage(pids: number[]): Promise<Map<number, Usage>> {
	let batch = [...new Set(pids)].filter(pid => Number.isInteger(pid) && pid > 0);
	const usage = new Map<number, Usage>();
	while (batch.length > 0) {
		let stats: Record<string, pidusage.Status | null | undefined>;
		try {
			// pidusage rewrites the array it is given; hand it a copy.
			stats = await pidusage([...batch]);
		} catch (error) {
			const alive = batch.filter(pid => !isGone(pid));
			if (alive.length === batch.length) {
				throw new Error(`cannot sample CPU/memory of PIDs ${batch.join(', ')}: ${(error as Error).message}`, {cause: error});
			}

			batch = alive;
			continue;
		}

		for (const pid of batch) {
			const stat = stats[pid];
			if (stat) {
				usage.set(pid, {cpu: stat.cpu, memoryBytes: stat.memory});
			}
		}

		break;
	}

	return usage;
}

/** The processes with `cpu`/`memoryBytes` from `usage`; null for a process that was not sampled. */
export function withUsage(processes: ProcessInfo[], usage: Map<number, Usage>): ProcessInfo[] {
	return processes.map(candidate => {
		const sample = usage.get(candidate.pid);
		return {...candidate, cpu: sample?.cpu ?? null, memoryBytes: sample?.memoryBytes ?? null};
	});
}

/** True only on proof the PID does not exist (ESRCH); EPERM means it exists but is not ours. */
function isGone(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
