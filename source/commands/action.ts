import {createInterface} from 'node:readline/promises';
import {type FleetConfig, isConfigured} from '../runtime/config.js';
import {type ActionKind, cliPath, type Controller, createController, formatPlan, formatResult, resolveScope, type Scope, skipRefuses, UnknownAccountError} from '../runtime/control.js';
import {exitCode} from '../exit-codes.js';
import {printable} from '../text/printable.js';
import {gatherSnapshot} from '../runtime/snapshot.js';
import {configLoadedEvent, openJournal, warnOnStderr} from '../runtime/journal.js';
import {UsageError} from './args.js';

/**
 * The terminal an action command talks to: the face's side of a plan (printing it, asking for a
 * yes) lives here, in `commands/`; `control/` only plans and executes.
 */
export interface ActionIo {
	out: (text: string) => void;
	err: (text: string) => void;
	/** Whether a person can answer a question (stdin is a TTY). */
	interactive: boolean;
	/** Ask, and resolve to the answer line. */
	ask: (question: string) => Promise<string>;
}

export const processIo: ActionIo = {
	out(text) {
		process.stdout.write(`${text}\n`);
	},
	err(text) {
		process.stderr.write(`${text}\n`);
	},
	interactive: Boolean(process.stdin.isTTY),
	async ask(question) {
		const prompt = createInterface({input: process.stdin, output: process.stdout});
		try {
			return await prompt.question(question);
		} finally {
			prompt.close();
		}
	},
};

/**
 * Accounts from the command line, checked against the config (unknown → a usage error). With no
 * configured fleet, the accounts the locks name (as the snapshot groups them) are the known ones.
 */
export async function scopeFor(config: FleetConfig, accounts: readonly string[]): Promise<Scope> {
	const inferred = accounts.length > 0 && !isConfigured(config) ? (await gatherSnapshot(config)).accounts.map(account => account.id) : [];
	try {
		return resolveScope(config, accounts, inferred);
	} catch (error) {
		if (error instanceof UnknownAccountError) {
			throw new UsageError(error.message);
		}

		throw error;
	}
}

/** Run `work` with a controller whose journal is closed afterwards. */
export async function withController<T>(config: FleetConfig, options: {stopTimeoutSeconds?: number}, work: (controller: Controller) => Promise<T>): Promise<T> {
	const journal = openJournal(config.journal, {onWarning: warnOnStderr});
	journal.record(configLoadedEvent(config, `fleetdeck ${process.argv[2] ?? ''}`.trim()));
	try {
		return await work(createController(config, {journal, cliPath, ...options}));
	} finally {
		journal.close();
	}
}

/**
 * shutdown and stop-duplicates: print the plan, get a yes (a TTY prompt, or --yes; headless
 * without --yes is a usage error before anything is signalled), execute with progress, and exit
 * 0 only when every target is confirmed gone.
 */
export async function runStopAction(kind: Extract<ActionKind, 'shutdown' | 'stop-duplicates'>, config: FleetConfig, request: {accounts: string[]; yes: boolean; timeoutSeconds?: number}, io: ActionIo = processIo): Promise<number> {
	const scope = await scopeFor(config, request.accounts);
	return withController(config, {stopTimeoutSeconds: request.timeoutSeconds}, async controller => {
		const plan = await controller.plan(kind, scope);
		io.out(formatPlan(plan));
		if (!plan.steps.some(step => step.kind !== 'skip')) {
			const refused = plan.steps.some(step => step.kind === 'skip' && skipRefuses(step));
			io.out(refused ? 'nothing can be stopped from here' : 'nothing to do');
			return refused ? exitCode.failed : exitCode.ok;
		}

		if (!request.yes) {
			if (!io.interactive) {
				throw new UsageError(`${kind} needs confirmation: no terminal to ask on, so nothing was signalled. Add --yes to proceed without asking.`);
			}

			const answer = (await io.ask('Proceed? [y/N] ')).trim().toLowerCase();
			if (answer !== 'y' && answer !== 'yes') {
				io.out('cancelled; nothing was signalled');
				return exitCode.failed;
			}
		}

		const result = await controller.execute(plan, progress => {
			if (progress.status === 'waiting' || progress.status === 'running') {
				io.out(`  … ${printable(progress.message)}`);
			}
		});
		io.out(formatResult(result));
		return result.ok ? exitCode.ok : exitCode.failed;
	});
}
