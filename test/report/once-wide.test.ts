import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import displayWidth from 'string-width';
import {spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';

/**
 * Operators name accounts in their own script, and a bot writes whatever it likes into its
 * lockfile. A CJK character or an emoji takes two terminal cells: counted as one, a `--once` row
 * reached 92 columns of the 80 the text face promises, and cron mail wrapped it into a mess.
 */
test('--once (text) through the real CLI: lock names and accounts in CJK and emoji stay within 80 display cells a line', async t => {
	const dir = tempDir(t);
	const locksDir = path.join(dir, '.locks');
	const account = '取引口座アトラス東京🚀🚀';
	const holder = spawnIdle(t, uniqueMarker());
	writeLock(locksDir, 'BRAIN_ATLAS', holder.pid, {account});
	// A legacy lockfile (the Python scripts' shape) whose file name is the component's name.
	writeFileSync(path.join(locksDir, 'ボット口座アトラス東京大阪名古屋🚀🚀.lock'), JSON.stringify({pid: holder.pid, account, timestamp: new Date().toISOString()}));

	const result = await runCli(['--once'], {cwd: dir});
	assert.ok(result.code >= 0 && result.code <= 3, `exit ${result.code}: ${result.stderr}`);
	assert.match(result.stdout, /取引口座/, 'the CJK account is shown');
	assert.match(result.stdout, /ボット口座/, 'the CJK lock name is shown');
	for (const line of result.stdout.split('\n')) {
		assert.ok(displayWidth(line) <= 80, `${displayWidth(line)} cells: ${line}`);
	}

	const rows = result.stdout.split('\n').filter(line => line.includes('取引口座'));
	assert.ok(rows.length >= 2, result.stdout);
	const lockColumn = (line: string) => displayWidth(line) - displayWidth(line.replace(/\S+$/, ''));
	assert.equal(new Set(rows.map(row => displayWidth(row) - lockColumn(row))).size, 1, `the LOCK column starts at the same cell on every row:\n${rows.join('\n')}`);
});
