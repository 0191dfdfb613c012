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
		return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
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
export function fieldError(field: string, expected: string, value: unknown): never {
	const secret = isSecretKey(field) || (field === 'token' && typeof value === 'string');
	throw new FieldError(`field "${field}" must be ${expected}, got ${secret ? describeType(value) : describe(value)}`);
}

/** PID 0 and negatives are process groups to kill(2), never a holder. */
export function isPositivePid(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
