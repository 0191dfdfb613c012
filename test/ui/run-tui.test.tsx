import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {test} from 'node:test';
import type {DeckSources} from '../../source/ui/sources.js';
import {runTui} from '../../source/ui/run-tui.js';
import {FakeController, incidentFleet} from './fixtures.js';

class FakeStdout extends EventEmitter {
	readonly writes: string[] = [];
	isTTY = true;
	columns = 80;
	rows = 24;
	write = (data: string) => {
		this.writes.push(data);
		return true;
	};
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	send(data: string) {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}

	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

function start(snapshot = async () => incidentFleet()) {
	const stdout = new FakeStdout();
	const stdin = new FakeStdin();
	let watching = 0;
	const sources: DeckSources = {
		snapshot,
		watchLocks() {
			watching++;
			return () => {
				watching--;
			};
		},
		recentEvents: () => [],
		latency: () => [],
		pollSeconds: 2,
	};
	const done = runTui({
		sources,
		controller: new FakeController(),
		env: {LANG: 'C.UTF-8', NO_COLOR: '1'},
		stdin: stdin as unknown as NodeJS.ReadStream,
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
	});
	return {stdout, stdin, done, watching: () => watching};
}

async function settled(): Promise<void> {
	await new Promise(resolve => {
		setTimeout(resolve, 50);
	});
}

function assertRestored(stdout: FakeStdout) {
	assert.equal(stdout.writes[0], '\u001B[?1049h', 'entered the alternate screen first');
	assert.ok(stdout.writes.at(-1)?.includes('\u001B[?1049l'), 'left it last');
}

test('q leaves the alternate screen and disposes the stores', async () => {
	const tui = start();
	await settled();
	assert.equal(tui.watching(), 1);
	tui.stdin.send('q');
	await tui.done;
	assertRestored(tui.stdout);
	assert.equal(tui.watching(), 0);
});

test('Ctrl-C restores the screen too', async () => {
	const tui = start();
	await settled();
	tui.stdin.send('\u0003');
	await tui.done;
	assertRestored(tui.stdout);
});

for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
	test(`${signal} restores the screen and sets exit code ${code}`, async () => {
		const before = new Set(process.listeners(signal));
		const tui = start();
		await settled();
		process.emit(signal, signal);
		await tui.done;
		assertRestored(tui.stdout);
		assert.equal(process.exitCode, code);
		process.exitCode = 0;
		assert.deepEqual(process.listeners(signal).filter(listener => !before.has(listener)), [], 'its handler is gone');
	});
}

test('an uncaught error restores the screen and rejects', async () => {
	const before = new Set(process.listeners('uncaughtException'));
	const tui = start();
	await settled();
	// Call the deck's handler directly: emitting the event would also fail the test run itself.
	const handler = process.listeners('uncaughtException').find(listener => !before.has(listener));
	assert.ok(handler, 'runTui listens for uncaught errors');
	handler(new Error('boom'), 'uncaughtException');
	await assert.rejects(tui.done, /boom/);
	assertRestored(tui.stdout);
	assert.equal(tui.watching(), 0);
	assert.deepEqual(process.listeners('uncaughtException').filter(listener => !before.has(listener)), []);
});

test('a render error restores the screen and rejects', async () => {
	const tui = start(async () => ({...incidentFleet(), services: null as never}));
	await assert.rejects(tui.done);
	assertRestored(tui.stdout);
	assert.equal(tui.watching(), 0);
});
