import path from 'node:path';

/** One thing wrong with a config file. */
export interface ConfigIssue {
	/**
	 * Where: a JSON path such as `accounts[2].components[0].match`, `(root)` for the whole
	 * document, `(file)` when the file cannot be read, `(json)` when it is not valid JSON.
	 */
	path: string;
	/**
	 * What was expected there, e.g. `at most 86400 (one day), got 2592000`. Quotes from the file
	 * only a number of a bounded field or a piece of a `match` pattern, never a value that could
	 * be a secret.
	 */
	expected: string;
	/** 1-based position of a JSON syntax error. */
	line?: number;
	column?: number;
}

/**
 * A config that cannot be used. The message names the file, the path and what was expected,
 * one issue per line: `fleetdeck.config.json: accounts[2].components[0].match: expected a valid
 * regular expression: missing closing ) in `BRAIN_(ATLAS``. Of the file's values it quotes only
 * numbers of bounded fields and pieces of `match` patterns, so an error on a secret field cannot
 * leak the secret.
 */
export class ConfigError extends Error {
	/** Absolute path of the config file. */
	readonly file: string;
	/** Path of the first issue. */
	readonly path: string;
	/** What the first issue expected. */
	readonly expected: string;
	/** Every issue found, in document order; the first is the one in `path` and `expected`. */
	readonly issues: readonly ConfigIssue[];

	constructor(file: string, issues: readonly [ConfigIssue, ...ConfigIssue[]]) {
		super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
		this.name = 'ConfigError';
		this.file = file;
		this.path = issues[0].path;
		this.expected = issues[0].expected;
		this.issues = issues;
	}
}

/** The file as an operator would type it: relative to the working directory when inside it. */
export function displayFile(file: string): string {
	const relative = path.relative(process.cwd(), file);
	return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

export function formatIssue(file: string, issue: ConfigIssue): string {
	const where = issue.line === undefined ? issue.path : `${issue.path} ${issue.line}:${issue.column ?? 1}`;
	return `${displayFile(file)}: ${where}: expected ${issue.expected}`;
}

/** `['accounts', 2, 'components', 0, 'match']` → `accounts[2].components[0].match`. */
export function formatPath(segments: readonly PropertyKey[]): string {
	let text = '';
	for (const segment of segments) {
		if (typeof segment === 'number') {
			text += `[${segment}]`;
		} else {
			const key = String(segment);
			if (/^[A-Za-z_$][\w$]*$/.test(key)) {
				text += text === '' ? key : `.${key}`;
			} else {
				text += `[${JSON.stringify(key)}]`;
			}
		}
	}

	return text === '' ? '(root)' : text;
}
