import {posixControl} from './posix.js';
import type {ProcessControl} from './types.js';
import {windowsControl} from './windows.js';

export type {ProcessControl, SignalOutcome} from './types.js';

/** The process control for this platform. */
export function processControl(platform: NodeJS.Platform = process.platform): ProcessControl {
	return platform === 'win32' ? windowsControl : posixControl;
}
