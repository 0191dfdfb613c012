import {loadConfig} from '../runtime/config.js';
import {exitCode} from '../exit-codes.js';
import {defaultLockStore} from '../runtime/default-ports.js';
import {lockView, type LockView} from '../runtime/snapshot.js';
import {lockClearedEvent, openJournal, warnOnStderr} from '../runtime/journal.js';
import {type LockInspection, LocksDirError} from '../runtime/locks.js';
import {printable} from '../text/printable.js';
import {fit} from '../text/width.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const help = `
	Usage
	  $ fleetdeck locks [--json]                 list every lock with its verdict
	  $ fleetdeck locks clear-stale [--json]     remove the locks proven stale
	  $ fleetdeck locks clear-all --force        remove every lock, live or not

	A lock is stale only on proof that its holder is gone (stale-dead, stale-reused,
	stale-rebooted, stale-unreadable); clear-stale never touches any other. Every lock
	removed is named; one that cannot be removed is named on stderr and the others are
	still handled.

	Options
	  --config FILE      config file (default ./fleetdeck.config.json when present)
	  --locks-dir DIR    locks directory (default: the config's, else ./.locks)
	  --json             machine-readable output
	  --force            with clear-all: really remove live locks too

	Exit codes: 0 done, 1 a lock could not be removed, 64 usage (or clear-all without --force).
`;

function age(view: LockView): string {
	const seconds = view.ageSeconds;
	if (seconds === null) {
		return '-';
	}

	if (seconds < 120) {
		return `${seconds}s`;
	}

	return seconds < 7200 ? `${Math.round(seconds / 60)}m` : seconds < 172_800 ? `${Math.round(seconds / 3600)}h` : `${Math.round(seconds / 86_400)}d`;
}

export function formatLocks(views: LockView[], locksDir: string, missing = false): string {
	if (views.length === 0) {
		return `no locks in ${printable(locksDir)}${missing ? ' (it does not exist)' : ''}`;
	}

	const lines = [`${fit('NAME', 22)} ${fit('VERDICT', 16)} ${fit('PID', 8)} ${fit('ACCOUNT', 12)} AGE`];
	for (const view of views) {
		lines.push(`${fit(view.name, 22)} ${fit(view.verdict, 16)} ${fit(String(view.pid ?? '-'), 8)} ${fit(view.account ?? '-', 12)} ${age(view)}`);
		lines.push(`  ${printable(view.reason)}`);
	}

	return lines.join('\n');
}

/**
 * A locks directory that does not exist yet holds no locks (as `--once` sees it): listing or
 * clearing it finds nothing rather than failing. Any other trouble with it is still an error.
 */
async function orNothing<T>(work: () => Promise<T>, nothing: T): Promise<{value: T; missing: boolean}> {
	try {
		return {value: await work(), missing: false};
	} catch (error) {
		if (error instanceof LocksDirError && error.code === 'ENOENT') {
			return {value: nothing, missing: true};
		}

		throw error;
	}
}

/** Journal what was removed; a journal that cannot be opened says so and costs nothing else. */
function journalRemoved(file: string, removed: LockInspection[], by: string): void {
	if (removed.length === 0) {
		return;
	}

	const journal = openJournal(file, {onWarning: warnOnStderr});

	journal.recordMany(removed.map(lock => lockClearedEvent(lock, by)));
	journal.close();
}

/** A lock that could not be removed, one line each on stderr (stdout keeps its documented shape). */
function reportFailures(failed: Array<{lock: LockInspection; error: string}>): void {
	for (const {lock, error} of failed) {
		process.stderr.write(`${printable(`fleetdeck: could not remove ${lock.name}.lock (${lock.verdict}): ${error}`)}\n`);
	}
}

export async function locksCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, help, {...commonFlags, json: {type: 'boolean'}, force: {type: 'boolean'}});
	const [action = 'list', ...extra] = cli.input;
	if (extra.length > 0) {
		throw new UsageError(`locks ${action} takes no arguments, got "${extra.join(' ')}"`);
	}

	const config = loadConfig({config: cli.flags.config, cwd: process.cwd(), locksDir: cli.flags.locksDir});
	const store = defaultLockStore(config);
	const now = Date.now();
	const print = (views: LockView[], text: string) => {
		process.stdout.write(`${cli.flags.json ? JSON.stringify(views, null, 2) : text}\n`);
	};

	switch (action) {
		case 'list': {
			const {value: locks, missing} = await orNothing(async () => store.list(), []);
			const views = locks.map(lock => lockView(lock, now));
			print(views, formatLocks(views, config.locksDir, missing));
			return exitCode.ok;
		}

		case 'clear-stale': {
			const {removed, kept, failed} = (await orNothing(async () => store.clearStale(), {removed: [], kept: [], failed: []})).value;
			const views = removed.map(lock => lockView(lock, now));
			const text = [
				...views.map(view => printable(`removed ${view.name} (${view.verdict}): ${view.reason}`)),
				`${views.length} stale lock${views.length === 1 ? '' : 's'} removed, ${kept.length} kept${failed.length > 0 ? `, ${failed.length} could not be removed` : ''}`,
			].join('\n');
			// What was removed is said first: nothing after it (the journal, a lock that failed) may hide it.
			print(views, text);
			reportFailures(failed);
			journalRemoved(config.journal, removed, 'fleetdeck locks clear-stale');
			return failed.length > 0 ? exitCode.failed : exitCode.ok;
		}

		case 'clear-all': {
			if (!cli.flags.force) {
				// Exactly what --force would remove: regular lockfiles, never a directory, symlink or FIFO.
				const views = (await orNothing(async () => store.clearAll({dryRun: true}), {removed: [], failed: []})).value.removed.map(lock => lockView(lock, now));
				const names = views.map(view => printable(`  ${view.name} (${view.verdict}, PID ${view.pid ?? '-'})`));
				throw new UsageError([
					`clear-all removes every lock, including live ones, which lets a second copy start. Nothing was removed.`,
					views.length > 0 ? `It would remove:\n${names.join('\n')}` : `There is no lockfile to remove in ${printable(config.locksDir)}.`,
					'Run "fleetdeck locks clear-stale" to remove only stale locks, or add --force.',
				].join('\n'));
			}

			const {removed, failed} = (await orNothing(async () => store.clearAll(), {removed: [], failed: []})).value;
			const views = removed.map(lock => lockView(lock, now));
			const text = [
				...views.map(view => printable(`removed ${view.name} (${view.verdict}${view.verdict === 'live' ? ': its holder still runs' : ''})`)),
				`${views.length} lock${views.length === 1 ? '' : 's'} removed${failed.length > 0 ? `, ${failed.length} could not be removed` : ''}`,
			].join('\n');
			print(views, text);
			reportFailures(failed);
			journalRemoved(config.journal, removed, 'fleetdeck locks clear-all --force');
			return failed.length > 0 ? exitCode.failed : exitCode.ok;
		}

		default: {
			throw new UsageError(`unknown locks action "${action}"; expected list, clear-stale or clear-all`);
		}
	}
}
