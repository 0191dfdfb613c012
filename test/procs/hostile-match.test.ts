import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {pollUntil} from '../helpers/children.js';
import {runCli, tempDir} from '../helpers/cli.js';
import {readProcessTable} from '../../source/procs/table.js';

interface OnceJson {
	accounts: Array<{components: Array<{name: string; state: string; processes: Array<{pid: number}>}>}>;
}

/**
 * Any local user can name a process. `^(a+)+$` is a valid pattern that a backtracking engine
 * needs about 2^48 steps to reject against `aaa…a! 600` (48 a's): `--once` hung for good. On
 * RE2 it is one pass over the command line.
 */
test('a process named aaa…a! does not freeze --once under the pattern ^(a+)+$', {timeout: 180_000, skip: process.platform === 'linux' ? false : 'argv0 shows in /proc/<pid>/cmdline on Linux'}, async t => {
	const dir = tempDir(t);
	const hostileName = `${'a'.repeat(48)}!`;
	const hostile = spawn('sleep', ['600'], {argv0: hostileName, stdio: 'ignore'});
	const exited = once(hostile, 'exit');
	t.after(async () => {
		if (hostile.exitCode === null && hostile.signalCode === null) {
			hostile.kill('SIGKILL');
			await exited;
		}
	});
	await pollUntil('the hostile process in the table', async () => ((await readProcessTable()).some(row => row.pid === hostile.pid && row.command.startsWith(hostileName)) ? true : undefined));

	const components = [
		{name: 'BRAIN_EVIL', role: 'brain', command: ['python', 'BRAIN_EVIL.py'], match: '^(a+)+$'},
		// Proves the hostile command line went through the patterns: this one finds it.
		{name: 'WATCHDOG_EVIL', role: 'watchdog', command: ['python', 'WATCHDOG_EVIL.py'], match: '^(a+)+! 600'},
	];
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({accounts: [{id: 'EVIL', number: '1', components}]}));
	const started = Date.now();
	// 2^48 steps is days: the guard only has to outlast a slow start on a loaded machine.
	const result = await runCli(['--once', '--json'], {cwd: dir, timeoutMs: 120_000});
	t.diagnostic(`--once --json took ${Date.now() - started} ms`);
	assert.notEqual(result.stdout, '', `--once printed nothing: it hung and was killed (${result.stderr})`);
	assert.ok(result.code >= 0 && result.code <= 3, `--once finished with a monitoring code, got ${result.code}: ${result.stderr}`);
	const snapshot = JSON.parse(result.stdout) as OnceJson;
	const found = new Map(snapshot.accounts.flatMap(account => account.components).map(component => [component.name, component]));
	assert.equal(found.get('BRAIN_EVIL')?.state, 'stopped');
	assert.deepEqual(found.get('WATCHDOG_EVIL')?.processes.map(row => row.pid), [hostile.pid]);
});
