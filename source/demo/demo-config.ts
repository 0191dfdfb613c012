import {escapePattern} from '../runtime/processes.js';

/** The five accounts of DESIGN.md §1, as the demo (and the broker simulator) knows them. */
export const demoAccounts = [
	{id: 'BG_INSTANT', number: '366604'},
	{id: 'BG_CHALLENGE', number: '365060'},
	{id: 'ATLAS', number: '212000584'},
	{id: 'GL_3', number: '107245'},
	{id: 'FTMO', number: '1521063483'},
] as const;

export interface DemoConfigOptions {
	/**
	 * The demo's temporary directory. Every demo process carries it in its argv and every `match`
	 * requires it, so the demo's deck and its shutdown can never see, or stop, a real bot of the
	 * same name running on this machine.
	 */
	workspace: string;
	/** The Node binary that runs the fake bots. */
	nodePath: string;
	/** `dist/fixtures/fake-bot.js` of this build. */
	fakeBotPath: string;
	/** The broker simulator's status URL of an account. */
	statusUrl: (accountId: string) => string;
	/** The URL `quantum_server`'s health check reads. */
	healthUrl: string;
}

/**
 * The demo's `fleetdeck.config.json`: the fixture fleet's shape (services, watchdogs, brains of
 * five accounts), each component a fake bot whose argv reads like the real script's.
 */
export function demoConfig(options: DemoConfigOptions): Record<string, unknown> {
	const workspaceArgs = ['--workspace', options.workspace];
	const ours = ` .*--workspace ${escapePattern(options.workspace)}(?:\\s|$)`;
	const component = (name: string, role: string, script: string[], pattern: string) => ({
		name,
		...(role === 'service' ? {} : {role}),
		command: [options.nodePath, options.fakeBotPath, ...script, ...workspaceArgs],
		match: pattern + ours,
		stopTimeoutSeconds: 5,
	});
	return {
		locksDir: '.locks',
		logsDir: 'logs',
		journal: '.fleetdeck/journal.db',
		pollSeconds: 1,
		// The demo's bots are the project's own fake bot, and it launches them one step at a time:
		// a settle window would add one wait per component to the demo's start, and catch nothing.
		launchSettleSeconds: 0,
		services: [{...component('quantum_server', 'service', ['quantum_server.py'], 'quantum_server\\.py'), health: {url: options.healthUrl, timeoutSeconds: 2}}],
		accounts: demoAccounts.map(account => ({
			id: account.id,
			number: account.number,
			components: [
				component(`BRAIN_${account.id}`, 'brain', [`BRAIN_${account.id}.py`], `BRAIN_${account.id}\\.py`),
				component(`WATCHDOG_${account.id}`, 'watchdog', ['STOPLOSS_WATCHDOG_V2.py', '--account', account.id], `STOPLOSS_WATCHDOG_V2\\.py --account ${account.id}`),
			],
			broker: {status: {url: options.statusUrl(account.id), timeoutSeconds: 2}},
		})),
	};
}
