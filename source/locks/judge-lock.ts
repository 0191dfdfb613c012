import {judgeFacts, type JudgeContext} from './context.js';
import {parseLock} from './parse.js';
import {findLockChild} from '../procs/lock-env.js';
import {isStale, type ParsedLock} from './types.js';
import {judge, type Judgement} from './verdict.js';

/** The bytes of one lock and what its store knows about them besides. */
export interface StoredLock {
	/** The record exactly as stored. */
	raw: Buffer;
	/** When it was last written, epoch ms; null when unknown. */
	mtimeMs: number | null;
	/** The uid that owns it, compared with the holder's; null where there are no uids. */
	ownerUid: number | null;
}

/**
 * Parse and judge one stored lock: the verdict every lock store gives (the filesystem's and the
 * in-memory one alike), so a store decides only where bytes live, never what they mean.
 */
export function judgeStoredLock(name: string, stored: StoredLock, context?: JudgeContext): Judgement & {record: ParsedLock | null} {
	let record = parseLock(name, stored.raw);
	const facts = judgeFacts(context, name, stored);
	let judgement = judge(record, facts);
	// A supervisor's lock that names no child yet: its bot may have been started in the moment
	// before the supervisor was killed. Stale only once no process carries this lock's token.
	// Anyone who can read the lockfile can start a process with that token, so the claimant is
	// judged like any recorded child, its owner included: another user's is `unknown`.
	if (isStale(judgement.verdict) && !('error' in record) && record.supervisor !== null && record.child === null && record.token !== null) {
		const child = (context?.findLockChild ?? findLockChild)(name, record.token);
		if (child !== null) {
			record = {...record, child};
			judgement = judge(record, facts);
		}
	}

	return {...judgement, record: 'error' in record ? null : record};
}
