import {redactCommandLine} from '../text/redact.js';
import {withIgnoredFields} from './fields.js';
import type {ParseError} from './parse.js';
import type {Matcher} from '../procs/matcher.js';
import type {HostFacts, ProcessProbe} from '../procs/types.js';
import type {ParsedLock, VerdictCode} from './types.js';

/** Everything a verdict depends on besides the record, so judging stays pure. */
export interface JudgeFacts {
	/** This host: hostname, boot id, boot time. */
	host: HostFacts;
	/** Look a PID up in the process table. */
	probe: (pid: number) => ProcessProbe;
	/** The current time, epoch ms. */
	now: number;
	/** The lockfile's modification time, epoch ms; null when unknown. */
	mtimeMs: number | null;
	/** The component's `match` pattern, to confirm a holder recorded without a start token. */
	match: Matcher | null;
	/** Another host's lock expires when its heartbeat (else createdAt) is older than this; null: never. */
	remoteExpirySeconds: number | null;
	/** How long an unreadable lockfile may still be being written. */
	unreadableGraceMs: number;
}

export interface Judgement {
	verdict: VerdictCode;
	/** The verdict in an operator's words, naming PIDs and hosts. */
	reason: string;
	/** The holder (a supervisor) is gone but its recorded child still runs: the lock stays live. */
	orphaned: boolean;
}

/** Whether a recorded (pid, startToken) is the process running under that PID now. */
type Identity =
	| {kind: 'same'; detail: string}
	| {kind: 'gone'; detail: string}
	| {kind: 'other'; detail: string}
	| {kind: 'doubt'; detail: string};

/**
 * Legacy timestamps often carry no zone (or a UTC time written as local), so one can be off by up
 * to 14 hours; only a timestamp earlier than the boot by more than that proves a reboot. A v1
 * timestamp has a zone; the slack there only covers an imprecise boot time.
 */
const legacyClockSlackMs = 14 * 3_600_000;
const v1ClockSlackMs = 5_000;

function formatAge(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 120) {
		return `${seconds} s`;
	}

	if (seconds < 7_200) {
		return `${Math.round(seconds / 60)} min`;
	}

	return seconds < 172_800 ? `${Math.round(seconds / 3_600)} h` : `${Math.round(seconds / 86_400)} days`;
}

/** A holder's command line as a reason quotes it: secret-looking options' values hidden (`--password x`), cut to 80 characters. */
function quote(command: string): string {
	const shown = redactCommandLine(command);
	return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown);
}

/**
 * Is the process now at `pid` the one recorded? A start token settles it. Without one the command
 * line is checked against the component's `match`, else against the lock name. A command that
 * fails `match` proves reuse only for a record that has no start token (a legacy bot records
 * itself); a holder that recorded a token this platform cannot read may be a supervisor whose
 * command line was never meant to match. Anything short of proof is `doubt`.
 */
function identify(pid: number, recordedToken: string | null, probe: (pid: number) => ProcessProbe, match: Matcher | null, lockName: string): Identity {
	const found = probe(pid);
	if (found.state === 'gone') {
		return {kind: 'gone', detail: `PID ${pid} is gone`};
	}

	if (found.state === 'unknown') {
		return {kind: 'doubt', detail: `PID ${pid} cannot be checked (${found.reason})`};
	}

	if (recordedToken !== null && found.startToken !== null) {
		return recordedToken === found.startToken
			? {kind: 'same', detail: `PID ${pid} is running (start token ${found.startToken} matches)`}
			: {kind: 'other', detail: `PID ${pid} now belongs to another process (start token ${found.startToken}, the lock recorded ${recordedToken})`};
	}

	if (found.command === null) {
		return {kind: 'doubt', detail: `PID ${pid} is running but its command line cannot be read to confirm it`};
	}

	if (match) {
		if (match.test(found.command)) {
			return {kind: 'same', detail: `PID ${pid} is running ${quote(found.command)}, which matches /${match.source}/`};
		}

		return recordedToken === null
			? {kind: 'other', detail: `PID ${pid} now runs ${quote(found.command)}, which does not match /${match.source}/`}
			: {kind: 'doubt', detail: `PID ${pid} is running ${quote(found.command)}, which does not match /${match.source}/, and its start token cannot be read here to settle it`};
	}

	return found.command.toLowerCase().includes(lockName.toLowerCase())
		? {kind: 'same', detail: `PID ${pid} is running ${quote(found.command)}, which names ${lockName}`}
		: {kind: 'doubt', detail: `PID ${pid} is running ${quote(found.command)}; with no start token and no match pattern it cannot be confirmed as the holder`};
}

function judgeUnreadable(error: string, facts: JudgeFacts): Judgement {
	if (facts.mtimeMs === null) {
		return {verdict: 'unknown', reason: `unreadable (${error}) and its age is unknown; treated as held`, orphaned: false};
	}

	const age = facts.now - facts.mtimeMs;
	if (age < facts.unreadableGraceMs) {
		return {verdict: 'writing', reason: `unreadable (${error}) but only ${Math.max(0, Math.round(age))} ms old: its writer may still be writing it`, orphaned: false};
	}

	return {verdict: 'stale-unreadable', reason: `unreadable for ${formatAge(age)}: ${error}`, orphaned: false};
}

function judgeRemote(lock: ParsedLock, hostname: string, facts: JudgeFacts): Judgement {
	const heldBy = `held on host ${hostname} by PID ${lock.pid}`;
	const lastSign = lock.heartbeatAt ?? lock.createdAt;
	if (facts.remoteExpirySeconds !== null && facts.remoteExpirySeconds !== undefined && lastSign !== null) {
		const age = facts.now - lastSign;
		if (age > facts.remoteExpirySeconds * 1000) {
			const what = lock.heartbeatAt === null ? 'it was taken' : 'its last heartbeat was';
			return {verdict: 'remote-expired', reason: `${heldBy}; ${what} ${formatAge(age)} ago, over the ${facts.remoteExpirySeconds} s limit`, orphaned: false};
		}
	}

	return {verdict: 'remote', reason: `${heldBy}; not judged from ${facts.host.hostname}`, orphaned: false};
}

function rebootReason(lock: ParsedLock, host: HostFacts): string | null {
	if (lock.bootId !== null) {
		return host.bootId !== null && lock.bootId !== host.bootId
			? `PID ${lock.pid} took it before ${host.hostname} rebooted (boot id ${lock.bootId}, now ${host.bootId})`
			: null;
	}

	const lastSign = Math.max(lock.createdAt ?? Number.NEGATIVE_INFINITY, lock.heartbeatAt ?? Number.NEGATIVE_INFINITY);
	const slack = lock.format === 'v1' ? v1ClockSlackMs : legacyClockSlackMs;
	if (host.bootedAt === null || !Number.isFinite(lastSign) || lastSign >= host.bootedAt - slack) {
		return null;
	}

	return `PID ${lock.pid} took it at ${new Date(lastSign).toISOString()}, before ${host.hostname} booted at ${new Date(host.bootedAt).toISOString()}`;
}

/**
 * The verdict on one lock (DESIGN.md §4). Stale only on proof that the holder is gone: anything
 * this host cannot verify is `remote`, `writing` or `unknown`, all of which count as held.
 */
function judgeRecord(lock: ParsedLock | ParseError, facts: JudgeFacts): Judgement {
	if ('error' in lock) {
		// A newer client's record is not garbage: its holder may be alive and well.
		return lock.newerVersion === undefined ? judgeUnreadable(lock.error, facts) : {verdict: 'unknown', reason: `${lock.error}; treated as held`, orphaned: false};
	}

	if (lock.hostname !== null && lock.hostname.toLowerCase() !== facts.host.hostname.toLowerCase()) {
		return judgeRemote(lock, lock.hostname, facts);
	}

	const rebooted = rebootReason(lock, facts.host);
	if (rebooted !== null) {
		return {verdict: 'stale-rebooted', reason: rebooted, orphaned: false};
	}

	const holder = identify(lock.pid, lock.startToken, facts.probe, facts.match, lock.name);
	if (holder.kind === 'same') {
		return {verdict: 'live', reason: holder.detail, orphaned: false};
	}

	if (holder.kind === 'doubt') {
		return {verdict: 'unknown', reason: `${holder.detail}; treated as held`, orphaned: false};
	}

	const stale: VerdictCode = holder.kind === 'gone' ? 'stale-dead' : 'stale-reused';
	if (lock.child === null) {
		return {verdict: stale, reason: holder.detail, orphaned: false};
	}

	// A supervisor killed outright can leave its bot running: the lock stays held while that child lives.
	const child = identify(lock.child.pid, lock.child.startToken, facts.probe, facts.match, lock.name);
	switch (child.kind) {
		case 'same': {
			return {verdict: 'live', reason: `supervisor ${holder.detail}; its child PID ${lock.child.pid} still runs`, orphaned: true};
		}

		case 'doubt': {
			return {verdict: 'unknown', reason: `supervisor ${holder.detail}, but its child: ${child.detail}; treated as held`, orphaned: false};
		}

		default: {
			return {verdict: stale, reason: `${holder.detail}, and its child ${child.detail}`, orphaned: false};
		}
	}
}

/** The verdict, its reason naming any field the parser read as null (why a lock shows no age). */
export function judge(lock: ParsedLock | ParseError, facts: JudgeFacts): Judgement {
	return withIgnoredFields(judgeRecord(lock, facts), 'error' in lock ? undefined : lock.ignored);
}
