import http from 'node:http';
import https from 'node:https';
import {formatDuration} from '../text/duration.js';

export interface HttpGetOptions {
	/** The whole exchange (connect, headers, body) must finish within this many ms. */
	timeoutMs: number;
	/** Abort once the body grows past this many bytes. */
	maxBytes: number;
	/** Aborts the request early (a poller being stopped). */
	signal?: AbortSignal;
}

export interface HttpAnswer {
	status: number;
	statusText: string;
	body: Buffer;
}

/**
 * One GET with a hard deadline and a size cap. Rejects with an Error whose message names the URL
 * and what went wrong; never leaves a socket open behind it (no keep-alive agent).
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new Error(`${url} is not a valid URL`);
	}

	const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
	if (client === null) {
		throw new Error(`${url}: only http: and https: URLs are supported`);
	}

	return new Promise<HttpAnswer>((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | null, answer?: HttpAnswer) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(deadline);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) {
				request.destroy();
				reject(error);
			} else {
				resolve(answer!);
			}
		};

		const onAbort = () => finish(new Error(`request to ${url} was cancelled`));
		const deadline = setTimeout(() => finish(new Error(`no answer from ${url} within ${formatDuration(options.timeoutMs)}`)), options.timeoutMs);
		const request = client.get(parsed, {agent: false, headers: {accept: 'application/json'}}, response => {
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > options.maxBytes) {
				finish(new Error(`${url} answered ${declared} bytes, over the ${options.maxBytes}-byte cap`));
				return;
			}

			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > options.maxBytes) {
					finish(new Error(`${url} sent more than the ${options.maxBytes}-byte cap`));
					return;
				}

				chunks.push(chunk);
			});
			response.on('end', () => {
				finish(null, {status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', body: Buffer.concat(chunks)});
			});
			response.on('error', error => finish(new Error(`${url}: ${describeSocketError(error)}`)));
			response.on('close', () => {
				if (!response.complete) {
					finish(new Error(`${url}: connection closed mid-answer`));
				}
			});
		});
		request.on('error', error => finish(new Error(`${url}: ${describeSocketError(error)}`)));
		if (options.signal?.aborted) {
			onAbort();
		} else {
			options.signal?.addEventListener('abort', onAbort);
		}
	});
}

function describeSocketError(error: Error & {code?: string}): string {
	switch (error.code) {
		case 'ECONNREFUSED': {
			return 'connection refused (nothing listens there)';
		}

		case 'ECONNRESET': {
			return 'connection reset by the server';
		}

		case 'ENOTFOUND': {
			return 'host not found';
		}

		default: {
			return error.message;
		}
	}
}
