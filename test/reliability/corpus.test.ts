/**
 * A corpus of malformed lockfiles, hostile lock names and broken configs, each with the verdict or
 * error it must get: through the lock API (`list`, `inspect`) and end to end through
 * `fleetdeck locks --json`, `locks clear-stale` and `--once --json`. Nothing may crash, nothing
 * may be deleted unless proven stale, and nothing in a name may ever be executed.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import type {FleetSnapshot, LockView} from '../../source/fleet/types.js';
import {inspect, list} from '../../source/locks/index.js';
import type {VerdictCode} from '../../source/locks/types.js';
import {tempDir} from '../helpers/cli.js';
import {runFleetdeck} from './cli-run.js';
import {deadPid, spawnSleep, startTokenOf, v1Record} from '../locks/helpers.js';

const bom = '\uFEFF';
const canary = 'PWNED';

interface Sample {
	/** What goes on disk: bytes, a sparse size, a directory or a symlink. */
	content: string | Buffer | {sparse: number} | 'directory' | {symlink: string};
	/** Back-date the file past the 2 s unreadable grace. */
	old?: boolean;
	verdict: VerdictCode;
}

function corpus(live: {pid: number; startToken: string}): Record<string, Sample> {
	const dead = deadPid();
	const host = os.hostname();
	const truncated = '{"v":1,"name":"BOT","pid":4';
	const deadBare = `${dead}\n`;
	return {
		'truncated-old': {content: truncated, old: true, verdict: 'stale-unreadable'},
		'truncated-new': {content: truncated, verdict: 'writing'},
		empty: {content: '', old: true, verdict: 'stale-unreadable'},
		'nul-bytes': {content: Buffer.alloc(64), old: true, verdict: 'stale-unreadable'},
		'sparse-100MB': {content: {sparse: 100 * 1024 * 1024}, old: true, verdict: 'stale-unreadable'},
		'pid-zero': {content: '0', old: true, verdict: 'stale-unreadable'},
		'pid-huge': {content: '99999999999999999999', old: true, verdict: 'stale-unreadable'},
		'windows-crlf-dead': {content: `PID: ${dead}\r\nACCOUNT: ATLAS\r\nHOSTNAME: ${host}\r\n`, verdict: 'stale-dead'},
		// A legacy record names no start token: a live PID with nothing to match it against is doubt.
		'windows-crlf-live': {content: `Pid: ${live.pid}\r\nAccount: ATLAS\r\nHostname: ${host}\r\n`, verdict: 'unknown'},
		'bom-legacy-json-dead': {content: `${bom}{"PID": ${dead}, "account": "GL_3"}`, verdict: 'stale-dead'},
		'bom-v1-live': {content: `${bom}${JSON.stringify(v1Record({name: 'bom-v1-live', pid: live.pid, startToken: live.startToken}))}`, verdict: 'live'},
		'v1-reused-pid': {content: JSON.stringify(v1Record({name: 'v1-reused-pid', pid: live.pid, startToken: `${live.startToken}1`})), verdict: 'stale-reused'},
		'v1-other-host': {content: JSON.stringify(v1Record({name: 'v1-other-host', pid: dead, hostname: 'elsewhere', bootId: 'other-boot'})), verdict: 'remote'},
		'is-a-directory': {content: 'directory', verdict: 'unknown'},
		'symlink-to-passwd': {content: {symlink: '/etc/passwd'}, verdict: 'unknown'},
		// Names no operator would choose, and no fleetdeck would create, but a directory can hold.
		[`$(touch ${canary})`]: {content: deadBare, verdict: 'stale-dead'},
		[`\`touch ${canary}\``]: {content: deadBare, verdict: 'stale-dead'},
		'a;b c': {content: deadBare, verdict: 'stale-dead'},
		'--force': {content: deadBare, verdict: 'stale-dead'},
		'ünïcødé-账户': {content: deadBare, verdict: 'stale-dead'},
		'new\nline': {content: deadBare, verdict: 'stale-dead'},
		'esc\u001B[2Jclear': {content: deadBare, verdict: 'stale-dead'},
	};
}

function writeSample(dir: string, name: string, sample: Sample): void {
	const file = path.join(dir, `${name}.lock`);
	const {content} = sample;
	if (content === 'directory') {
		mkdirSync(file);
	} else if (typeof content === 'object' && 'symlink' in content) {
		symlinkSync(content.symlink, file);
	} else if (typeof content === 'object' && 'sparse' in content) {
		execFileSync('truncate', ['-s', String(content.sparse), file]);
	} else {
		writeFileSync(file, content);
	}

	if (sample.old && content !== 'directory') {
		const then = new Date(Date.now() - 60_000);
		utimesSync(file, then, then);
	}
}

/**
 * The lock API is judged at an injected time, half a second after the young sample was written:
 * inside its 2 s grace however long the machine takes to get there.
 */
function halfASecondAfterWriting(dir: string): {now: number} {
	return {now: statSync(path.join(dir, 'truncated-new.lock')).mtimeMs + 500};
}

/**
 * The CLI has no clock to inject: it judges by the real clock once it has started, which on a
 * loaded machine is seconds after any touch. Stamped an hour ahead (a writer whose clock runs
 * fast), the young sample is within the grace at whatever moment the CLI looks.
 */
function keepYoung(dir: string): void {
	const ahead = new Date(Date.now() + 3_600_000);
	utimesSync(path.join(dir, 'truncated-new.lock'), ahead, ahead);
}

function verdicts(views: Array<{name: string; verdict: string}>): Record<string, string> {
	return Object.fromEntries(views.map(view => [view.name, view.verdict]));
}

test('a corpus of malformed lockfiles and hostile names: the expected verdict through list, inspect, locks --json and --once --json; nothing deleted, nothing run', {timeout: 300_000}, async t => {
	const root = tempDir(t, 'fleetdeck-corpus-');
	const locksDir = path.join(root, '.locks');
	mkdirSync(locksDir);
	const sleeper = spawnSleep(t);
	const samples = corpus({pid: sleeper.pid, startToken: startTokenOf(sleeper.pid)});
	for (const [name, sample] of Object.entries(samples)) {
		writeSample(locksDir, name, sample);
	}

	const expected = Object.fromEntries(Object.entries(samples).map(([name, sample]) => [name, sample.verdict]));
	// Lockfiles only: clearing a stale lock keeps its `.lock.token` counter, so fencing tokens keep rising.
	const lockfiles = () => readdirSync(locksDir).filter(file => file.endsWith('.lock')).sort();
	const before = lockfiles();
	const noCanary = () => {
		for (const where of [root, locksDir, process.cwd(), os.homedir()]) {
			assert.equal(existsSync(path.join(where, canary)), false, `a name was executed: ${where}/${canary} exists`);
		}
	};

	const judgedAt = halfASecondAfterWriting(locksDir);
	assert.deepEqual(verdicts(await list(locksDir, judgedAt)), expected);
	for (const [name, sample] of Object.entries(samples)) {
		if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
			assert.equal((await inspect(locksDir, name, judgedAt))?.verdict, sample.verdict, name);
		} else {
			// A name that could not be a lock NAME is refused before the disk is touched.
			await assert.rejects(inspect(locksDir, name, judgedAt), TypeError, JSON.stringify(name));
		}
	}

	keepYoung(locksDir);
	const locks = await runFleetdeck(['locks', '--json'], {cwd: root});
	assert.equal(locks.code, 0, locks.stderr);
	const lockViews = JSON.parse(locks.stdout) as LockView[];
	assert.deepEqual(verdicts(lockViews), expected);
	assert.equal(lockViews.find(view => view.name === 'sparse-100MB')?.reason.includes('4096-byte limit'), true);

	keepYoung(locksDir);
	const once = await runFleetdeck(['--once', '--json'], {cwd: root});
	// No config: stale locks alone are WARN, nothing says their components must run.
	assert.equal(once.code, 1, once.stderr);
	const snapshot = JSON.parse(once.stdout) as FleetSnapshot;
	assert.deepEqual(verdicts(snapshot.locks), expected);
	assert.deepEqual(lockfiles(), before, 'listing and --once deleted nothing');
	noCanary();

	keepYoung(locksDir);
	const cleared = await runFleetdeck(['locks', 'clear-stale', '--json'], {cwd: root});
	assert.equal(cleared.code, 0, cleared.stderr);
	const removed = (JSON.parse(cleared.stdout) as LockView[]).map(view => view.name).sort();
	const stale = Object.entries(samples).filter(([, sample]) => sample.verdict.startsWith('stale-')).map(([name]) => name).sort();
	assert.deepEqual(removed, stale);
	assert.deepEqual(lockfiles(), before.filter(file => !stale.includes(file.slice(0, -'.lock'.length))), 'only the proven-stale were removed');
	noCanary();
});

test('lock names with control characters are printed escaped in the text faces', async t => {
	const root = tempDir(t, 'fleetdeck-corpus-');
	const locksDir = path.join(root, '.locks');
	mkdirSync(locksDir);
	const dead = deadPid();
	writeFileSync(path.join(locksDir, 'esc\u001B[2Jclear.lock'), `${dead}\n`);
	writeFileSync(path.join(locksDir, 'fake\nCRIT ATLAS ok.lock'), `${dead}\n`);
	for (const args of [['locks'], ['--once']]) {
		const result = await runFleetdeck(args, {cwd: root});
		assert.doesNotMatch(result.stdout, /\u001B/, `fleetdeck ${args.join(' ')} printed a raw ESC`);
		assert.doesNotMatch(result.stdout, /^CRIT ATLAS ok/m, `fleetdeck ${args.join(' ')} let a name start a line of its own`);
	}
});

test('10,000 lockfiles in one directory: every one judged by list, locks --json and --once --json, none deleted', {timeout: 900_000}, async t => {
	const root = tempDir(t, 'fleetdeck-corpus-');
	const locksDir = path.join(root, '.locks');
	mkdirSync(locksDir);
	const dead = deadPid();
	// Lives until the test ends: a holder that died mid-test (this test takes minutes on a loaded
	// machine) would turn the live tenth stale.
	const sleeper = spawnSleep(t);
	const token = startTokenOf(sleeper.pid);
	const count = 10_000;
	// Idle, each run takes seconds; beside busy loops on 2 cores, a minute or more. Only a hang trips this.
	const hangGuardMs = 300_000;
	for (let index = 0; index < count; index++) {
		const name = `BOT_${String(index).padStart(5, '0')}`;
		// Every tenth is held by a live process; the rest by a PID that is gone.
		const holder = index % 10 === 0 ? {pid: sleeper.pid, startToken: token} : {pid: dead, startToken: '1'};
		writeFileSync(path.join(locksDir, `${name}.lock`), JSON.stringify(v1Record({name, ...holder, account: index % 2 === 0 ? 'EVEN' : null})));
	}

	const tally = (views: Array<{verdict: string}>) => views.reduce<Record<string, number>>((counts, view) => ({...counts, [view.verdict]: (counts[view.verdict] ?? 0) + 1}), {});
	const expected = {live: count / 10, 'stale-dead': count - (count / 10)};
	assert.deepEqual(tally(await list(locksDir)), expected);

	const locks = await runFleetdeck(['locks', '--json'], {cwd: root, timeoutMs: hangGuardMs});
	assert.equal(locks.code, 0, locks.stderr);
	assert.deepEqual(tally(JSON.parse(locks.stdout) as LockView[]), expected);

	const once = await runFleetdeck(['--once', '--json'], {cwd: root, timeoutMs: hangGuardMs});
	assert.equal(once.code, 1, once.stderr);
	const snapshot = JSON.parse(once.stdout) as FleetSnapshot;
	assert.deepEqual(tally(snapshot.locks), expected);
	assert.equal(readdirSync(locksDir).length, count);
});

interface BadConfig {
	write: (file: string) => void;
	/** Exit code of `--once --json --config FILE`, and what stderr must say. */
	code: number;
	stderr?: RegExp;
}

const configs: Record<string, BadConfig> = {
	'bom.json': {write: file => writeFileSync(file, `${bom}{"accounts": []}`), code: 0},
	'windows-crlf.json': {write: file => writeFileSync(file, '{\r\n\t"locksDir": ".locks",\r\n\t"accounts": []\r\n}\r\n'), code: 0},
	'sparse-100MB.json': {write: file => execFileSync('truncate', ['-s', String(100 * 1024 * 1024), file]), code: 64, stderr: /sparse-100MB\.json: \(json\) 1:1: expected valid JSON/},
	'a-directory.json': {write: file => mkdirSync(file), code: 64, stderr: /a-directory\.json: \(file\): expected a file/},
	'invalid-utf8.json': {write: file => writeFileSync(file, Buffer.from('{"accounts":[\u00FF]}', 'latin1')), code: 64, stderr: /invalid-utf8\.json: \(json\)/},
	'truncated.json': {write: file => writeFileSync(file, '{"accounts": [{"id": "ATLAS", "num'), code: 64, stderr: /truncated\.json: \(json\)/},
	'shell-in-account-id.json': {
		write: file => writeFileSync(file, JSON.stringify({accounts: [{id: `$(touch ${canary})`, number: '1', components: []}]})),
		code: 64,
		stderr: /shell-in-account-id\.json: accounts\[0\]\.id: expected a name/,
	},
	'shell-in-command.json': {
		write: file => writeFileSync(file, JSON.stringify({accounts: [{id: 'ATLAS', number: '1', components: [{name: 'BRAIN_ATLAS', role: 'brain', command: ['sh', '-c', `touch ${canary}`], match: 'nothing-matches-this-xyz'}]}]})),
		code: 2,
	},
};

test('a corpus of broken configs: --once --json exits with the expected code and names the file, never a stack trace, never runs anything', {timeout: 300_000}, async t => {
	const root = tempDir(t, 'fleetdeck-configs-');
	await Promise.all(Object.entries(configs).map(async ([name, entry]) => {
		entry.write(path.join(root, name));
		const result = await runFleetdeck(['--once', '--json', '--config', name], {cwd: root});
		assert.equal(result.code, entry.code, `${name}: ${result.stderr}`);
		if (entry.stderr) {
			assert.match(result.stderr, entry.stderr, name);
		}

		assert.doesNotMatch(result.stderr, /^\s+at /m, `${name}: a stack trace`);
		if (result.code !== 64) {
			assert.equal((JSON.parse(result.stdout) as FleetSnapshot).schema, 1, name);
		}
	}));
	assert.equal(existsSync(path.join(root, canary)), false, 'a config value was executed');
});
