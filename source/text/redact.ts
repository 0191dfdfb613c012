/**
 * The one redaction of fleetdeck: secrets that operators put in config (API keys in `env`,
 * broker passwords, tokens in URLs or argv) never reach an output — the deck, `--once` in every
 * format, `config check`, the journal, logs and errors — nor a lockfile, which any local user can
 * read. Every face and the lock record use these rules, so a word counted secret in one place is
 * secret everywhere (DESIGN.md §3).
 */

export const redacted = '[redacted]';

/** Words that name a secret: password, passwd, token, secret, (api)key, credential, auth(orization), signature. */
const secretPattern = /pass|token|secret|key|credential|auth|signature/i;

/**
 * Field names of fleetdeck's own output that contain a secret-looking word but hold no secret:
 * process identities (`startToken`), the journal's fencing number, a health limit and a snapshot
 * timestamp. Redacting them would break the `--json` contract. Case matters: an env var
 * `STARTTOKEN` is the user's, not ours. A lock's `token` is judged by its value (`isSecretEntry`).
 */
const ownFields: ReadonlySet<string> = new Set(['startToken', 'fencingToken', 'token', 'maxCredentialAgeSeconds', 'credentialsRefreshedAt']);

/** True when a key names a secret (a password, token, API key…) rather than one of fleetdeck's own fields. */
export function isSecretKey(key: string): boolean {
	return secretPattern.test(key) && !ownFields.has(key);
}

/**
 * Whether the value under `key` must be hidden. A lock's `token` is its fencing number and stays;
 * a `token` holding text is somebody's credential.
 */
export function isSecretEntry(key: string, value: unknown): boolean {
	return isSecretKey(key) || (key === 'token' && typeof value === 'string');
}

/** `name=value` pairs of a query or fragment, as written (the separator kept in front). */
const parameter = /([?&;#])([^=&;#]*)=([^&;#]*)/g;

function decoded(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		return text;
	}
}

/** What `url` (a whole URL) carries that is secret: its password and the values of secret-looking parameters. */
export function urlSecrets(url: string): string[] {
	const secrets: string[] = [];
	const password = /^[a-z][a-z\d+.-]*:\/\/[^/?#@\s]*?:([^/?#@\s]*)@/i.exec(url)?.[1];
	if (password) {
		secrets.push(password, decoded(password));
	}

	for (const [, , name = '', value = ''] of url.matchAll(parameter)) {
		if (value !== '' && isSecretEntry(decoded(name), value)) {
			secrets.push(value, decoded(value));
		}
	}

	// A one- or two-character value would hide every such letter pair in a message, not a secret.
	return [...new Set(secrets)].filter(secret => secret.length >= 3);
}

/**
 * A URL without its password and without the values of secret-looking query (or fragment)
 * parameters: `http://bridge:pw@host/status?token=t` → `http://bridge:%5Bredacted%5D@host/status?token=%5Bredacted%5D`.
 * A URL the WHATWG parser refuses (a port out of range, say) is still cleaned, by its text.
 */
export function redactUrl(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return text
			.replace(/^([a-z][a-z\d+.-]*:\/\/[^/?#@\s]*?:)[^/?#@\s]*@/i, `$1${redacted}@`)
			.replaceAll(parameter, (whole, separator: string, name: string, value: string) => (value !== '' && isSecretEntry(decoded(name), value) ? `${separator}${name}=${redacted}` : whole));
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

	// OAuth's implicit flow puts `#access_token=…` in the fragment.
	const fragment = new URLSearchParams(url.hash.slice(1));
	if (url.hash.includes('=') && [...fragment.keys()].some(name => isSecretEntry(name, fragment.get(name)))) {
		for (const name of [...fragment.keys()]) {
			if (isSecretEntry(name, fragment.get(name))) {
				fragment.set(name, redacted);
			}
		}

		url.hash = fragment.toString();
		changed = true;
	}

	return changed ? url.toString() : text;
}

function isSecretOption(option: string): boolean {
	return isSecretEntry(option.replace(/^-+/, ''), '');
}

/**
 * argv with the values of secret-looking options hidden: `--password x`, `--api-key=x`, `-token x`,
 * and URLs' passwords and secret parameters. Other positional arguments cannot be judged and are kept.
 */
export function redactArgv(argv: readonly string[]): string[] {
	return argv.map((argument, index) => {
		const option = /^(-{1,2}[^=\s]+)=/.exec(argument)?.[1];
		if (option !== undefined && isSecretOption(option)) {
			return `${option}=${redacted}`;
		}

		const previous = index > 0 ? argv[index - 1] : undefined;
		if (previous !== undefined && /^-{1,2}[^=\s]+$/.test(previous) && isSecretOption(previous)) {
			return redacted;
		}

		return argument.replaceAll(urlInText, url => redactUrl(url));
	});
}

/** A command line (one string, as in lock records) with the values of secret-looking options hidden. */
export function redactCommandLine(text: string): string {
	// Shell-like words: a quoted part keeps its spaces, so `--password "a b"` hides all of "a b".
	const words = [...text.matchAll(/(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g)];
	const hidden = redactArgv(words.map(word => word[0]));
	let result = '';
	let end = 0;
	for (const [index, word] of words.entries()) {
		result += text.slice(end, word.index) + (hidden[index] ?? word[0]);
		end = word.index + word[0].length;
	}

	return result + text.slice(end);
}

/**
 * Anything URL-shaped in free text: `http://user:pw@host/…`, `postgres://…?token=…`. Punctuation
 * after it (`http://h/s?token=t: connection refused`) belongs to the sentence, not to the URL.
 */
const urlInText = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)]/gi;

/**
 * Free text (an error, a reason, an event's message) with what looks secret hidden. It is read
 * the way a command line is, because that is what messages quote: passwords and secret
 * parameters of URLs, values of secret-looking options (`--password hunter2`, `--api-key=x`).
 */
export function redactText(text: string): string {
	return redactCommandLine(text);
}

/**
 * `text` with every occurrence of the given secrets hidden too: what a server or socket error
 * says may echo a URL's token outside the URL (`401 bad token abc`).
 */
export function hideSecrets(text: string, secrets: readonly string[]): string {
	let result = text;
	// Longest first, so a secret that contains another is hidden whole.
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		result = result.replaceAll(secret, redacted);
	}

	return result;
}

/** Keys whose value is a command: a lock's command line, a component's argv. */
export const commandKeys: ReadonlySet<string> = new Set(['command', 'argv', 'cmd']);

function copy(value: unknown, seen: WeakMap<object, unknown>, key = ''): unknown {
	if (commandKeys.has(key)) {
		if (typeof value === 'string') {
			return redactCommandLine(value);
		}

		if (Array.isArray(value) && value.every(item => typeof item === 'string')) {
			return redactArgv(value);
		}
	}

	if (typeof value === 'string') {
		return /^[a-z][a-z\d+.-]*:\/\//i.test(value) ? redactUrl(value) : value;
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
	for (const [entryKey, entry] of Object.entries(value)) {
		result[entryKey] = isSecretEntry(entryKey, entry) ? redacted : copy(entry, seen, entryKey);
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
