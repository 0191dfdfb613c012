import {redact, redactArgv, redactUrl} from '../text/redact.js';
import {isConfigured} from './resolve.js';
import type {AccountConfig, ComponentConfig, FleetConfig, ServiceConfig, StatusSource} from './types.js';

/**
 * `fleetdeck config check`: what fleetdeck would watch, in words, one line per component.
 * Secrets never appear: env values under secret-looking names, secret options in argv, URL
 * passwords. The credential-ish account keys never reach a `FleetConfig` at all.
 */

function quoteWord(word: string): string {
	return /^[\w@%+=:,./[\]-]+$/.test(word) ? word : JSON.stringify(word);
}

function describeEnv(env: Record<string, string>): string {
	return Object.entries(redact(env))
		.map(([name, value]) => `${name}=${quoteWord(value)}`)
		.join(' ');
}

function describeComponent(component: ComponentConfig | ServiceConfig, indent: string): string {
	const parts = [
		`${component.name} (${component.role})${component.enabled ? '' : ' [disabled]'}`,
		`runs ${redactArgv(component.command).map(quoteWord).join(' ')}`,
		`in ${component.cwd}`,
		`matches /${component.matchSource}/`,
		`stop ${component.stopSignal} then kill after ${component.stopTimeoutSeconds} s`,
		`restart ${component.restart}`,
	];
	if (Object.keys(component.env).length > 0) {
		parts.push(`env ${describeEnv(component.env)}`);
	}

	if ('health' in component && component.health !== null) {
		parts.push(`health ${redactUrl(component.health.url)} (timeout ${component.health.timeoutSeconds} s)`);
	}

	return indent + parts.join(', ');
}

function describeStatus(status: StatusSource): string {
	return status.kind === 'http' ? `${redactUrl(status.url)} (timeout ${status.timeoutSeconds} s)` : `file ${status.path}`;
}

function describeAccount(account: AccountConfig): string[] {
	const broker =
		account.broker === null
			? 'no broker status configured'
			: `broker status from ${describeStatus(account.broker.status)} every ${account.broker.pollSeconds} s`;
	const server = account.server === null ? '' : `, server ${account.server}`;
	const header = `account ${account.id} (login ${account.number}${server})${account.enabled ? '' : ' [disabled]'}: ${broker}`;
	const components =
		account.components.length === 0 ? ['  no components'] : account.components.map((component) => describeComponent(component, '  '));
	return [header, ...components];
}

export function describeConfig(config: FleetConfig): string {
	const lines = [
		config.file === null ? 'config: none (no fleetdeck.config.json)' : `config: ${config.file}`,
		`locks: ${config.locksDir}`,
		`logs: ${config.logsDir}`,
		`journal: ${config.journal}`,
		`poll: every ${config.pollSeconds} s; locks of other hosts ${
			config.remoteLockExpirySeconds === null ? 'never expire' : `expire ${config.remoteLockExpirySeconds} s after their last heartbeat`
		}`,
	];
	if (!isConfigured(config)) {
		lines.push(`watching every lock in ${config.locksDir} and the processes holding them, grouped by each lock's account`);
	}

	lines.push(...config.services.map((service) => describeComponent(service, 'service ')));
	for (const account of config.accounts) {
		lines.push(...describeAccount(account));
	}

	return lines.join('\n');
}
