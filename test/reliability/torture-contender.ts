/**
 * One contender of the lock torture (run as a child process, not a test file):
 *
 *   node torture-contender.js DIR NAME LOG STOP_FILE MIN_ATTEMPTS
 *
 * Until STOP_FILE exists and it has made at least MIN_ATTEMPTS acquire attempts: acquire, append
 * "enter PID TOKEN" to LOG, claim DIR/critical-section by writing its PID there, hold for a
 * moment, check the claim is still its own (another holder inside at the same time would have
 * overwritten it: "overlap PID OTHER"), append "exit PID TOKEN", release. A takeover appends
 * "takeover PID OLD_PID VERDICT" first; a release that finds the lock no longer ours appends
 * "lost PID REASON". Every line ends with the time in epoch ms (for a diagnostic only). Prints one
 * JSON summary line on stdout when done. The test ends the storm by operations counted, never by
 * the clock, so a slow machine makes it longer, not smaller.
 */
import {appendFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {acquire, release} from '../../source/locks/index.js';

const [dir = '', name = '', log = '', stopFile = '', minAttempts = '0'] = process.argv.slice(2);
const critical = path.join(dir, 'critical-section');
const write = (line: string) => {
	// One short O_APPEND write per line: lines from different contenders never interleave.
	appendFileSync(log, `${line} ${Date.now()}\n`);
};

let held = 0;
let attempts = 0;
while (attempts < Number(minAttempts) || !existsSync(stopFile)) {
	attempts++;
	const result = await acquire(dir, name, {command: 'torture-contender'});
	if (!result.acquired) {
		await sleep(5 + Math.random() * 10);
		continue;
	}

	const {pid, token} = result.record;
	if (result.tookOver) {
		write(`takeover ${pid} ${result.tookOver.record?.pid ?? '?'} ${result.tookOver.verdict}`);
	}

	write(`enter ${pid} ${token}`);
	writeFileSync(critical, String(pid));
	// Long enough that a fair share of the test's SIGKILLs land while a holder is inside.
	await sleep(2 + Math.random() * 10);
	const inside = readFileSync(critical, 'utf8');
	if (inside !== String(pid)) {
		write(`overlap ${pid} ${inside}`);
	}

	write(`exit ${pid} ${token}`);
	const released = await release(dir, name, result.record);
	if (!released.released) {
		write(`lost ${pid} ${released.reason.replaceAll(' ', '_')}`);
	}

	held++;
}

process.stdout.write(`${JSON.stringify({pid: process.pid, held, attempts})}\n`);
