import assert from 'node:assert/strict';
import {createServer} from 'node:net';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import React from 'react';
import {render} from 'ink-testing-library';
import {loadConfig} from '../../source/config/index.js';
import {defaultPorts} from '../../source/runtime/default-ports.js';
import {startLiveFleet} from '../../source/runtime/live-fleet.js';
import {openJournal} from '../../source/journal/index.js';
import {Deck} from '../../source/ui/deck/index.js';
import {createActionStore} from '../../source/ui/store/action-store.js';
import {createFleetStore} from '../../source/ui/store/fleet-store.js';
import {createTheme} from '../../source/ui/theme.js';
import {runCli, tempDir} from '../helpers/cli.js';
import {FakeController} from '../ui/fixtures.js';

/**
 * Credentials in a status or health URL, and a source that fails: every message then quotes the
 * URL. The README's cron recipe mails `--once` output, `--json` lands in monitoring systems and
 * the deck is shown on shared screens, so none of them may carry the password or the token.
 */
const password = 'pass';
const token = 'tok-SECRET-77';
const apiKey = 'KEYVALUE99';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const address = server.address();
	await new Promise(resolve => {
		server.close(resolve);
	});
	assert.ok(address !== null && typeof address === 'object');
	return address.port;
}

async function fleetWithSecretUrls(t: TestContext): Promise<string> {
	const dir = tempDir(t);
	const port = await closedPort();
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({
		services: [{name: 'quantum_server', command: ['python', 'quantum_server.py'], match: String.raw`quantum_server\.py NEVER-RUNS`, health: {url: `http://admin:${password}@127.0.0.1:${port}/health?apikey=${apiKey}`}}],
		accounts: [{
			id: 'ATLAS',
			number: '212000584',
			components: [{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: String.raw`BRAIN_ATLAS\.py NEVER-RUNS`}],
			broker: {status: {url: `http://user:${password}@127.0.0.1:${port}/status?token=${token}&account=ATLAS`}, pollSeconds: 1},
		}],
	}));
	return dir;
}

function assertNoSecret(text: string, where: string): void {
	for (const secret of [password, token, apiKey]) {
		assert.ok(!text.includes(secret), `${where} shows "${secret}":\n${text}`);
	}
}

test('--once and --once --json name a failing source\'s URL without its password, token or API key', async t => {
	const dir = await fleetWithSecretUrls(t);
	const text = await runCli(['--once'], {cwd: dir});
	assert.match(text.stdout, /connection refused/, 'the failure is reported');
	assert.match(text.stdout, /127\.0\.0\.1/, 'with the URL it concerns');
	assertNoSecret(text.stdout + text.stderr, '--once');

	const json = await runCli(['--once', '--json'], {cwd: dir});
	assert.match(json.stdout, /status\?token=%5Bredacted%5D&account=ATLAS: connection refused/);
	assert.match(json.stdout, /health\?apikey=%5Bredacted%5D: connection refused/);
	assertNoSecret(json.stdout + json.stderr, '--once --json');
});

test('the deck shows the failing poll and the health check without their secrets', async t => {
	const dir = await fleetWithSecretUrls(t);
	const config = loadConfig({cwd: dir});
	const journal = openJournal(path.join(dir, 'journal.db'));
	const live = startLiveFleet(config, defaultPorts(config, journal));
	const fleet = createFleetStore({sources: live});
	const actions = createActionStore({controller: new FakeController(), onSettled: fleet.refresh});
	const ink = render(<Deck fleet={fleet} actions={actions} theme={createTheme({color: false, unicode: true})} pollSeconds={config.pollSeconds} size={{columns: 200, rows: 60}} onQuit={() => {}}/>);
	t.after(async () => {
		ink.unmount();
		fleet.dispose();
		actions.dispose();
		await live.dispose();
		journal.close();
	});

	const frames: string[] = [];
	const waitFor = async (predicate: (frame: string) => boolean, what: string) => {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const frame = ink.lastFrame() ?? '';
			frames.push(frame);
			if (predicate(frame)) {
				return frame;
			}

			assert.ok(Date.now() < deadline, `timed out waiting for ${what}; last frame:\n${frame}`);
			await new Promise(resolve => {
				setTimeout(resolve, 20);
			});
			// The deck rebuilds on lock changes and keys; a refresh picks up the pollers' news.
			fleet.refresh();
		}
	};

	await waitFor(frame => frame.includes('ATLAS'), 'the accounts table');
	ink.stdin.write('\r');
	const detail = await waitFor(frame => /last poll failed: http:\/\/user:%5Bredacted%5D@127\.0\.0\.1:\d+\/status\?token=%5Bredacted%5D/.test(frame), 'the failed poll in the detail pane');
	assert.match(detail, /connection refused/);
	for (const [index, frame] of frames.entries()) {
		assertNoSecret(frame, `deck frame ${index}`);
	}

	const events = journal.events({});
	assertNoSecret(JSON.stringify(events), 'the journal');
});
