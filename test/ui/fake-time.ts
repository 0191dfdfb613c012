import type {Clock, TimerHandle, Timers} from '../../source/ui/sources.js';

interface Pending {
	id: number;
	at: number;
	every: number | null;
	callback: () => void;
}

/** A clock and timers that move only when the test says so. */
export class FakeTime implements Clock, Timers {
	private current: number;
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();

	constructor(start = Date.parse('2026-11-22T18:00:00.000Z')) {
		this.current = start;
	}

	now = (): number => this.current;

	setTimeout = (callback: () => void, ms: number): TimerHandle => this.add(callback, ms, null);
	setInterval = (callback: () => void, ms: number): TimerHandle => this.add(callback, ms, ms);
	clearTimeout = (handle: TimerHandle): void => {
		this.pending.delete(handle as number);
	};

	clearInterval = (handle: TimerHandle): void => {
		this.pending.delete(handle as number);
	};

	/** Timers still scheduled. */
	get count(): number {
		return this.pending.size;
	}

	/** Move time forward, firing due timers in order and letting promises settle between them. */
	async advance(ms: number): Promise<void> {
		const end = this.current + ms;
		for (;;) {
			const due = [...this.pending.values()].filter(timer => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
			if (!due) {
				break;
			}

			this.current = due.at;
			if (due.every === null) {
				this.pending.delete(due.id);
			} else {
				due.at += due.every;
			}

			due.callback();
			await settle();
		}

		this.current = end;
		await settle();
	}

	private add(callback: () => void, ms: number, every: number | null): number {
		const id = this.nextId++;
		this.pending.set(id, {id, at: this.current + ms, every, callback});
		return id;
	}
}

/** Let queued promise callbacks run. */
export async function settle(): Promise<void> {
	for (let round = 0; round < 5; round++) {
		await new Promise<void>(resolve => {
			setImmediate(resolve);
		});
	}
}

export interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: Error) => void;
}

export function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return {promise, resolve, reject};
}
