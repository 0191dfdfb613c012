import {redactCommandLine} from '../text/redact.js';
import {withIgnoredFields} from './fields.js';
import type {ParseError} from './parse.js';
import {matchedCommandLineChars, type Matcher} from '../procs/matcher.js';
import type {HostFacts, ProcessProbe} from '../procs/types.js';
import type {ChildIdentity, LockProof, ParsedLock, VerdictCode} from './types.js';

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
	/** The lockfile's owner uid, compared with the holder's; null where the platform has no uids. */
	ownerUid: number | null;
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
	/** How a `live` verdict was proven: the weakest proof among `holders`; null for any other verdict. */
	proof: LockProof | null;
	/** The processes proven to hold the lock, with the start tokens they were proven by; empty unless live. */
	holders: ChildIdentity[];
}

/** How a process was confirmed as the one recorded, strongest first. */
type Method = 'start-token' | 'match' | 'name';

/** Whether a recorded (pid, startToken) is the process running under that PID now. */
type Identity =
	| {kind: 'same'; detail: string; method: Method; startToken: string | null}
	| {kind: 'gone'; detail: string}
	| {kind: 'other'; detail: string}
	| {kind: 'doubt'; detail: string; untrusted: boolean};

const methodRank: Record<Method, number> = {'start-token': 0, match: 1, name: 2};

/**
 * Legacy timestamps often carry no zone (or a UTC time written as local), so one can be off by up
 * to 14 hours; only a timestamp earlier than the boot by more than that names a reboot (and only
 * for a holder already proven gone). A v1 timestamp has a zone; the slack there only covers an
 * imprecise boot time.
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
function recognise(found: Extract<ProcessProbe, {state: 'alive'}>, recordedToken: string | null, match: Matcher | null, lockName: string): Identity {
	const {pid} = found;
	if (recordedToken !== null && found.startToken !== null) {
		return recordedToken === found.startToken
			? {kind: 'same', detail: `PID ${pid} is running (start token ${found.startToken} matches)`, method: 'start-token', startToken: found.startToken}
			: {kind: 'other', detail: `PID ${pid} now belongs to another process (start token ${found.startToken}, the lock recorded ${recordedToken})`};
	}

	if (found.command === null) {
		return {kind: 'doubt', detail: `PID ${pid} is running but its command line cannot be read to confirm it`, untrusted: false};
	}

	if (match) {
		if (match.test(found.command)) {
			return {kind: 'same', detail: `PID ${pid} is running ${quote(found.command)}, which matches /${match.source}/`, method: 'match', startToken: found.startToken};
		}

		// Only a command line seen whole can prove reuse: past the matched prefix the pattern may still match.
		return recordedToken === null && found.command.length <= matchedCommandLineChars
			? {kind: 'other', detail: `PID ${pid} now runs ${quote(found.command)}, which does not match /${match.source}/`}
			: recordedToken === null
				? {kind: 'doubt', detail: `PID ${pid} is running a command line longer than the ${matchedCommandLineChars} characters matched, and /${match.source}/ does not match its start`, untrusted: false}
				: {kind: 'doubt', detail: `PID ${pid} is running ${quote(found.command)}, which does not match /${match.source}/, and its start token cannot be read here to settle it`, untrusted: false};
	}

	return found.command.toLowerCase().includes(lockName.toLowerCase())
		? {kind: 'same', detail: `PID ${pid} is running ${quote(found.command)}, which names ${lockName}`, method: 'name', startToken: found.startToken}
		: {kind: 'doubt', detail: `PID ${pid} is running ${quote(found.command)}; with no start token and no match pattern it cannot be confirmed as the holder`, untrusted: false};
}

/**
 * `recognise`, then ownership: a process recognised as the holder is trusted only if it runs as
 * the lockfile's owner. A start token is world-readable (/proc/<pid>/stat), so any local user can
 * write a record that names another user's process, token and all; a lock such a user wrote is
 * owned by them. A process that is not the recorded one needs no such check: nothing is signalled
 * for it, and a forged record proven stale is only removed. Skipped where either uid is unknown.
 */
function identify(pid: number, recordedToken: string | null, facts: JudgeFacts, lockName: string): Identity {
	const found = facts.probe(pid);
	if (found.state === 'gone') {
		return {kind: 'gone', detail: `PID ${pid} is gone`};
	}

	if (found.state === 'unknown') {
		return {kind: 'doubt', detail: `PID ${pid} cannot be checked (${found.reason})`, untrusted: false};
	}

	const identity = recognise(found, recordedToken, facts.match, lockName);
	if (identity.kind === 'same' && facts.ownerUid !== null && found.uid !== null && found.uid !== facts.ownerUid) {
		return {kind: 'doubt', detail: `lockfile owned by uid ${facts.ownerUid} but PID ${pid} runs as uid ${found.uid}: not trusted`, untrusted: true};
	}

	return identity;
}

function judgeUnreadable(error: string, facts: JudgeFacts): Judgement {
	if (facts.mtimeMs === null) {
		return withoutHolder('unknown', `unreadable (${error}) and its age is unknown; treated as held`);
	}

	const age = facts.now - facts.mtimeMs;
	if (age < facts.unreadableGraceMs) {
		return withoutHolder('writing', `unreadable (${error}) but only ${Math.max(0, Math.round(age))} ms old: its writer may still be writing it`);
	}

	return withoutHolder('stale-unreadable', `unreadable for ${formatAge(age)}: ${error}`);
}

function judgeRemote(lock: ParsedLock, hostname: string, facts: JudgeFacts): Judgement {
	const heldBy = `held on host ${hostname} by PID ${lock.pid}`;
	const lastSign = lock.heartbeatAt ?? lock.createdAt;
	if (facts.remoteExpirySeconds !== null && facts.remoteExpirySeconds !== undefined && lastSign !== null) {
		const age = facts.now - lastSign;
		if (age > facts.remoteExpirySeconds * 1000) {
			const what = lock.heartbeatAt === null ? 'it was taken' : 'its last heartbeat was';
			return withoutHolder('remote-expired', `${heldBy}; ${what} ${formatAge(age)} ago, over the ${facts.remoteExpirySeconds} s limit`);
		}
	}

	return withoutHolder('remote', `${heldBy}; not judged from ${facts.host.hostname}`);
}

/** A recorded boot id that differs from this host's proves the holder lived on another boot. */
function bootIdReason(lock: ParsedLock, host: HostFacts): string | null {
	return lock.bootId !== null && host.bootId !== null && lock.bootId !== host.bootId
		? `PID ${lock.pid} took it before ${host.hostname} rebooted (boot id ${lock.bootId}, now ${host.bootId})`
		: null;
}

/**
 * A record without a boot id whose last sign of life predates this boot. Clocks lie (a clock wrong
 * at boot, a script writing a monotonic time), so this never proves anything against a live,
 * matching process: it only names why a holder already proven gone went away.
 */
function timestampRebootReason(lock: ParsedLock, host: HostFacts): string | null {
	if (lock.bootId !== null) {
		return null;
	}

	const lastSign = Math.max(lock.createdAt ?? Number.NEGATIVE_INFINITY, lock.heartbeatAt ?? Number.NEGATIVE_INFINITY);
	const slack = lock.format === 'v1' ? v1ClockSlackMs : legacyClockSlackMs;
	if (host.bootedAt === null || !Number.isFinite(lastSign) || lastSign >= host.bootedAt - slack) {
		return null;
	}

	return `PID ${lock.pid} took it at ${new Date(lastSign).toISOString()}, before ${host.hostname} booted at ${new Date(host.bootedAt).toISOString()}`;
}

/** A verdict that proves no process holds the lock: stale, unverifiable or not judged from here. */
function withoutHolder(verdict: VerdictCode, reason: string): Judgement {
	return {verdict, reason, orphaned: false, proof: null, holders: []};
}

/** A holder proven gone (or its PID reused): stale, named `stale-rebooted` when its timestamp predates the boot. */
function stale(lock: ParsedLock, host: HostFacts, kind: 'gone' | 'other', detail: string): Judgement {
	const rebooted = timestampRebootReason(lock, host);
	return rebooted === null ? withoutHolder(kind === 'gone' ? 'stale-dead' : 'stale-reused', detail) : withoutHolder('stale-rebooted', `${rebooted}; ${detail}`);
}

/**
 * The verdict on one lock (DESIGN.md §4, docs/lock-protocol.md §5). Stale only on proof that the
 * holder is gone: anything this host cannot verify is `remote`, `writing` or `unknown`, all of
 * which count as held. Identity comes before any rule about time: a live process that is the
 * recorded one is never stale on a timestamp.
 */
function judgeRecord(lock: ParsedLock | ParseError, facts: JudgeFacts): Judgement {
	if ('error' in lock) {
		// A newer client's record is not garbage: its holder may be alive and well.
		return lock.newerVersion === undefined ? judgeUnreadable(lock.error, facts) : withoutHolder('unknown', `${lock.error}; treated as held`);
	}

	if (lock.hostname !== null && lock.hostname.toLowerCase() !== facts.host.hostname.toLowerCase()) {
		return judgeRemote(lock, lock.hostname, facts);
	}

	// Unlike a clock, a boot id is proof: the PID recorded belongs to a process table that is gone.
	const rebooted = bootIdReason(lock, facts.host);
	if (rebooted !== null) {
		return withoutHolder('stale-rebooted', rebooted);
	}

	const holder = identify(lock.pid, lock.startToken, facts, lock.name);
	if (holder.kind === 'same') {
		return judgeLiveHolder(lock, holder, facts);
	}

	if (holder.kind === 'doubt') {
		return withoutHolder('unknown', `${holder.detail}; treated as held`);
	}

	if (lock.child === null) {
		return stale(lock, facts.host, holder.kind, holder.detail);
	}

	// A supervisor killed outright can leave its bot running: the lock stays held while that child lives.
	const child = identify(lock.child.pid, lock.child.startToken, facts, lock.name);
	switch (child.kind) {
		case 'same': {
			return {
				verdict: 'live',
				reason: `supervisor ${holder.detail}; its child PID ${lock.child.pid} still runs`,
				orphaned: true,
				proof: child.method === 'start-token' ? 'child' : child.method,
				holders: [{pid: lock.child.pid, startToken: child.startToken}],
			};
		}

		case 'doubt': {
			return withoutHolder('unknown', `supervisor ${holder.detail}, but its child: ${child.detail}; treated as held`);
		}

		default: {
			return stale(lock, facts.host, holder.kind, `${holder.detail}, and its child ${child.detail}`);
		}
	}
}

/**
 * The recorded holder runs. Its recorded child (a supervisor's bot) counts as a holder too when it
 * is proven as strongly: the lock's proof is the weakest of its holders', so a PID the record
 * merely names never rides on its supervisor's proof. A child that runs as another user than the
 * lockfile's owner makes the whole record untrusted.
 */
function judgeLiveHolder(lock: ParsedLock, holder: Extract<Identity, {kind: 'same'}>, facts: JudgeFacts): Judgement {
	const holders: ChildIdentity[] = [{pid: lock.pid, startToken: holder.startToken}];
	if (lock.child !== null) {
		const child = identify(lock.child.pid, lock.child.startToken, facts, lock.name);
		if (child.kind === 'doubt' && child.untrusted) {
			return withoutHolder('unknown', `${holder.detail}, but its child: ${child.detail}; treated as held`);
		}

		if (child.kind === 'same' && methodRank[child.method] <= methodRank[holder.method]) {
			holders.push({pid: lock.child.pid, startToken: child.startToken});
		}
	}

	return {verdict: 'live', reason: holder.detail, orphaned: false, proof: holder.method, holders};
}

/** The verdict, its reason naming any field the parser read as null (why a lock shows no age). */
export function judge(lock: ParsedLock | ParseError, facts: JudgeFacts): Judgement {
	return withIgnoredFields(judgeRecord(lock, facts), 'error' in lock ? undefined : lock.ignored);
}
