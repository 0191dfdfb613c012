import http from 'node:http';
import https from 'node:https';
import {formatDuration} from '../text/duration.js';
import {hideSecrets, redactText, redactUrl, urlSecrets} from '../text/redact.js';

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
 * and what went wrong; never leaves a socket open behind it (no keep-alive agent). The message
 * shows the URL without its password and secret parameters, and hides their values wherever else
 * they appear (a server may echo its token in an error): these messages reach `--once`, `--json`,
 * the deck and the cron mail the README recommends.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
	try {
		return await getOnce(url, redactUrl(url), options);
	} catch (error) {
		throw new Error(hideSecrets(redactText((error as Error).message), urlSecrets(url)));
	}
}

/** `httpGet` itself; `shown` is the URL as messages may name it. */
async function getOnce(url: string, shown: string, options: HttpGetOptions): Promise<HttpAnswer> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new Error(`${shown} is not a valid URL`);
	}

	const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
	if (client === null) {
		throw new Error(`${shown}: only http: and https: URLs are supported`);
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

		const onAbort = () => finish(new Error(`request to ${shown} was cancelled`));
		const deadline = setTimeout(() => finish(new Error(`no answer from ${shown} within ${formatDuration(options.timeoutMs)}`)), options.timeoutMs);
		const request = client.get(parsed, {agent: false, headers: {accept: 'application/json'}}, response => {
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > options.maxBytes) {
				finish(new Error(`${shown} answered ${declared} bytes, over the ${options.maxBytes}-byte cap`));
				return;
			}

			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > options.maxBytes) {
					finish(new Error(`${shown} sent more than the ${options.maxBytes}-byte cap`));
					return;
				}

				chunks.push(chunk);
			});
			response.on('end', () => {
				finish(null, {status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', body: Buffer.concat(chunks)});
			});
			response.on('error', error => finish(new Error(`${shown}: ${describeSocketError(error)}`)));
			response.on('close', () => {
				if (!response.complete) {
					finish(new Error(`${shown}: connection closed mid-answer`));
				}
			});
		});
		request.on('error', error => finish(new Error(`${shown}: ${describeSocketError(error)}`)));
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
