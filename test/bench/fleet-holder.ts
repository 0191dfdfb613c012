/**
 * The bench's fleet-spawning part, held open for the cleanup tests:
 * `node fleet-holder.js SLEEPERS` starts the fixture fleet (fake bots under real locks) and SLEEPERS
 * filler processes, prints `ready <filler pgid>`, then waits; a line `throw` on stdin makes it
 * fail with an uncaught exception.
 */
import {createInterface} from 'node:readline';
import {startFixtureFleet, startSleepers} from '../../bench/temp-fleet.js';

// A test runner globbing `test/**` may start this file with no arguments: nothing to do then.
const count = process.argv[2];
if (count !== undefined) {
	await startFixtureFleet();
	const sleepers = await startSleepers(Number(count));
	process.stdout.write(`ready ${sleepers.pgid}\n`);
	createInterface({input: process.stdin}).on('line', line => {
		if (line === 'throw') {
			throw new Error('an uncaught failure in the middle of the bench');
		}
	});
	// Stay up until a signal or the exception ends it.
	setInterval(() => {}, 1000);
}
