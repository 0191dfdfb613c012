import {RE2JS, RE2JSSyntaxException} from 're2js';

/**
 * A component's `match` pattern, ready to test command lines. Every process on the host, whoever
 * started it, is tested against it on every poll: with a backtracking engine a hostile command
 * line (or an unlucky pattern such as `^(a+)+$`) froze `--once` and the deck for minutes. These
 * run on RE2 (re2js), whose time is linear in the text, and see at most
 * {@link matchedCommandLineChars} characters of it.
 */
export interface Matcher {
	/** The pattern as written (or inferred), for messages: `/source/`. */
	readonly source: string;
	/** Whether the pattern occurs in the command line (its first {@link matchedCommandLineChars} characters). */
	test(commandLine: string): boolean;
}

/**
 * How much of a command line a pattern sees: 32 KiB, just above Windows' own limit of 32,767
 * characters, so on Windows every command line is matched whole. Linux allows far longer ones
 * (any local user can start a process with a megabyte of arguments); without a cap each of
 * them would cost every pattern of the fleet a full scan on every poll. A longer command line is
 * matched on its first 32,768 characters, as if it ended there.
 */
export const matchedCommandLineChars = 32_768;

/** Options of {@link compileMatch}. */
export interface MatchOptions {
	/** Letters match either case (the patterns fleetdeck infers from lock names use this). Default false. */
	ignoreCase?: boolean;
}

/** What a pattern was refused for, worded as what was expected (the config's error style). */
export type MatchCompilation = {ok: true; matcher: Matcher} | {ok: false; expected: string};

class Re2Matcher implements Matcher {
	readonly source: string;
	readonly #pattern: RE2JS;
	/**
	 * The literal every match starts with, as RE2 computed it (`BRAIN_ATLAS.py` for
	 * `BRAIN_ATLAS\.py`); '' when there is none. A poll tests every pattern against every process
	 * (5 million tests for 500 accounts), and a command line without this text cannot match:
	 * `includes` rejects it several times faster than a call into re2js.
	 */
	readonly #required: string;

	constructor(source: string, pattern: RE2JS) {
		this.source = source;
		this.#pattern = pattern;
		const prefix: unknown = pattern.re2().prefix;
		this.#required = typeof prefix === 'string' ? prefix : '';
	}

	test(commandLine: string): boolean {
		const text = commandLine.length > matchedCommandLineChars ? commandLine.slice(0, matchedCommandLineChars) : commandLine;
		return text.includes(this.#required) && this.#pattern.test(text);
	}
}

const unsupportedNote = 'patterns run on RE2, in linear time; see README "Matching processes"';

/** A fragment of the pattern for an error, short enough for one line. */
function fragment(text: string): string {
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** RE2's complaint, in the words of a JavaScript regex writer where the two dialects part. */
function describeSyntaxError(error: RE2JSSyntaxException): string {
	const at = error.input ?? '';
	const unsupported = (what: string) => `a pattern RE2 can run: ${what} is not supported (${unsupportedNote})`;
	if (at.startsWith('(?=') || at.startsWith('(?!')) {
		return unsupported(`lookahead \`${at.slice(0, 3)}\``);
	}

	if (at.startsWith('(?<=') || at.startsWith('(?<!')) {
		return unsupported(`lookbehind \`${at.slice(0, 4)}\``);
	}

	if (/^\\[1-9]/.test(at)) {
		return unsupported(`backreference \`${at}\``);
	}

	if (at === '\\k' || at.startsWith('(?P=')) {
		return unsupported('a named backreference');
	}

	if (at === '\\u') {
		return 'a valid regular expression: `\\uXXXX` is written `\\x{XXXX}` in RE2';
	}

	if (error.error === 'invalid repeat count') {
		return `a valid regular expression: repeat counts are at most 1000, got \`${fragment(at)}\``;
	}

	return at === '' ? `a valid regular expression: ${error.error}` : `a valid regular expression: ${error.error} in \`${fragment(at)}\``;
}

/** Compile a pattern for RE2, or say why it cannot be (lookarounds, backreferences, bad syntax). */
export function tryCompileMatch(source: string, options: MatchOptions = {}): MatchCompilation {
	try {
		return {ok: true, matcher: new Re2Matcher(source, RE2JS.compile(source, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0))};
	} catch (error) {
		if (error instanceof RE2JSSyntaxException) {
			return {ok: false, expected: describeSyntaxError(error)};
		}

		throw error;
	}
}

/** Compile a pattern already known to be valid (checked by the config schema, or built by fleetdeck). */
export function compileMatch(source: string, options: MatchOptions = {}): Matcher {
	const compiled = tryCompileMatch(source, options);
	if (!compiled.ok) {
		throw new Error(`match /${source}/: expected ${compiled.expected}`);
	}

	return compiled.matcher;
}

/** `text` as a pattern that matches exactly it (RE2 syntax, readable in messages unlike `\Q…\E`). */
export function escapePattern(text: string): string {
	return text.replaceAll(/[\\^$.|?*+()[\]{}]/g, String.raw`\$&`);
}
