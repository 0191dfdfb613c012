import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {test} from 'node:test';
import type {DeckSources} from '../../source/runtime/deck-sources.js';
import {chooseReactBuild, runTui} from '../../source/ui/run-tui.js';
import {pollUntil} from '../helpers/children.js';
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

/** The deck is loaded (runTui imports it on first use), watching, and listening for keys. */
async function settled(tui: {watching: () => number; stdin: FakeStdin}): Promise<void> {
	await pollUntil('the deck to watch the locks and listen for keys', () => (tui.watching() > 0 && tui.stdin.listenerCount('readable') > 0 ? true : undefined), 60_000, 10);
}

function assertRestored(stdout: FakeStdout) {
	assert.equal(stdout.writes[0], '\u001B[?1049h\u001B[2J\u001B[H', 'entered the alternate screen first, cursor at the top');
	assert.ok(stdout.writes.at(-1)?.includes('\u001B[?1049l'), 'left it last');
}

test('q leaves the alternate screen and disposes the stores', async () => {
	const tui = start();
	await settled(tui);
	assert.equal(tui.watching(), 1);
	tui.stdin.send('q');
	await tui.done;
	assertRestored(tui.stdout);
	assert.equal(tui.watching(), 0);
});

test('Ctrl-C restores the screen too', async () => {
	const tui = start();
	await settled(tui);
	tui.stdin.send('\u0003');
	await tui.done;
	assertRestored(tui.stdout);
});

for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
	test(`${signal} restores the screen and sets exit code ${code}`, async () => {
		const before = new Set(process.listeners(signal));
		const tui = start();
		await settled(tui);
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
	await settled(tui);
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

test('a resize repaints the whole screen once it settles, so no line of the old frame stays', async () => {
	const tui = start();
	await settled(tui);
	const before = tui.stdout.writes.length;
	tui.stdout.columns = 60;
	tui.stdout.emit('resize');
	tui.stdout.columns = 50;
	tui.stdout.emit('resize');
	const repaints = () => tui.stdout.writes.slice(before).filter(data => data.includes('\u001B[2J\u001B[H'));
	await pollUntil('the repaint', () => (repaints().length > 0 ? true : undefined), 60_000, 10);
	// A timer of the same delay set now fires after any repaint timer the burst left uncleared
	// (Node runs timers of one duration in the order they were set): past it, every repaint is in.
	// Imported here, after runTui has loaded the deck: importing Ink first would load React before
	// runTui chose its build.
	const {repaintDelayMs} = await import('../../source/ui/use-terminal-size.js');
	await new Promise(resolve => {
		setTimeout(resolve, repaintDelayMs);
	});
	assert.equal(repaints().length, 1, 'one repaint for a burst of resizes');
	tui.stdin.send('q');
	await tui.done;
});

test('the deck runs React\'s production build unless NODE_ENV says otherwise', () => {
	const unset: NodeJS.ProcessEnv = {};
	chooseReactBuild(unset);
	assert.equal(unset['NODE_ENV'], 'production');
	const developer: NodeJS.ProcessEnv = {NODE_ENV: 'development'};
	chooseReactBuild(developer);
	assert.equal(developer['NODE_ENV'], 'development');
});
