import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {pollUntil} from '../helpers/children.js';
import {tempDir} from '../helpers/cli.js';

const supervisorModule = fileURLToPath(new URL('../../source/control/supervisor.js', import.meta.url));
const journalModule = fileURLToPath(new URL('../../source/journal/index.js', import.meta.url));

/**
 * A stop timeout over 2^31-1 ms reached setTimeout, which Node fires after 1 ms: SIGKILL followed
 * SIGTERM at once. The config refuses such a value; the supervisor must still wait, whatever it is
 * handed. Run in a child process, because a supervisor takes over its process's SIGTERM.
 */
test('a supervisor handed a 30-day stop timeout still waits for a graceful stop', {skip: process.platform === 'win32' ? 'POSIX signals' : false}, async t => {
	const dir = tempDir(t);
	const ready = path.join(dir, 'bot-ready');
	// The bot takes 300 ms to stop gracefully, and exits 0 when it is let.
	const bot = `process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300)); require('node:fs').writeFileSync(${JSON.stringify(ready)}, String(process.pid)); setInterval(() => {}, 1e3);`;
	mkdirSync(path.join(dir, '.locks'));
	const script = path.join(dir, 'supervise.mjs');
	writeFileSync(script, `
import {runSupervisor} from ${JSON.stringify(supervisorModule)};
import {openJournal} from ${JSON.stringify(journalModule)};
const journal = openJournal(${JSON.stringify(path.join(dir, 'journal.db'))});
const code = await runSupervisor({
	name: 'SLOW_STOP', account: null, command: [process.execPath, '-e', ${JSON.stringify(bot)}], cwd: ${JSON.stringify(dir)}, env: {},
	stopSignal: 'SIGTERM', stopTimeoutSeconds: 2_592_000, restart: 'never',
	backoff: {initialSeconds: 1, maxSeconds: 60, factor: 2, resetAfterSeconds: 60, crashLoopFailures: 5, crashLoopWindowSeconds: 300},
	locksDir: ${JSON.stringify(path.join(dir, '.locks'))}, context: {}, journal, log: line => process.stderr.write(line + '\\n'),
});
journal.close();
process.exit(code);
`);
	const supervisor = spawn(process.execPath, [script], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	supervisor.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = once(supervisor, 'exit');
	t.after(() => {
		if (supervisor.exitCode !== null || supervisor.signalCode !== null) {
			return; // A supervisor that ended has stopped its bot.
		}

		supervisor.kill('SIGKILL');
		// The bot leads its own process group and outlives a killed supervisor: not past this test.
		const botPid = existsSync(ready) ? Number(readFileSync(ready, 'utf8')) : 0;
		if (botPid > 0) {
			try {
				process.kill(-botPid, 'SIGKILL');
			} catch {}
		}
	});

	await pollUntil('the bot to start', () => {
		assert.equal(supervisor.exitCode, null, `the supervisor ended early: ${stderr}`);
		return existsSync(ready) ? true : undefined;
	});
	supervisor.kill('SIGTERM');
	const [code] = await exited;
	assert.equal(code, 0, `the bot stopped on its own, not by SIGKILL (137): ${stderr}`);
});
