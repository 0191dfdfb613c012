import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {findJsonSyntaxError} from '../../source/config/json-syntax.js';

function parses(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

test('finds the first error and its reason without quoting the text', () => {
	const cases: Array<[string, number, string]> = [
		['', 0, 'unexpected end of input'],
		['{"password": hunter2}', 13, 'unexpected character'],
		['{"a": 1,}', 8, 'expected a double-quoted property name'],
		['{"a" 1}', 5, 'expected \':\' after a property name'],
		['{"a": 1 "b": 2}', 8, 'expected \',\' or \'}\' after a property value'],
		['[1 2]', 3, 'expected \',\' or \']\' after an array element'],
		['{"a": "x\\q"}', 8, 'bad escape in a string'],
		['{"a": "x\ny"}', 8, 'a control character in a string (write it as an escape such as \\n)'],
		['{"a": -}', 6, 'invalid number'],
		['{"a": tru}', 6, 'unexpected character'],
		['{} {}', 3, 'unexpected text after the JSON value'],
		['{"a": "never closed', 19, 'unexpected end of input'],
	];
	for (const [text, offset, reason] of cases) {
		assert.deepEqual(findJsonSyntaxError(text), {offset, reason}, text);
	}
});

test('agrees with JSON.parse on valid documents', () => {
	fc.assert(
		fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
			assert.equal(findJsonSyntaxError(JSON.stringify(value, null, indent)), undefined);
		}),
	);
});

test('agrees with JSON.parse on whether arbitrary text is JSON', () => {
	const alphabet = fc.constantFrom(...'{}[]:,"\\ \n\t-+.0123456789eEtruefalsn/u'.split(''), 'true', 'null', '"a"');
	fc.assert(
		fc.property(fc.array(alphabet, {maxLength: 24}), (parts) => {
			const text = parts.join('');
			assert.equal(findJsonSyntaxError(text) === undefined, parses(text), JSON.stringify(text));
		}),
		{numRuns: 3000},
	);
});
