/** Epoch milliseconds. */
export interface Clock {
	now(): number;
}

/** Opaque handle returned by `Timers`. */
export type TimerHandle = unknown;

/** The timer functions the stores use, injected so tests drive time by hand. */
export interface Timers {
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle): void;
	setInterval(callback: () => void, ms: number): TimerHandle;
	clearInterval(handle: TimerHandle): void;
}

export const systemClock: Clock = {now: () => Date.now()};

export const systemTimers: Timers = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
	setInterval: (callback, ms) => setInterval(callback, ms),
	clearInterval: handle => clearInterval(handle as NodeJS.Timeout),
};
