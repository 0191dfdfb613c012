/**
 * Where and why a text is not JSON. V8's own messages quote the text around the error
 * (`Unexpected token 'h', ..."password": hunter2}" is not valid JSON`), which would print a
 * mistyped secret, and give no position for some errors; so the config loader locates the
 * error itself with this small scanner of the JSON grammar (RFC 8259).
 */

export interface JsonSyntaxError {
	/** Character offset of the error. */
	offset: number;
	/** What is wrong, in words that never quote the text. */
	reason: string;
}

class Stop {
	constructor(readonly error: JsonSyntaxError) {}
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
	let index = 0;

	const fail = (reason: string): never => {
		throw new Stop({offset: index, reason: index >= text.length ? 'unexpected end of input' : reason});
	};

	const skipSpace = () => {
		while (index < text.length && ' \t\n\r'.includes(text.charAt(index))) {
			index++;
		}
	};

	const string = () => {
		index++;
		for (;;) {
			if (index >= text.length) {
				fail('unexpected end of input');
			}

			const char = text.charAt(index);
			if (char === '"') {
				index++;
				return;
			}

			if (char === '\\') {
				const escape = text.charAt(index + 1);
				if (escape === 'u' && /^[\da-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
					index += 6;
				} else if (escape !== '' && '"\\/bfnrt'.includes(escape)) {
					index += 2;
				} else {
					fail('bad escape in a string');
				}
			} else if (char < ' ') {
				fail('a control character in a string (write it as an escape such as \\n)');
			} else {
				index++;
			}
		}
	};

	const value = (): void => {
		skipSpace();
		const char = text.charAt(index);
		if (char === '{') {
			members('}', 'a property value', () => {
				if (text.charAt(index) !== '"') {
					fail('expected a double-quoted property name');
				}

				string();
				skipSpace();
				if (text.charAt(index) !== ':') {
					fail('expected \':\' after a property name');
				}

				index++;
				value();
			});
		} else if (char === '[') {
			members(']', 'an array element', value);
		} else if (char === '"') {
			string();
		} else if (char === '-' || (char >= '0' && char <= '9')) {
			numberPattern.lastIndex = index;
			if (!numberPattern.test(text)) {
				fail('invalid number');
			}

			index = numberPattern.lastIndex;
		} else {
			const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, index));
			if (literal === undefined) {
				fail('unexpected character');
			} else {
				index += literal.length;
			}
		}
	};

	/** The inside of `{…}` or `[…]`, starting at its opening bracket. */
	const members = (close: string, after: string, member: () => void) => {
		index++;
		skipSpace();
		if (text.charAt(index) === close) {
			index++;
			return;
		}

		for (;;) {
			skipSpace();
			member();
			skipSpace();
			const char = text.charAt(index);
			if (char === close) {
				index++;
				return;
			}

			if (char !== ',') {
				fail(`expected ',' or '${close}' after ${after}`);
			}

			index++;
		}
	};

	try {
		value();
		skipSpace();
		if (index < text.length) {
			fail('unexpected text after the JSON value');
		}

		return undefined;
	} catch (error) {
		if (error instanceof Stop) {
			return error.error;
		}

		throw error;
	}
}
