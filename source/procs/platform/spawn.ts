import {spawn, type ChildProcess} from 'node:child_process';
import type {SupervisedSpawn} from '../../runtime/ports/process-platform.js';

/**
 * Start a process in its own process group (POSIX: its own session), so a stop reaches its own
 * children too, a Ctrl-C meant for its parent does not hit it before the parent decides, and a
 * `launch`ed supervisor outlives the terminal that started it. No shell; stdin closed.
 */
export function spawnDetached(request: SupervisedSpawn): ChildProcess {
	const output = request.output;
	return spawn(request.file, request.args, {
		cwd: request.cwd,
		env: request.env === undefined ? process.env : {...process.env, ...request.env},
		detached: true,
		stdio: ['ignore', output, output],
		windowsHide: true,
	});
}
