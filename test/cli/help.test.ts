/**
 * `--help` on every command and subcommand prints that command's help and does nothing else:
 * `locks clear-stale --help` once removed a stale lock, `config check --help` validated a config.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {isDeepStrictEqual} from 'node:util';
import {idleScript, spawnIdle, uniqueMarker} from '../helpers/children.js';
import {runCli, tempDir, writeLock} from '../helpers/cli.js';

function deadPid(): number {
	return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim());
}

/** Every file under `dir` with its bytes: "changes nothing" is this map staying the same. */
function tree(dir: string): Map<string, string> {
	const files = new Map<string, string>();
	for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
		const file = path.join(entry.parentPath, entry.name);
		files.set(path.relative(dir, file), entry.isFile() ? readFileSync(file, 'base64') : '(dir)');
	}

	return files;
}

/**
 * A fleet where every destructive command has work to do: a stale lock (clear-stale, clear-all),
 * a live bot under its lock plus an unlocked second copy (shutdown, stop-duplicates), and a
 * stopped component (launch).
 */
function fleet(t: Parameters<typeof tempDir>[0]) {
	const dir = tempDir(t);
	const marker = uniqueMarker();
	const locks = path.join(dir, '.locks');
	const command = [process.execPath, '-e', idleScript, marker];
	writeFileSync(path.join(dir, 'fleetdeck.config.json'), JSON.stringify({
		accounts: [{id: 'A', number: '1', components: [
			{name: 'BRAIN_A', role: 'brain', command: [...command, 'BRAIN_A'], match: `${marker} BRAIN_A`},
			{name: 'WATCHDOG_A', role: 'watchdog', command: [...command, 'WATCHDOG_A'], match: `${marker} WATCHDOG_A`},
		]}],
	}));
	const brain = spawnIdle(t, marker, 'BRAIN_A');
	const copy = spawnIdle(t, marker, 'BRAIN_A');
	writeLock(locks, 'BRAIN_A', brain.pid, {account: 'A'});
	writeLock(locks, 'BRAIN_OLD', deadPid(), {account: 'A'});
	return {dir, locks, processes: [brain, copy]};
}

/** Each command and subcommand the top-level help lists, with the flags that would make it act. */
const commands: Array<{argv: string[]; usage: RegExp}> = [
	{argv: [], usage: /fleetdeck --once/},
	{argv: ['--once', '--json'], usage: /fleetdeck --once/},
	{argv: ['locks'], usage: /fleetdeck locks clear-stale/},
	{argv: ['locks', 'clear-stale'], usage: /fleetdeck locks clear-stale/},
	{argv: ['locks', 'clear-all', '--force'], usage: /fleetdeck locks clear-all/},
	{argv: ['locks', '--locks-dir', '.locks'], usage: /fleetdeck locks clear-stale/},
	{argv: ['run', 'BRAIN_A', '--', process.execPath, '-e', idleScript], usage: /fleetdeck run NAME/},
	{argv: ['launch'], usage: /fleetdeck launch/},
	{argv: ['shutdown', '--yes', '--timeout', '1'], usage: /fleetdeck shutdown/},
	{argv: ['stop-duplicates', '--yes'], usage: /fleetdeck stop-duplicates/},
	{argv: ['history'], usage: /fleetdeck history/},
	{argv: ['report'], usage: /fleetdeck report/},
	{argv: ['watch'], usage: /fleetdeck watch/},
	{argv: ['demo', '--once'], usage: /fleetdeck demo/},
	{argv: ['config', 'check'], usage: /fleetdeck config check/},
	{argv: ['config', 'schema'], usage: /fleetdeck config schema/},
];

/** `--help` placed first, last and in the middle of the command's own words, and `-h`. */
function placements(argv: string[]): string[][] {
	const split = argv.indexOf('--');
	const own = split === -1 ? argv : argv.slice(0, split);
	const rest = split === -1 ? [] : argv.slice(split);
	const first = own.length > 0 && !own[0]!.startsWith('-') ? [own[0]!] : [];
	const words = own.slice(first.length);
	return [
		[...first, '--help', ...words, ...rest],
		[...own, '--help', ...rest],
		[...first, ...words.slice(0, 1), '-h', ...words.slice(1), ...rest],
	];
}

for (const {argv, usage} of commands) {
	test(`fleetdeck ${argv.filter(word => !word.includes('/')).join(' ')} --help: help on stdout, exit 0, nothing done`, {timeout: 300_000}, async t => {
		const {dir, processes} = fleet(t);
		const before = tree(dir);
		for (const line of placements(argv)) {
			const result = await runCli(line, {cwd: dir});
			assert.equal(result.code, 0, `${line.join(' ')}: ${result.stderr}`);
			assert.match(result.stdout, usage, line.join(' '));
			assert.match(result.stdout, /Usage/);
			assert.equal(result.stderr, '', line.join(' '));
			assert.ok(isDeepStrictEqual(tree(dir), before), `${line.join(' ')} changed ${dir}: ${[...tree(dir).keys()].join(', ')}`);
			assert.ok(processes.every(child => child.exitCode === null && child.signalCode === null), `${line.join(' ')} stopped a process`);
		}
	});
}

test('the same fleet without --help: clear-stale removes the stale lock (the help test above can fail)', async t => {
	const {dir, locks} = fleet(t);
	const result = await runCli(['locks', 'clear-stale'], {cwd: dir});
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /removed BRAIN_OLD/);
	assert.equal(existsSync(path.join(locks, 'BRAIN_OLD.lock')), false);
});

test('after "--" of run, --help belongs to the bot: run supervises it with that argument', async t => {
	const dir = tempDir(t);
	const result = await runCli(['run', 'ECHO', '--restart', 'never', '--', 'sh', '-c', 'echo "bot got $1"', 'sh', '--help'], {cwd: dir});
	assert.equal(result.code, 0, result.stderr);
	assert.equal(result.stdout.trim(), 'bot got --help');
	assert.doesNotMatch(result.stdout, /Usage/);
});
