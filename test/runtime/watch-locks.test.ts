import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {watchLocks} from '../../source/runtime/watch-locks.js';

async function until(predicate: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}

test('reports lock files appearing, changing and going away; ignores temp, guard and token files and subdirectories', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-watch-'));
	fs.mkdirSync(path.join(dir, 'nested'));
	fs.writeFileSync(path.join(dir, 'EXISTING.lock'), '{}');
	let changes = 0;
	let ready = false;
	const stop = watchLocks(dir, () => changes++, {onReady: () => (ready = true)});
	t.after(() => {
		stop();
		fs.rmSync(dir, {recursive: true, force: true});
	});
	await until(() => ready, 'the watcher to be ready');
	assert.equal(changes, 0, 'ignoreInitial: existing files are not changes');

	fs.writeFileSync(path.join(dir, 'BRAIN_ATLAS.lock.4242.tmp'), '{}');
	fs.writeFileSync(path.join(dir, 'BRAIN_ATLAS.lock.guard'), '');
	fs.writeFileSync(path.join(dir, 'BRAIN_ATLAS.token'), '7');
	fs.writeFileSync(path.join(dir, 'nested', 'DEEP.lock'), '{}');
	// A change that is reported, written after the ignored ones: once it arrives, they would have too.
	fs.writeFileSync(path.join(dir, 'BRAIN_ATLAS.lock'), '{"pid":1}');
	await until(() => changes >= 1, 'the new lock');
	// One more reported change, written last: once it is in, a second report of the lock above (or
	// of an ignored file) would be in too. A condition, not a pause that a loaded machine outlasts.
	fs.writeFileSync(path.join(dir, 'SENTINEL.lock'), '{}');
	await until(() => changes >= 2, 'the sentinel lock');
	assert.equal(changes, 2, 'only the locks themselves counted');

	// Atomic replace: write a temp file, rename it over the lock.
	fs.writeFileSync(path.join(dir, 'BRAIN_ATLAS.lock.99.tmp'), '{"pid":2}');
	fs.renameSync(path.join(dir, 'BRAIN_ATLAS.lock.99.tmp'), path.join(dir, 'BRAIN_ATLAS.lock'));
	await until(() => changes >= 3, 'the replaced lock');
	const afterReplace = changes;
	fs.unlinkSync(path.join(dir, 'BRAIN_ATLAS.lock'));
	await until(() => changes > afterReplace, 'the removed lock');
});

test('stopping the watcher stops the reports', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-watch-'));
	t.after(() => fs.rmSync(dir, {recursive: true, force: true}));
	let changes = 0;
	let ready = false;
	const stop = watchLocks(dir, () => changes++, {onReady: () => (ready = true)});
	// A second watcher on the same directory, still running: when it has seen the late lock, the
	// stopped one would have too.
	let witnessed = 0;
	let witnessReady = false;
	const stopWitness = watchLocks(dir, () => witnessed++, {onReady: () => (witnessReady = true)});
	t.after(stopWitness);
	await until(() => ready && witnessReady, 'both watchers to be ready');
	stop();
	fs.writeFileSync(path.join(dir, 'LATE.lock'), '{}');
	await until(() => witnessed >= 1, 'the witness to see the late lock');
	assert.equal(changes, 0);
});
