import type * as z from 'zod';
import {formatPath, type ConfigIssue} from './errors.js';
import {keysAt} from './schema.js';

/**
 * Turns zod's issues into `ConfigIssue`s worded as "expected …". Messages are built from the
 * issue's kind and the *type* of what was found, never from the value: a wrong-typed password
 * must not be echoed to a terminal or a log.
 */

const typeNames: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	int: 'an integer',
	boolean: 'true or false',
	array: 'an array',
	object: 'an object',
	record: 'an object',
	null: 'null',
};

function describeType(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	if (Array.isArray(value)) {
		return 'an array';
	}

	if (typeof value === 'number' && !Number.isInteger(value)) {
		return 'a fraction';
	}

	return typeNames[typeof value] ?? typeof value;
}

function bound(issue: {minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; origin: string}): string {
	const low = issue.minimum !== undefined;
	const limit = Number(low ? issue.minimum : issue.maximum);
	if (issue.origin === 'array') {
		return low && limit === 1 ? 'a non-empty array' : `an array of ${low ? 'at least' : 'at most'} ${limit} items`;
	}

	if (issue.origin === 'string') {
		return low && limit === 1 ? 'a non-empty string' : `a string of ${low ? 'at least' : 'at most'} ${limit} characters`;
	}

	const operator = low ? (issue.inclusive ? '>=' : '>') : (issue.inclusive ? '<=' : '<');
	return `${issue.origin === 'int' ? 'an integer' : 'a number'} ${operator} ${limit}`;
}

/** Per-parse error map: the text after "expected" for issues a schema did not word itself. */
export function expectedText(issue: z.core.$ZodRawIssue): string | undefined {
	switch (issue.code) {
		case 'invalid_type': {
			const wanted = typeNames[issue.expected] ?? issue.expected;
			return issue.input === undefined ? `${wanted} (required)` : `${wanted}, got ${describeType(issue.input)}`;
		}

		case 'too_small':
		case 'too_big': {
			return bound(issue);
		}

		case 'invalid_key': {
			return issue.issues[0]?.message;
		}

		case 'invalid_value': {
			return `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
		}

		default: {
			return undefined;
		}
	}
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
			current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
		}

		previous = current;
	}

	return previous[b.length] ?? 0;
}

function unknownKeyExpected(key: string, known: readonly string[]): string {
	const closest = known
		.map((candidate) => ({candidate, distance: editDistance(key, candidate)}))
		.sort((a, b) => a.distance - b.distance)[0];
	if (closest !== undefined && closest.distance <= Math.max(2, Math.floor(key.length / 4))) {
		return `a known key (did you mean "${closest.candidate}"?)`;
	}

	return known.length > 0 ? `a known key (one of ${known.join(', ')})` : 'a known key';
}

export function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
	return issues.flatMap((issue): ConfigIssue[] => {
		if (issue.code === 'unrecognized_keys') {
			const known = keysAt(issue.path);
			return issue.keys.map((key) => ({path: formatPath([...issue.path, key]), expected: unknownKeyExpected(key, known)}));
		}

		return [{path: formatPath(issue.path), expected: issue.message}];
	});
}
