/**
 * Keeps secrets that operators put in config (API keys in `env`, broker passwords, tokens in
 * URLs or argv) out of every output: the TUI, `--json`, `config check`, logs and errors.
 */

export const redacted = '[redacted]';

const secretPattern = /pass(word)?|token|secret|key|credential|api[-_]?key/i;

/**
 * Field names of fleetdeck's own output that contain a secret-looking word but hold no secret:
 * the process identity (`startToken`), a health limit and a snapshot timestamp. Redacting them
 * would break the `--json` contract. Case matters: an env var `STARTTOKEN` is the user's, not ours.
 */
const ownFields: ReadonlySet<string> = new Set(['startToken', 'token', 'maxCredentialAgeSeconds', 'credentialsRefreshedAt']);

/** True when a key names a secret (a password, token, API key…) rather than one of fleetdeck's own fields. */
export function isSecretKey(key: string): boolean {
	return secretPattern.test(key) && !ownFields.has(key);
}

/**
 * Whether the value under `key` must be hidden. A lock's `token` is its fencing number and stays;
 * a `token` holding text is somebody's credential.
 */
function isSecretEntry(key: string, value: unknown): boolean {
	return isSecretKey(key) || (key === 'token' && typeof value === 'string');
}

/** An http(s) URL without its password and without the values of secret-looking query parameters. */
export function redactUrl(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return text;
	}

	let changed = false;
	if (url.password !== '') {
		url.password = redacted;
		changed = true;
	}

	for (const name of [...url.searchParams.keys()]) {
		if (isSecretEntry(name, url.searchParams.get(name))) {
			url.searchParams.set(name, redacted);
			changed = true;
		}
	}

	return changed ? url.toString() : text;
}

function isSecretOption(option: string): boolean {
	return isSecretEntry(option.replace(/^-+/, ''), '');
}

/**
 * argv with the values of secret-looking options hidden: `--password x`, `--api-key=x`, `-token x`.
 * Positional arguments cannot be judged and are kept.
 */
export function redactArgv(argv: readonly string[]): string[] {
	return argv.map((argument, index) => {
		const option = /^(-{1,2}[^=\s]+)=/.exec(argument)?.[1];
		if (option !== undefined && isSecretOption(option)) {
			return `${option}=${redacted}`;
		}

		const previous = index > 0 ? argv[index - 1] : undefined;
		return previous !== undefined && /^-{1,2}[^=\s]+$/.test(previous) && isSecretOption(previous) ? redacted : argument;
	});
}

/** A command line (one string, as in lock records) with the values of secret-looking options hidden. */
export function redactCommandLine(text: string): string {
	// Shell-like words: a quoted part keeps its spaces, so `--password "a b"` hides all of "a b".
	const words = [...text.matchAll(/(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g)];
	const hidden = redactArgv(words.map((word) => word[0]));
	let result = '';
	let end = 0;
	for (const [index, word] of words.entries()) {
		result += text.slice(end, word.index) + (hidden[index] ?? word[0]);
		end = word.index + word[0].length;
	}

	return result + text.slice(end);
}

/** Keys whose value is a command: a lock's command line, a component's argv. */
const commandKeys: ReadonlySet<string> = new Set(['command', 'argv', 'cmd']);

function copy(value: unknown, seen: WeakMap<object, unknown>, key = ''): unknown {
	if (commandKeys.has(key)) {
		if (typeof value === 'string') {
			return redactCommandLine(value);
		}

		if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
			return redactArgv(value);
		}
	}

	if (typeof value === 'string') {
		return /^https?:\/\//i.test(value) ? redactUrl(value) : value;
	}

	if (typeof value !== 'object' || value === null) {
		return value;
	}

	if (seen.has(value)) {
		return seen.get(value);
	}

	if (value instanceof Date) {
		return new Date(value.getTime());
	}

	if (Array.isArray(value)) {
		const result: unknown[] = [];
		seen.set(value, result);
		for (const item of value) {
			result.push(copy(item, seen));
		}

		return result;
	}

	const prototype: unknown = Object.getPrototypeOf(value);
	if (prototype !== Object.prototype && prototype !== null) {
		// Class instances (errors, handles, a component's compiled match) are not config data; they
		// are passed through as they are.
		return value;
	}

	const result: Record<string, unknown> = {};
	seen.set(value, result);
	for (const [key, entry] of Object.entries(value)) {
		result[key] = isSecretEntry(key, entry) ? redacted : copy(entry, seen, key);
	}

	return result;
}

/**
 * A deep copy of `value` with every secret replaced by "[redacted]": values under secret-looking
 * keys at any depth (so `env: {API_KEY: …}` too), passwords and secret query parameters in URLs,
 * values of secret-looking options in commands (`command`, `argv`, `cmd`).
 */
export function redact<T>(value: T): T {
	return copy(value, new WeakMap()) as T;
}
