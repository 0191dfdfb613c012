import {loadConfig} from '../runtime/config.js';
import {exitCode} from '../exit-codes.js';
import {formatHistory, formatReport, type Journal, JournalInputError, openJournal, parseKinds, parseSince, toReportJson, warnOnStderr} from '../runtime/journal.js';
import {commonFlags, parseArgs, UsageError} from './args.js';

const historyHelp = `
	Usage
	  $ fleetdeck history [--since 24h] [--account ID] [--kind KIND …] [--json]

	What happened, newest last: locks taken, released and cleared, processes started,
	crashed and restarted, stops and escalations, duplicates, health and drift changes.

	Options
	  --since WHEN       a duration back from now (30m, 24h, 7d) or a date (2026-11-22); default 24h
	  --account ID       only this account's events
	  --component NAME   only this component's events
	  --kind KIND        an event kind (lock.cleared) or family (lock, process, stop); repeatable
	  --json             the events as a JSON array
	  --config FILE      config file (its "journal" names the database)
`;

const reportHelp = `
	Usage
	  $ fleetdeck report [--since 7d] [--json]

	The weekly review: per component, restarts, crash loops, stale locks cleared,
	duplicates seen and downtime.

	Options
	  --since WHEN       a duration back from now (30m, 24h, 7d) or a date; default 7d
	  --json             machine-readable output
	  --config FILE      config file (its "journal" names the database)
`;

/** Open the config's journal; a journal that cannot be opened says so once on stderr. */
function journalFor(flags: {config?: string; locksDir?: string}): Journal {
	const config = loadConfig({config: flags.config, cwd: process.cwd(), locksDir: flags.locksDir});
	const journal = openJournal(config.journal, {onWarning: warnOnStderr});

	return journal;
}

function since(text: string, now: number): number {
	try {
		return parseSince(text, now);
	} catch (error) {
		throw error instanceof JournalInputError ? new UsageError(error.message) : error;
	}
}

const color = () => process.stdout.isTTY && !process.env['NO_COLOR'];

/**
 * A terminal gets lines that fit it; a pipe or a file (grep, a mail from cron) gets every message
 * whole, or "why did it restart" would be cut off before the exit code.
 */
const historyWidth = () => (process.stdout.isTTY ? process.stdout.columns ?? 100 : Number.POSITIVE_INFINITY);

export async function historyCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, historyHelp, {
		...commonFlags,
		since: {type: 'string', default: '24h'},
		account: {type: 'string'},
		component: {type: 'string'},
		kind: {type: 'string', isMultiple: true},
		json: {type: 'boolean'},
	});
	if (cli.input.length > 0) {
		throw new UsageError(`history takes no arguments, got "${cli.input.join(' ')}"`);
	}

	const now = Date.now();
	const from = since(cli.flags.since, now);
	let kinds: string[] | undefined;
	try {
		kinds = cli.flags.kind && cli.flags.kind.length > 0 ? parseKinds(cli.flags.kind) : undefined;
	} catch (error) {
		throw error instanceof JournalInputError ? new UsageError(error.message) : error;
	}

	const journal = journalFor(cli.flags);
	try {
		const events = journal.events({since: from, account: cli.flags.account, component: cli.flags.component, kinds});
		process.stdout.write(`${cli.flags.json ? JSON.stringify(events, null, 2) : formatHistory(events, {color: color(), width: historyWidth()})}\n`);
		return exitCode.ok;
	} finally {
		journal.close();
	}
}

export async function reportCommand(argv: string[]): Promise<number> {
	const cli = parseArgs(argv, reportHelp, {...commonFlags, since: {type: 'string', default: '7d'}, json: {type: 'boolean'}});
	if (cli.input.length > 0) {
		throw new UsageError(`report takes no arguments, got "${cli.input.join(' ')}"`);
	}

	const now = Date.now();
	const from = since(cli.flags.since, now);
	const journal = journalFor(cli.flags);
	try {
		const rows = journal.report(from);
		process.stdout.write(`${cli.flags.json ? JSON.stringify(toReportJson(rows, from, now), null, 2) : formatReport(rows, cli.flags.since)}\n`);
		return exitCode.ok;
	} finally {
		journal.close();
	}
}
