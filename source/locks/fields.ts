import {isSecretKey} from '../text/redact.js';

/** A record field with the wrong type or value; parseLock turns it into an error string. */
export class FieldError extends Error {}

/** A value as an error message shows it. */
export function describe(value: unknown): string {
	if (value === undefined) {
		return 'nothing (it is missing)';
	}

	if (value === null) {
		return 'null';
	}

	if (Array.isArray(value)) {
		return 'an array';
	}

	if (typeof value === 'string') {
		const chars = [...value];
		const quoted = JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value);
		// JSON escapes C0 controls but not DEL and C1: those too, so a reason never carries a raw one.
		return `the string ${quoted.replaceAll(/[\u007F-\u009F]/g, character => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)}`;
	}

	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The type of a value, never the value: what an error may say about a secret-looking field. */
function describeType(value: unknown): string {
	if (value === undefined || value === null || Array.isArray(value)) {
		return describe(value);
	}

	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A wrong field, in words. A text `token` (a fencing token is a number: text there is somebody's
 * credential) or a secret-looking field is described by its type only, so the reason never shows it.
 */
export function fieldProblem(field: string, expected: string, value: unknown): string {
	const secret = isSecretKey(field) || (field === 'token' && typeof value === 'string');
	return `field "${field}" must be ${expected}, got ${secret ? describeType(value) : describe(value)}`;
}

/** A wrong field that makes the whole record unreadable: thrown, and caught by parseLock. */
export function fieldError(field: string, expected: string, value: unknown): never {
	throw new FieldError(fieldProblem(field, expected, value));
}

/**
 * The largest PID a record may name: the largest positive pid_t (2^31 - 1). Linux never hands
 * out more than 2^22 and Windows stays far below this too; Node's process.kill refuses anything
 * past it, so a larger value could only ever end in an exception, never in a holder.
 */
export const maxPid = 2_147_483_647;

export const pidExpectation = `a positive integer no larger than ${maxPid}`;

/** PID 0 and negatives are process groups to kill(2), never a holder; past maxPid no process exists. */
export function isPositivePid(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= maxPid;
}

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001F\u007F-\u009F]/;

/** Text with a control character (a NUL, an escape, a newline) cannot be an account, a boot id or a token. */
export function hasControlCharacters(text: string): boolean {
	return controlCharacters.test(text);
}

/**
 * Notes on fields that were present but unusable and so read as null, each naming the field and
 * what it held: judging adds them to the lock's reason.
 */
export type Ignored = string[];

/**
 * Informational text (account, command, boot id, a v1 name): a wrong type is dropped with a note,
 * never fatal, so a live holder is still judged by its identity. A number reads as its digits (an
 * account number written as a JSON number). Text with control characters (a NUL, an escape) is
 * no account or boot id; a command line may hold them and is kept (every face escapes it).
 */
export function optionalText(value: unknown, field: string, ignored: Ignored, options: {allowControls?: boolean} = {}): string | null {
	if (value === undefined || value === null) {
		return null;
	}

	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
	if (typeof text !== 'string') {
		ignored.push(fieldProblem(field, 'a string or null', value));
		return null;
	}

	if (options.allowControls !== true && hasControlCharacters(text)) {
		ignored.push(fieldProblem(field, 'text without control characters', value));
		return null;
	}

	return text;
}


/** A judgement whose reason also names the fields that were ignored, so the operator sees what did not count. */
export function withIgnoredFields<T extends {reason: string}>(judgement: T, ignored: readonly string[] | undefined): T {
	return ignored === undefined || ignored.length === 0 ? judgement : {...judgement, reason: `${judgement.reason} (ignored: ${ignored.join('; ')})`};
}
