import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {cliPath, tempDir} from '../helpers/cli.js';

/**
 * A reader that is slow to start reading (`fleetdeck … | python3 -c …` on a busy host) must still
 * get the whole output: the CLI waits for its pipe to drain before it exits. A real OS pipe holds
 * 64 KiB; `sh` only builds the pipeline, fleetdeck is started by path with its arguments.
 */
test('locks --json into a pipe whose reader sleeps 6 s first is complete and parses', {timeout: 60_000}, async t => {
	const root = tempDir(t, 'fleetdeck-slow-reader-');
	const locksDir = path.join(root, '.locks');
	mkdirSync(locksDir);
	// Another host's locks (never judged here): about 450 KB of JSON, seven times what a pipe holds.
	for (let index = 0; index < 1000; index++) {
		writeFileSync(path.join(locksDir, `SLOW_${index}.lock`), JSON.stringify({pid: 4242, account: `ACC${index % 7}`, timestamp: '2026-11-22T18:00:00', hostname: 'elsewhere-host'}));
	}

	const output = path.join(root, 'read.json');
	const script = '{ "$0" "$1" locks --json --locks-dir "$2"; echo $? > "$3.code"; } | { sleep 6; cat > "$3"; }';
	await promisify(execFile)('sh', ['-c', script, process.execPath, cliPath, locksDir, output], {timeout: 50_000});
	assert.equal(readFileSync(`${output}.code`, 'utf8').trim(), '0');
	const views = JSON.parse(readFileSync(output, 'utf8')) as unknown[];
	assert.equal(views.length, 1000);
});
