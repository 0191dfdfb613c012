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
