/**
 * The deck in a real terminal: tmux runs `fleetdeck` against a fleet of real processes (started
 * through the real `fleetdeck launch`) and the broker simulator; the test types keys and reads the
 * screen with `capture-pane`, as an operator would over SSH.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {startBrokerSim} from '../../fixtures/broker-sim.js';
import {cli, cliPath, component, isAlive, pidsWith, pollUntil, spawnBot, tempFleet} from '../control/fleet-fixture.js';
import {writeLock} from '../helpers/cli.js';

const tmuxMissing = spawnSync('tmux', ['-V']).error !== undefined;

/** A tmux server of its own (`-S`), so the test never touches the user's sessions. */
class Terminal {
	readonly socket = path.join(os.tmpdir(), `fleetdeck-e2e-${randomUUID().slice(0, 8)}.sock`);

	run(...args: string[]): string {
		const env = {...process.env};
		delete env['TMUX'];
		const result = spawnSync('tmux', ['-S', this.socket, ...args], {encoding: 'utf8', env});
		if (result.status !== 0) {
			throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
		}

		return result.stdout;
	}

	/** The visible screen, one string per row (tmux drops trailing blanks). */
	screen(): string[] {
		return this.run('capture-pane', '-p', '-t', 'deck').replace(/\n$/, '').split('\n');
	}

	keys(...keys: string[]): void {
		this.run('send-keys', '-t', 'deck', ...keys);
	}

	/** Poll the screen until `check` holds; fail with the last screen. */
	async waitFor(what: string, check: (screen: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
		let last: string[] = [];
		try {
			return await pollUntil(what, () => {
				last = this.screen();
				return check(last) ? last : undefined;
			}, timeoutMs, 100);
		} catch (error) {
			throw new Error(`${(error as Error).message}; the screen:\n${last.join('\n')}`);
		}
	}

	/** Stop the server (the deck gets SIGHUP, as when an SSH link drops) and remove its socket. */
	kill(): void {
		spawnSync('tmux', ['-S', this.socket, 'kill-server']);
		rmSync(this.socket, {force: true});
	}
}

/** The accounts-table row of `id`, with or without the selection marker. */
function row(screen: string[], id: string): string {
	return screen.find(line => new RegExp(`^(›| ) ${id} `).test(line)) ?? '';
}

/** Account ids in table order. */
function order(screen: string[], ids: string[]): string[] {
	return screen.map(line => ids.find(id => new RegExp(`^(›| ) ${id} `).test(line))).filter((id): id is string => id !== undefined);
}

function selected(screen: string[]): string | undefined {
	return /^› (\S+)/.exec(screen.find(line => /^› \S/.test(line)) ?? '')?.[1];
}

const text = (screen: string[]) => screen.join('\n');

function commandLine(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
	} catch {
		return '';
	}
}

test('the deck in tmux: live locks, c, d, s, resizing to 80×24, and q leaving the fleet running', {skip: tmuxMissing ? 'tmux is not installed (CI installs it): the real-terminal test cannot run' : false, timeout: 300_000}, async t => {
	const terminal = new Terminal();
	t.after(() => terminal.kill());
	const ids = ['ALPHA', 'BRAVO'];
	const sim = await startBrokerSim({accounts: ids.map((id, index) => ({id, number: String(1001 + index)}))});
	t.after(async () => sim.close());
	// The longest poll the config allows (an hour): a lock change can only reach the screen through
	// the watcher, and a process change only through `r` or the refresh after an action, so the
	// waits below are hang guards, however slow the machine, never the proof of the path.
	const fleet = tempFleet(t, bot => ({
		pollSeconds: 3600,
		accounts: ids.map((id, index) => ({
			id,
			number: String(1001 + index),
			components: [component(`WATCHDOG_${id}`, 'watchdog', bot(`WATCHDOG_${id}`)), component(`BRAIN_${id}`, 'brain', bot(`BRAIN_${id}`))],
			broker: {status: {url: sim.url(id)}, pollSeconds: 1},
		})),
	}));
	const alive = (fragment: string) => pidsWith(fleet.marker).filter(pid => isAlive(pid) && commandLine(pid).includes(fragment)).sort();

	const launched = await cli(fleet, ['launch']);
	assert.equal(launched.code, 0, launched.stderr);
	const alpha = await pollUntil('ALPHA supervisors and bots', () => (alive('_ALPHA').length === 4 ? alive('_ALPHA') : undefined));

	const exitFile = path.join(fleet.dir, 'deck.exit');
	const deckCommand = `cd ${JSON.stringify(fleet.dir)} && env -u CI -u CONTINUOUS_INTEGRATION -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}; echo $? > ${JSON.stringify(exitFile)}`;
	terminal.run('new-session', '-d', '-s', 'deck', '-x', '100', '-y', '30', deckCommand);
	const ok = (screen: string[], id: string) => /● running\s+● running\s+-\s+2\/2\s+✔ ok\s+-\s+✔ OK/.test(row(screen, id));
	let screen = await terminal.waitFor('both accounts running and OK', current => ok(current, 'ALPHA') && ok(current, 'BRAVO'), 60_000);
	assert.match(screen[0] ?? '', /^fleetdeck \S+ \d\d:\d\d {2}✔ OK/);
	assert.equal(selected(screen), 'ALPHA');

	await t.test('a lock appearing and disappearing shows through the watcher (the poll is an hour)', async () => {
		const stray = `STRAY_${randomUUID().slice(0, 6)}`;
		const strayFile = path.join(fleet.locksDir, `${stray}.lock`);
		const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
		writeLock(fleet.locksDir, stray, deadPid);
		await terminal.waitFor(`${stray} shown as stale`, current => text(current).includes(`${stray} ✖ stale-dead`));
		rmSync(strayFile);
		// The events strip keeps its story; the lock itself is gone from the locks row.
		await terminal.waitFor(`${stray} gone`, current => !text(current).includes(`${stray} ✖`));

		writeLock(fleet.locksDir, stray, deadPid);
		await terminal.waitFor(`${stray} back`, current => text(current).includes(`${stray} ✖ stale-dead`));
		terminal.keys('c');
		screen = await terminal.waitFor('the clear-stale confirmation', current => text(current).includes('confirm clear-stale'));
		assert.match(text(screen), new RegExp(`remove stale lock ${stray} \\(stale-dead\\)`));
		terminal.keys('n');
		await terminal.waitFor('the cancel notice', current => text(current).includes('clear-stale cancelled: nothing was done'));
		assert.ok(existsSync(strayFile), 'a key other than y leaves the lock');
		assert.match(text(terminal.screen()), new RegExp(`${stray} ✖ stale-dead`));

		terminal.keys('c');
		await terminal.waitFor('the clear-stale confirmation again', current => text(current).includes('confirm clear-stale'));
		terminal.keys('y');
		await terminal.waitFor(`${stray} cleared`, current => !text(current).includes(`${stray} ✖`) && text(current).includes('clear-stale: 1 done'));
		assert.ok(!existsSync(strayFile), 'y removed the stale lock');
	});

	await t.test('d stops a duplicate started outside the lock; the holder survives; the selection stays on the account', async () => {
		const holder = fleet.lock('BRAIN_BRAVO');
		assert.ok(holder?.child, 'BRAIN_BRAVO is held by its supervisor, with a child');
		const duplicate = spawnBot(fleet.bot('BRAIN_BRAVO'));
		terminal.keys('r');
		screen = await terminal.waitFor('BRAVO duplicate, sorted to the top', current => /◆ duplicate .*x2/.test(row(current, 'BRAVO')) && order(current, ids)[0] === 'BRAVO');
		assert.equal(selected(screen), 'ALPHA', 'a re-sort does not move the selection to another account');
		terminal.keys('k');
		await terminal.waitFor('BRAVO selected', current => selected(current) === 'BRAVO');
		terminal.keys('d');
		screen = await terminal.waitFor('the stop-duplicates confirmation', current => text(current).includes('confirm stop-duplicates'));
		assert.match(text(screen), new RegExp(`\\d\\. stop BRAIN_BRAVO PID ${duplicate.pid}\\b`));
		assert.doesNotMatch(text(screen), new RegExp(`\\d\\. stop BRAIN_BRAVO PID ${holder.pid}\\b`));
		terminal.keys('y');
		await pollUntil('the duplicate gone', () => (isAlive(duplicate.pid) ? undefined : true));
		assert.ok(isAlive(holder.pid) && isAlive(holder.child.pid), 'the lock holder and its bot still run');
		screen = await terminal.waitFor('BRAVO back to OK, below ALPHA', current => ok(current, 'BRAVO') && order(current, ids).join() === 'ALPHA,BRAVO');
		assert.equal(selected(screen), 'BRAVO', 'the selection came back on BRAVO, not on the first row');
		// The table can show BRAVO healthy before the action has settled; action keys wait for that.
		await terminal.waitFor('the stop-duplicates summary', current => text(current).includes('stop-duplicates: 1 done'));
	});

	await t.test('s shuts the selected account down; the other account is untouched', async () => {
		terminal.keys('s');
		screen = await terminal.waitFor('the shutdown confirmation', current => text(current).includes('confirm shutdown'));
		assert.match(text(screen), /stop BRAIN_BRAVO PID \d+/);
		assert.match(text(screen), /stop WATCHDOG_BRAVO PID \d+/);
		assert.doesNotMatch(text(screen), /ALPHA PID/);
		terminal.keys('y');
		await pollUntil('every BRAVO process gone', () => (alive('_BRAVO').length === 0 ? true : undefined), 60_000);
		await terminal.waitFor('BRAVO shown stopped', current => /○ stopped\s+○ stopped/.test(row(current, 'BRAVO')));
		assert.deepEqual(alive('_ALPHA'), alpha, 'ALPHA still runs, the same processes');
	});

	await t.test('80×24 keeps it usable: nothing wider than 80, at most 23 rows, the status bar shown', async () => {
		terminal.run('resize-window', '-t', 'deck', '-x', '80', '-y', '24');
		screen = await terminal.waitFor('the deck redrawn at 80 columns', current => current.length === 24 && /q quit/.test(text(current)) && /^fleetdeck /.test(current[0] ?? '') && current.every(line => [...line].length <= 80));
		const used = screen.length - [...screen].reverse().findIndex(line => line.trim() !== '');
		assert.ok(used <= 23, `${used} rows used`);
		assert.equal(screen.filter(line => line.startsWith('fleetdeck ')).length, 1, 'no stale header left from the wider frame');
		assert.match(row(screen, 'ALPHA'), /● running\s+● running/);
		assert.match(text(screen), /\? help {2}q quit/);
	});

	await t.test('q exits with 0 and leaves the fleet running', async () => {
		terminal.keys('q');
		await pollUntil('the deck to exit', () => (existsSync(exitFile) ? true : undefined), 60_000);
		assert.equal(readFileSync(exitFile, 'utf8').trim(), '0');
		assert.deepEqual(alive('_ALPHA'), alpha, 'quitting stopped nothing');
	});
});
