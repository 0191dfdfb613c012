import {constants} from 'node:fs';
import {open} from 'node:fs/promises';
import {performance} from 'node:perf_hooks';
import type {StatusSource} from '../config/types.js';
import {formatDuration} from '../text/duration.js';
import {hideSecrets, redactText, redactUrl, urlSecrets} from '../text/redact.js';
import {httpGet} from './http-get.js';
import type {HealthLevel} from './health.js';
import {parseSnapshot, type StatusSnapshot} from './snapshot.js';

/** A snapshot payload larger than this is refused: a publisher gone wrong must not eat the deck's memory. */
export const defaultMaxBytes = 1024 * 1024;
/** Deadline for one file read when the caller gives none. */
export const defaultFileTimeoutMs = 5000;

export interface FetchOptions {
	/** Deadline for this one request; defaults to the HTTP source's `timeoutSeconds` (files: 5 s). */
	timeoutMs?: number;
	/** Size cap in bytes (default 1 MiB). */
	maxBytes?: number;
	/** Cancels the request (a poller being stopped). */
	signal?: AbortSignal;
}

/** What one read of a status source gave: a validated snapshot, or the reason it failed. */
export type FetchOutcome = {ok: true; snapshot: StatusSnapshot; latencyMs: number} | {ok: false; error: string; latencyMs: number};

export type SnapshotFetcher = (source: StatusSource, options: FetchOptions) => Promise<FetchOutcome>;

/** Reads and validates one snapshot. Never throws: every failure comes back as `{ok: false, error}`. */
export async function fetchSnapshot(source: StatusSource, options: FetchOptions = {}): Promise<FetchOutcome> {
	const started = performance.now();
	const maxBytes = options.maxBytes ?? defaultMaxBytes;
	let text: string;
	try {
		text =
			source.kind === 'http'
				? await readHttp(source.url, options.timeoutMs ?? source.timeoutSeconds * 1000, maxBytes, options.signal)
				: await readStatusFile(source.path, options.timeoutMs ?? defaultFileTimeoutMs, maxBytes, options.signal);
	} catch (error) {
		return {ok: false, error: sourceError(source, (error as Error).message), latencyMs: performance.now() - started};
	}

	const latencyMs = performance.now() - started;
	const parsed = parseSnapshot(text);
	return parsed.ok ? {ok: true, snapshot: parsed.snapshot, latencyMs} : {ok: false, error: sourceError(source, `${describeSource(source)}: ${parsed.error}`), latencyMs};
}

/** Where a source reads from, for messages: an HTTP source's URL without its secrets. */
export function describeSource(source: StatusSource): string {
	return source.kind === 'http' ? redactUrl(source.url) : source.path;
}

/**
 * A failure as every face shows it: whatever quoted the source's URL (our messages, a socket
 * error, a publisher's answer) is shown without its password and secret parameters.
 */
function sourceError(source: StatusSource, message: string): string {
	return source.kind === 'http' ? hideSecrets(redactText(message), urlSecrets(source.url)) : redactText(message);
}

/**
 * A service health URL (e.g. `quantum_server`'s) is healthy when it answers 2xx within the timeout.
 * The reason never shows the URL's password or secret parameters.
 */
export async function checkServiceHealth(url: string, timeoutSeconds: number): Promise<HealthLevel & {latencyMs: number | null}> {
	const started = performance.now();
	try {
		const answer = await httpGet(url, {timeoutMs: timeoutSeconds * 1000, maxBytes: defaultMaxBytes});
		const latencyMs = performance.now() - started;
		if (answer.status >= 200 && answer.status < 300) {
			return {state: 'ok', reason: `answered HTTP ${answer.status} in ${formatDuration(latencyMs)}`, latencyMs};
		}

		const reason = `${redactUrl(url)} answered HTTP ${answer.status} ${answer.statusText}`.trimEnd();
		return {state: 'down', reason: hideSecrets(redactText(reason), urlSecrets(url)), latencyMs};
	} catch (error) {
		// httpGet's messages are already clean.
		return {state: 'down', reason: (error as Error).message, latencyMs: null};
	}
}

async function readHttp(url: string, timeoutMs: number, maxBytes: number, signal: AbortSignal | undefined): Promise<string> {
	const answer = await httpGet(url, {timeoutMs, maxBytes, signal});
	if (answer.status < 200 || answer.status > 299) {
		throw new Error(`${redactUrl(url)} answered HTTP ${answer.status} ${answer.statusText}`.trimEnd());
	}

	return answer.body.toString('utf8');
}

/**
 * Reads a status file through one handle, so a publisher's atomic rename between the size check
 * and the read cannot hand us half of one file and half of another. A file system that hangs
 * (a dead network share) costs the caller the deadline, not the poller.
 */
async function readStatusFile(path: string, timeoutMs: number, maxBytes: number, signal: AbortSignal | undefined): Promise<string> {
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	const cutOff = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`reading ${path} took longer than ${formatDuration(timeoutMs)}`)), timeoutMs);
		onAbort = () => reject(new Error(`reading ${path} was cancelled`));
		if (signal?.aborted) {
			onAbort();
		}

		signal?.addEventListener('abort', onAbort);
	});
	try {
		return await Promise.race([readCapped(path, maxBytes), cutOff]);
	} finally {
		clearTimeout(timer);
		signal?.removeEventListener('abort', onAbort!);
	}
}

async function readCapped(path: string, maxBytes: number): Promise<string> {
	let handle;
	try {
		// O_NONBLOCK: opening a FIFO (or a device) with no writer would block a libuv thread for
		// good, and a blocked thread keeps even process.exit() from finishing. A regular file
		// ignores the flag; anything else is refused below.
		handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new Error(code === 'ENOENT' ? `status file ${path} does not exist` : `cannot open status file ${path}: ${(error as Error).message}`);
	}

	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			throw new Error(`status file ${path} is not a regular file`);
		}

		if (stat.size > maxBytes) {
			throw new Error(`status file ${path} is ${stat.size} bytes, over the ${maxBytes}-byte cap`);
		}

		// One byte past the cap tells a file that grew after fstat from one that fits.
		const buffer = Buffer.alloc(maxBytes + 1);
		let length = 0;
		for (;;) {
			const {bytesRead} = await handle.read(buffer, length, buffer.length - length, length);
			if (bytesRead === 0) {
				break;
			}

			length += bytesRead;
			if (length > maxBytes) {
				throw new Error(`status file ${path} is over the ${maxBytes}-byte cap`);
			}
		}

		return buffer.subarray(0, length).toString('utf8');
	} finally {
		await handle.close();
	}
}
