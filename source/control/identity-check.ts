import type {ProcessProbe} from '../procs/types.js';

/**
 * Whether a process recorded as (pid, startToken) is the one running under that PID now.
 * `other` proves the PID was reused (so the recorded process is gone); `doubt` is anything short
 * of proof either way, and a process in doubt is never signalled.
 */
export type IdentityCheck = 'same' | 'gone' | 'other' | 'doubt';

export function compareIdentity(recordedToken: string | null, probe: ProcessProbe): IdentityCheck {
	if (probe.state === 'gone') {
		return 'gone';
	}

	if (probe.state === 'unknown' || recordedToken === null || probe.startToken === null) {
		return 'doubt';
	}

	return probe.startToken === recordedToken ? 'same' : 'other';
}
