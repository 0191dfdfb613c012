import {eventKinds, JournalInputError, type EventKind, type EventLevel} from './types.js';

/** The level an event gets when its recorder does not say. */
export const defaultLevels: Record<EventKind, EventLevel> = {
	'lock.acquired': 'info',
	'lock.released': 'info',
	'lock.stale': 'warn',
	'lock.cleared': 'warn',
	'lock.heartbeat': 'warn',
	'process.started': 'info',
	'process.exited': 'warn',
	'process.restarted': 'warn',
	'process.crash-loop': 'crit',
	'stop.requested': 'info',
	'stop.escalated': 'warn',
	'stop.confirmed': 'info',
	'stop.failed': 'crit',
	'duplicate.seen': 'crit',
	'duplicate.resolved': 'info',
	'health.changed': 'info',
	'drift.raised': 'warn',
	'drift.resolved': 'info',
	'config.loaded': 'info',
	'config.rejected': 'crit',
	'launch.started': 'info',
	'launch.skipped': 'info',
	'launch.failed': 'crit',
	'supervisor.started': 'info',
	'supervisor.stopped': 'info',
	'journal.replaced': 'warn',
	'journal.dropped': 'warn',
};

const families = [...new Set(eventKinds.map(kind => kind.slice(0, kind.indexOf('.'))))];

/**
 * Validate `--kind` values: each is an exact kind (`lock.cleared`) or a family (`lock`), and may
 * itself be a comma-separated list. Returns them trimmed, ready for `EventQuery.kinds`.
 */
export function parseKinds(values: readonly string[]): string[] {
	const kinds = values.flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '');
	for (const kind of kinds) {
		if (!(eventKinds as readonly string[]).includes(kind) && !families.includes(kind)) {
			throw new JournalInputError(`--kind "${kind}" is unknown; expected a family (${families.join(', ')}) or one of: ${eventKinds.join(', ')}`);
		}
	}

	return kinds;
}
