import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {keymapMarkdown} from '../source/ui/keymap.js';
import {parseExposition} from './report/exposition-parser.js';
import {repoRoot, runCli, tempDir, writeLock} from './helpers/cli.js';

/**
 * The README is for trader-operators who copy its commands: every command in it is either run
 * here, in a scratch folder holding the fixture config, or named with the test (or CI script)
 * that runs it. A command nobody runs fails this test.
 */

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const source = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

interface Fence {
	lang: string;
	body: string;
}

function fences(markdown: string): Fence[] {
	return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(match => ({lang: match[1] ?? '', body: match[2] ?? ''}));
}

/** Every command an operator would type or schedule: each line of a `sh` fence, and each `fleetdeck …` call in a unit file, crontab, batch line or check definition. */
function commandsOf(markdown: string): string[] {
	return fences(markdown).flatMap(fence => {
		if (fence.lang === 'sh') {
			return fence.body.split('\n').map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#'));
		}

		if (fence.lang === 'text' || fence.lang === 'json') {
			return [];
		}

		return [...fence.body.matchAll(/(?:^|[\s"])(fleetdeck(?: [^\s;|&>"]+)*)(?=$|[\s;|&>"])/gm)].map(match => match[1]!);
	});
}

/** Commands run by other tests or by CI, with the file that runs them and what it must contain. */
const runElsewhere: Record<string, {file: string; contains: string[]}> = {
	'npm ci && npm test': {file: '.ci/run', contains: ['npm ci && npm test']},
	// Run by hand (it loads the machine on purpose): the README's test command beside busy loops that always end.
	'test/load/run-under-load.sh': {file: 'test/load/run-under-load.sh', contains: ['setsid npm test &', "node -e 'for (;;) {}' &", 'trap stop_loops EXIT', "stop_loops; exit 130' INT", "stop_loops; exit 143' TERM"]},
	'npm ci && npm start': {file: 'test/demo/demo-deck.test.ts', contains: ["demo 2>'"]},
	'fleetdeck demo --once': {file: 'test/demo/demo-signal.test.ts', contains: ["startDemo(t, ['--once'])"]},
	'fleetdeck run BRAIN_ATLAS --account ATLAS -- python BRAIN_ATLAS.py': {file: 'test/control/supervisor.test.ts', contains: ["'run', 'BRAIN_T1'", "'--'"]},
	'fleetdeck launch': {file: 'test/control/fleet.test.ts', contains: ["['launch', '--config'"]},
	'fleetdeck shutdown --yes': {file: 'test/control/fleet.test.ts', contains: ["['shutdown', '--yes'"]},
	'fleetdeck stop-duplicates': {file: 'test/control/fleet.test.ts', contains: ["'stop-duplicates'"]},
	'fleetdeck watch': {file: 'test/runtime/watch-fixture.ts', contains: ["[cliPath, 'watch']"]},
};

function runHere(command: string): string[] | undefined {
	const match = /^fleetdeck (--once.*|locks.*|config (?:check|schema).*|history.*|report.*)$/.exec(command);
	return match ? match[1]!.split(' ') : undefined;
}

test('the key table is exactly the one generated from the keymap', () => {
	const table = /<!-- keys:start[^>]*-->\n([\s\S]*?)<!-- keys:end -->/.exec(readme)?.[1];
	assert.equal(table, keymapMarkdown());
});

test('the deck capture shows the staged demo, and the config reference is the full fixture config', () => {
	const capture = fences(readme).find(fence => fence.lang === 'text')?.body ?? '';
	for (const staged of ['ATLAS', 'duplicate', 'stale-lock', 'BG_CHALLENGE', 'GL_3', 'BG_INSTANT', 'quantum_server', 'q quit']) {
		assert.ok(capture.includes(staged), `the capture shows ${staged}`);
	}

	const config = fences(readme).find(fence => fence.lang === 'json')?.body ?? '';
	assert.deepEqual(JSON.parse(config), JSON.parse(source('fixtures/fleetdeck.config.json')));
	assert.match(source('package.json'), /"start": "tsc -p \. && node dist\/source\/cli\.js demo"/, 'npm start runs the demo');
});

test('every command in the README is run by a test or by CI', async t => {
	const dir = tempDir(t, 'fleetdeck-readme-');
	copyFileSync(path.join(repoRoot, 'fixtures/fleetdeck.config.json'), path.join(dir, 'fleetdeck.config.json'));
	mkdirSync(path.join(dir, '.locks'));
	const gone = spawn(process.execPath, ['-e', '']);
	await new Promise(resolve => gone.once('exit', resolve));
	writeLock(path.join(dir, '.locks'), 'WATCHDOG_FTMO', gone.pid!, {account: 'FTMO', startToken: '1'});

	const commands = commandsOf(readme);
	assert.ok(commands.length >= 15, `found ${commands.length} commands`);
	const ran: string[] = [];
	for (const command of commands) {
		const args = runHere(command.replaceAll('/srv/bots/', `${dir}/`));
		if (args === undefined) {
			const elsewhere = runElsewhere[command];
			assert.ok(elsewhere, `"${command}" is in the README but no test runs it`);
			const text = source(elsewhere.file);
			for (const needle of elsewhere.contains) {
				assert.ok(text.includes(needle), `${elsewhere.file} runs "${command}" (contains ${needle})`);
			}

			continue;
		}

		const result = await runCli(args, {cwd: dir});
		ran.push(command);
		if (args[0] === '--once') {
			assert.ok([0, 1, 2, 3].includes(result.code), `${command}: exit ${result.code} ${result.stderr}`);
			assert.notEqual(result.stdout, '', command);
			if (args.includes('--json')) {
				assert.equal((JSON.parse(result.stdout) as {schema: number}).schema, 1);
			} else if (args.includes('prometheus')) {
				assert.ok(parseExposition(result.stdout).length > 0);
			}
		} else {
			assert.equal(result.code, 0, `${command}: ${result.stderr}`);
		}

		if (args[0] === 'history' && args.includes('--json')) {
			assert.ok(Array.isArray(JSON.parse(result.stdout)), `${command} prints a JSON array`);
		}

		if (args[0] === 'history' && args.some(arg => arg.includes('lock.cleared'))) {
			// Run after the README's clear-stale: who removed the dead lock, and on what verdict.
			assert.match(result.stdout, /WATCHDOG_FTMO/, command);
			assert.match(result.stdout, /fleetdeck locks clear-stale removed WATCHDOG_FTMO\.lock \(stale-dead/, command);
		}

		if (args[0] === 'report') {
			assert.match(result.stdout, /^Report since 7d\nCOMPONENT +ACCOUNT +RESTARTS +CRASH-LOOPS +STALE-CLEARED +DUPLICATES +DOWNTIME\nWATCHDOG_FTMO +FTMO +0 +0 +1 +0 /, command);
		}

		if (command === 'fleetdeck locks clear-stale') {
			assert.equal(existsSync(path.join(dir, '.locks/WATCHDOG_FTMO.lock')), false, 'clear-stale removed the dead lock');
		}
	}

	assert.ok(ran.includes('fleetdeck locks clear-all --force') && ran.includes('fleetdeck --once --format prometheus'), `ran here: ${ran.join('; ')}`);
	assert.ok(ran.includes('fleetdeck report --since 7d') && ran.some(command => command.startsWith('fleetdeck history')), `ran here: ${ran.join('; ')}`);
});
