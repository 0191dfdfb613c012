import type {FleetConfig} from '../config/types.js';
import type {NewEvent} from '../journal/types.js';
import type {RuntimePorts} from './default-ports.js';
import {startLiveFleet} from './live-fleet.js';
import type {Standing} from './writer-election.js';

export interface WatchFleetOptions {
	config: FleetConfig;
	/** The adapters to read the fleet through and journal its changes to (`defaultPorts` outside tests). */
	ports: RuntimePorts;
	/** Aborted to stop: the loop ends after the poll under way, and the writer's lock is released. */
	signal: AbortSignal;
	/** Each fleet change journaled. */
	onRecorded?: (event: NewEvent) => void;
	/** Whenever this process becomes or stops being the writer (and once at start). */
	onStanding?: (standing: Standing) => void;
	/** Problems the operator should hear about, each said once while it lasts. */
	onWarning?: (message: string) => void;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted) {
		return;
	}

	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done);
	});
}

/**
 * `fleetdeck watch`: the fleet read once every poll interval with nobody looking, and what
 * changed journaled, so `history` and `report` are complete whether or not a deck was open. It
 * journals only while elected (see writer-election.ts); otherwise it stands by, trying again every
 * poll, and takes over when the writer stops. Resolves once `signal` is aborted and the lock is
 * released.
 */
export async function watchFleet(options: WatchFleetOptions): Promise<void> {
	const {config, ports, signal, onStanding = () => {}} = options;
	const live = startLiveFleet(config, ports, {by: 'the watcher', onRecorded: options.onRecorded, onWarning: options.onWarning});
	let wasWriter: boolean | null = null;
	let readError: string | null = null;
	try {
		while (!signal.aborted) {
			try {
				await live.snapshot();
				readError = null;
			} catch (error) {
				// One failed read is one missed poll, never the end of the history; said once.
				const message = `could not read the fleet: ${errorText(error)}`;
				if (message !== readError) {
					readError = message;
					options.onWarning?.(message);
				}
			}

			const standing = live.election.standing();
			if (standing.writer !== wasWriter) {
				wasWriter = standing.writer;
				onStanding(standing);
			}

			await pause(config.pollSeconds * 1000, signal);
		}
	} finally {
		await live.dispose();
	}
}
