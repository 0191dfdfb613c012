import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {cliPath, tempDir} from '../helpers/cli.js';
import {pollUntil} from '../helpers/children.js';
import {assertCleanedUp, cleanUpAfter} from './demo-helpers.js';

const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

const quits = [
	{how: 'q', detail: 'quitting with q'},
	{how: 'hangup', detail: 'the terminal closing (SIGHUP, an SSH link dropping)'},
] as const;

for (const {how, detail} of quits) {
	test(`fleetdeck demo in a real terminal shows the staged fleet in the deck; ${detail} shuts the demo fleet down and removes it`, {timeout: 180_000, skip: hasTmux ? false : 'tmux is not installed (.ci/run installs it)'}, async t => {
		const socket = `fleetdeck-demo-${randomUUID()}`;
		const errors = path.join(tempDir(t), 'stderr.txt');
		const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
		let workspace: string | undefined;
		cleanUpAfter(t, () => workspace);
		t.after(() => {
			try {
				tmux('kill-server');
			} catch {}
		});

		// Ink draws nothing until exit when CI is set: the deck must run without it, as an operator's would.
		tmux('new-session', '-d', '-x', '100', '-y', '30', `env -u CI -u CONTINUOUS_INTEGRATION '${process.execPath}' '${cliPath}' demo 2>'${errors}'`);
		const stderr = () => (existsSync(errors) ? readFileSync(errors, 'utf8') : '');
		workspace = await pollUntil('the demo to name its workspace', async () => /^fleetdeck demo: workspace (.+)$/m.exec(stderr())?.[1], 30_000);
		const screen = await pollUntil(
			'the deck to show every staged incident',
			async () => {
				const pane = tmux('capture-pane', '-p');
				return ['ATLAS', 'duplicate', 'stale-lock', 'BG_CHALLENGE', 'GL_3', 'BG_INSTANT', 'quantum_server'].every(word => pane.includes(word)) && /BG_CHALLENGE.*\s1\s/.test(pane) ? pane : undefined;
			},
			90_000,
		);
		assert.match(screen, /ATLAS.*duplicate.*x2/);
		assert.match(screen, /FTMO.*stale-lock/);
		assert.match(screen, /GL_3.*down/);
		assert.match(screen, /BG_INSTANT.*OK/);

		if (how === 'q') {
			tmux('send-keys', 'q');
		} else {
			tmux('kill-server');
		}

		await pollUntil('the demo to exit', async () => {
			try {
				tmux('has-session');
				return undefined;
			} catch {
				return true;
			}
		}, 90_000);
		await pollUntil('the demo to finish its cleanup', async () => (stderr().includes('the demo fleet is down and its workspace removed') ? true : undefined), 90_000);
		assert.match(stderr(), /shutdown: 12 done, 0 skipped, 0 failed/);
		await assertCleanedUp(workspace);
	});
}
