import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {FleetConfig} from '../runtime/config.js';
import type {Controller} from '../runtime/control.js';
import type {Journal} from '../runtime/journal.js';
import type {BrokerSim} from './broker-sim/server.js';

/** The fake bot of this build (`dist/fixtures/fake-bot.js`, shipped in the package for the demo). */
export const fakeBotPath = fileURLToPath(new URL('../../fixtures/fake-bot.js', import.meta.url));

/**
 * What the demo has set up so far. Staging fills it in step by step, so the teardown can undo
 * exactly what exists when a signal or a failure cuts staging short.
 */
export interface DemoWorkspace {
	/** The temporary directory: config, locks, logs and journal; also the marker in every demo argv. */
	dir: string;
	sim: BrokerSim | null;
	config: FleetConfig | null;
	journal: Journal | null;
	controller: Controller | null;
}

/** Progress lines for the operator (stderr) while the demo stages and tears down. */
export type Say = (line: string) => void;

export function createDemoWorkspace(): DemoWorkspace {
	return {dir: mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-demo-')), sim: null, config: null, journal: null, controller: null};
}
