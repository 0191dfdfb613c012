import type {HostFacts} from '../procs/types.js';
import {maxRecordBytes} from './parse.js';
import type {ChildIdentity, LockRecord} from './types.js';

/** Who is taking the lock and what to record about it. */
export interface RecordInput {
	name: string;
	holder: {pid: number; startToken: string | null};
	host: HostFacts;
	token: number;
	account: string | null;
	command: string | null;
	child: ChildIdentity | null;
	/** Epoch ms. */
	now: number;
}

/** A v1 record, keys in the documented order. `supervisor` is added later, by heartbeat. */
export function buildRecord(input: RecordInput): LockRecord {
	return {
		v: 1,
		name: input.name,
		pid: input.holder.pid,
		account: input.account,
		hostname: input.host.hostname,
		bootId: input.host.bootId,
		startToken: input.holder.startToken,
		createdAt: new Date(input.now).toISOString(),
		heartbeatAt: null,
		token: input.token,
		command: input.command,
		child: input.child,
	};
}

/**
 * One line of JSON. A long command line is shortened so the record stays within the 4 KiB a reader
 * accepts (a record it cannot read would count as stale-unreadable).
 */
export function serializeRecord(record: object & {command?: unknown}): Buffer {
	let bytes = Buffer.from(`${JSON.stringify(record)}\n`);
	if (bytes.length > maxRecordBytes && typeof record.command === 'string') {
		const keep = Math.max(0, record.command.length - (bytes.length - maxRecordBytes) - 16);
		bytes = Buffer.from(`${JSON.stringify({...record, command: `${record.command.slice(0, keep)}…`})}\n`);
	}

	if (bytes.length > maxRecordBytes) {
		throw new Error(`lock record is ${bytes.length} bytes, over the ${maxRecordBytes}-byte limit; shorten its account or command`);
	}

	return bytes;
}
