import type {FleetConfig} from '../config/types.js';
import type {LockInspection} from '../locks/types.js';
import {lockRecordDetail} from './redact.js';
import type {NewEvent} from './types.js';

/**
 * The journal entry for a removed stale lock, the same wherever it was removed (`locks
 * clear-stale`, the deck's `c`, a shutdown's leftover, a supervisor's takeover): who cleared it,
 * the verdict that proved it stale, and the record that was removed.
 */
export function lockClearedEvent(judged: LockInspection, by: string): NewEvent {
	const record = judged.record;
	return {
		kind: 'lock.cleared',
		account: record?.account ?? null,
		component: judged.name,
		pid: record?.pid ?? null,
		message: `${by} removed ${judged.name}.lock (${judged.verdict}: ${judged.reason})`,
		detail: {verdict: judged.verdict, reason: judged.reason, record: record ? lockRecordDetail(record) : null},
	};
}

/** The journal entry for a config a command started from: what it watches, never what it holds. */
export function configLoadedEvent(config: FleetConfig, by: string): NewEvent {
	const components = config.accounts.reduce((sum, account) => sum + account.components.length, 0);
	return {
		kind: 'config.loaded',
		message: `${by} loaded ${config.file ?? '(no config file)'}: ${config.accounts.length} accounts, ${components} components, ${config.services.length} services`,
		detail: {file: config.file, locksDir: config.locksDir, accounts: config.accounts.map(account => account.id), services: config.services.map(service => service.name)},
	};
}

/** The journal entry for a config that was refused, with the reason (which names a path, never a value). */
export function configRejectedEvent(file: string, reason: string): NewEvent {
	return {kind: 'config.rejected', level: 'warn', message: `config ${file} rejected: ${reason}`, detail: {file, reason}};
}
