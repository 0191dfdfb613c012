import assert from 'node:assert/strict';
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {processPlatform} from '../../source/procs/platform/index.js';
import {pollUntil, spawnIdle, uniqueMarker} from '../helpers/children.js';

test('one platform per OS: Linux /proc, Windows, ps-list for the rest', () => {
	assert.deepEqual((['linux', 'android', 'win32', 'darwin', 'freebsd'] as const).map(os => processPlatform(os).name), ['linux', 'linux', 'windows', 'posix', 'posix']);
});

test('this OS\'s platform: self() is the identity its table and its probe give this process', async () => {
	const platform = processPlatform();
	const self = await platform.self();
	const table = await platform.table();
	const row = table.processes.find(entry => entry.pid === process.pid);
	assert.equal(self.pid, process.pid);
	assert.equal(self.startToken, row?.startToken ?? null);
	assert.ok(table.readStartedAt <= Date.now());
	if (platform.name === 'linux') {
		assert.notEqual(self.startToken, null, 'Linux always knows its own start token');
		const probe = await platform.probe(process.pid);
		assert.equal(probe.state === 'alive' ? probe.startToken : null, self.startToken);
	}
});

test('spawnSupervised starts the process in its own group, with the environment added and its output in the file given, and the table then shows it', {skip: process.platform === 'win32' ? 'POSIX process groups' : false}, async t => {
	const platform = processPlatform();
	const marker = uniqueMarker();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-spawn-'));
	const logFile = path.join(dir, 'out.log');
	const log = openSync(logFile, 'a');
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	let child;
	try {
		child = platform.spawnSupervised({
			file: process.execPath,
			args: ['-e', 'console.log(process.env.FLEETDECK_TEST_VAR); setInterval(() => {}, 1000)', marker],
			cwd: dir,
			env: {FLEETDECK_TEST_VAR: 'added'},
			output: log,
		});
	} finally {
		closeSync(log);
	}

	const pid = child.pid;
	assert.ok(pid !== undefined);
	t.after(() => {
		child.kill('SIGKILL');
	});
	const row = await pollUntil('the child in the table', async () => (await platform.table()).processes.find(entry => entry.pid === pid));
	assert.ok(row.argv.includes(marker));
	await pollUntil('the variable in the log', () => (readFileSync(logFile, 'utf8') === 'added\n' ? true : undefined));
	if (platform.name === 'linux') {
		assert.equal(platform.leadsGroup(pid), true);
	}

	const exited = new Promise(resolve => child.once('exit', resolve));
	assert.deepEqual(await platform.forceKill(pid, true), {result: 'sent'});
	await exited;
});
