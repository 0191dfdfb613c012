import type {ProcessProbe} from '../../source/procs/types.js';
import {createMemoryLockStore, MemoryLockSpace} from '../../source/runtime/adapters/memory-lock-store.js';
import type {LockStore} from '../../source/runtime/ports.js';

/** A made-up host whose process table is a set of PIDs the test says are alive. */
export class FakeHost {
	readonly space = new MemoryLockSpace(() => this.now);
	now = Date.parse('2026-12-02T09:00:00Z');
	readonly host = {hostname: 'memory-host', bootId: 'boot-1', bootedAt: this.now - 86_400_000};
	readonly #alive = new Map<number, string>();
	#nextPid = 1000;

	/** A new live process: its PID and start token. */
	spawn(): {pid: number; startToken: string} {
		const pid = this.#nextPid++;
		const startToken = `start-${pid}`;
		this.#alive.set(pid, startToken);
		return {pid, startToken};
	}

	kill(pid: number): void {
		this.#alive.delete(pid);
	}

	probe = (pid: number): ProcessProbe => {
		const startToken = this.#alive.get(pid);
		return startToken === undefined ? {state: 'gone', pid} : {state: 'alive', pid, startToken, command: `bot ${pid}`, startedAt: null, uid: null};
	};

	/** A store acting for `holder` (a new process unless given). */
	store(holder = this.spawn()): LockStore {
		return createMemoryLockStore({space: this.space, holder, host: this.host, context: {probe: this.probe, findLockChild: () => null}});
	}
}

