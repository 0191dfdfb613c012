/** The listener set behind a store's `subscribe`. */
export interface Emitter {
	subscribe(listener: () => void): () => void;
	emit(): void;
	clear(): void;
}

export function createEmitter(): Emitter {
	const listeners = new Set<() => void>();
	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		emit() {
			for (const listener of [...listeners]) {
				listener();
			}
		},
		clear() {
			listeners.clear();
		},
	};
}
