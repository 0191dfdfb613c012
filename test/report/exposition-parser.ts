/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, as Prometheus's own
 * `expfmt` text parser reads it, plus what node_exporter's textfile collector adds: no sample
 * timestamps, and a file ending in a line feed. It throws on the first violation, naming the line.
 */

export interface ParsedSample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

export interface ParsedFamily {
	name: string;
	help: string | null;
	type: string;
	samples: ParsedSample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const metricTypes = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const floatText = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|NaN|Inf)$/;

function fail(lineNumber: number, line: string, expected: string): never {
	throw new Error(`line ${lineNumber}: expected ${expected}: ${JSON.stringify(line)}`);
}

function parseValue(text: string, lineNumber: number, line: string): number {
	if (!floatText.test(text)) {
		fail(lineNumber, line, 'a float value');
	}

	if (text === 'NaN') {
		return Number.NaN;
	}

	return text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

/** Label set `{a="x",b="y"}` starting at `text[0] === '{'`; returns the labels and the rest after `}`. */
function parseLabels(text: string, lineNumber: number, line: string): {labels: Record<string, string>; rest: string} {
	const labels: Record<string, string> = {};
	let index = 1;
	for (;;) {
		if (text[index] === '}') {
			return {labels, rest: text.slice(index + 1)};
		}

		const nameMatch = /^[^=]*/.exec(text.slice(index))![0];
		if (!labelName.test(nameMatch) || nameMatch.startsWith('__')) {
			fail(lineNumber, line, `a label name, got "${nameMatch}"`);
		}

		if (Object.hasOwn(labels, nameMatch)) {
			fail(lineNumber, line, `label "${nameMatch}" only once`);
		}

		index += nameMatch.length;
		if (text[index] !== '=' || text[index + 1] !== '"') {
			fail(lineNumber, line, '=" after a label name');
		}

		index += 2;
		let value = '';
		for (;;) {
			const char = text[index];
			if (char === undefined) {
				fail(lineNumber, line, 'a closing quote');
			}

			if (char === '"') {
				index += 1;
				break;
			}

			if (char === '\\') {
				const escaped = text[index + 1];
				if (escaped === '\\' || escaped === '"') {
					value += escaped;
				} else if (escaped === 'n') {
					value += '\n';
				} else {
					fail(lineNumber, line, 'only \\\\, \\" or \\n escapes in a label value');
				}

				index += 2;
				continue;
			}

			value += char;
			index += 1;
		}

		labels[nameMatch] = value;
		if (text[index] === ',') {
			index += 1;
		} else if (text[index] !== '}') {
			fail(lineNumber, line, ', or } after a label value');
		}
	}
}

export function parseExposition(text: string): ParsedFamily[] {
	if (!text.endsWith('\n')) {
		throw new Error('expected the text to end with a line feed');
	}

	const families: ParsedFamily[] = [];
	const byName = new Map<string, ParsedFamily>();
	const seriesSeen = new Set<string>();
	let current: ParsedFamily | null = null;
	const familyFor = (name: string, lineNumber: number, line: string): ParsedFamily => {
		let family = byName.get(name);
		if (family === undefined) {
			family = {name, help: null, type: 'untyped', samples: []};
			byName.set(name, family);
			families.push(family);
		} else if (family !== current) {
			fail(lineNumber, line, `all lines of family ${name} together`);
		}

		current = family;
		return family;
	};

	const lines = text.slice(0, -1).split('\n');
	lines.forEach((line, index) => {
		const lineNumber = index + 1;
		if (line.trim() === '') {
			return;
		}

		if (line.startsWith('#')) {
			const [, keyword, name, ...rest] = line.split(' ');
			if (keyword !== 'HELP' && keyword !== 'TYPE') {
				return;
			}

			if (name === undefined || !metricName.test(name)) {
				fail(lineNumber, line, 'a metric name after # HELP or # TYPE');
			}

			const family = familyFor(name, lineNumber, line);
			if (keyword === 'HELP') {
				if (family.help !== null) {
					fail(lineNumber, line, `one HELP line for ${name}`);
				}

				const help = rest.join(' ');
				if (/\\[^\\n]/.test(help.replaceAll('\\\\', ''))) {
					fail(lineNumber, line, 'only \\\\ and \\n escapes in HELP text');
				}

				family.help = help.replaceAll(/\\(\\|n)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : '\\'));
			} else {
				if (family.samples.length > 0 || family.type !== 'untyped' || rest.length !== 1 || !metricTypes.has(rest[0]!)) {
					fail(lineNumber, line, `one TYPE line for ${name}, before its samples, naming a metric type`);
				}

				family.type = rest[0]!;
			}

			return;
		}

		const name = /^[^{ ]*/.exec(line)![0];
		if (!metricName.test(name)) {
			fail(lineNumber, line, 'a metric name');
		}

		let rest = line.slice(name.length);
		let labels: Record<string, string> = {};
		if (rest.startsWith('{')) {
			({labels, rest} = parseLabels(rest, lineNumber, line));
		}

		const fields = rest.split(' ');
		if (fields[0] !== '' || fields.length < 2) {
			fail(lineNumber, line, 'one space, then the value');
		}

		if (fields.length > 2) {
			fail(lineNumber, line, 'no timestamp (the textfile collector refuses them)');
		}

		const value = parseValue(fields[1]!, lineNumber, line);
		const family = familyFor(name, lineNumber, line);
		const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
		if (seriesSeen.has(key)) {
			fail(lineNumber, line, 'each series once');
		}

		seriesSeen.add(key);
		family.samples.push({name, labels, value});
	});
	return families;
}
