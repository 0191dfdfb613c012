/**
 * Generators of lockfile contents an attacker or a buggy writer could leave in the locks
 * directory: arbitrary bytes, arbitrary JSON, and records that are nearly right (version 1 and
 * every legacy format, any key case, any encoding) with hostile values in any field.
 */
import fc from 'fast-check';

/** Who the well-formed parts of a near-valid record name as the holder. */
export interface HolderFacts {
	pid: number;
	hostname: string;
	bootId: string | null;
	startToken: string | null;
	/** An ISO time after the host's boot, for the record's own timestamps. */
	takenAt: string;
}

/** A number as raw JSON text: including what JSON.stringify cannot write (1e999, -0, 30 digits). */
const rawNumber: fc.Arbitrary<string> = fc.oneof(
	fc.integer().map(String),
	fc.double({noNaN: true, noDefaultInfinity: true}).map(value => JSON.stringify(value)),
	fc.bigInt({min: -(10n ** 40n), max: 10n ** 40n}).map(String),
	fc.constantFrom(
		'0', '-0', '-1', '1', '1.5', '1e25', '1e999', '-1e999', '1e-999', '2147483647', '2147483648', '4294967296', '9007199254740993',
		// A time in every unit, and between them.
		'1796228591', '1796228591.25', '1796228591063', '1796228591063730', '1796228591063730501', '50000000000', '1e18', '8.64e15', '8.64e15', '-8.64e15',
	),
);

/** Text no field expects: controls, lone surrogates, invisible and wide characters, near-dates, near-numbers. */
const nastyText = fc.constantFrom(
	'', ' ', '\u0000', 'a\u0000b', '\u001B[2J', '\u001B]52;c;cHduZWQ=\u0007', 'line\nbreak', '\r\n', '\u0085', '\u009B31m', '\u2028', '\uD800', '\uFFFF', '𝕏', 'ＡＢＣ', '\u202Eevil',
	'9999-12-31T23:59:59Z', '0000-00-00T00:00:00Z', '2026-02-30T00:00:00Z', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-11-22T18:00:00+99:99',
	'2026-11-22 18:00:00', '2026-11-22T18:00:00.123456789', '2199-12-31T23:59:59.999-23:59',
	'1e999', '-5', ' 42 ', '00042', '+7', '1796228591063730501', 'NaN', 'Infinity', 'null', 'true', '__proto__', 'constructor', 'toString',
	'x'.repeat(3000), '9'.repeat(400),
);

const rawString: fc.Arbitrary<string> = fc.oneof(nastyText, fc.string({maxLength: 40}), fc.string({unit: 'binary', maxLength: 40})).map(text => JSON.stringify(text));

/** Nesting as deep as 4 KiB allows and more (past it the file is simply too large). */
const rawDeep: fc.Arbitrary<string> = fc.tuple(fc.integer({min: 1, max: 900}), fc.boolean()).map(([depth, array]) => (array ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

const rawLeaf: fc.Arbitrary<string> = fc.oneof(rawNumber, rawString, fc.constantFrom('true', 'false', 'null', '{}', '[]'));

/** Any JSON value as text: leaves, small arrays and objects of them, deep nesting, fast-check's own JSON. */
export const rawValue: fc.Arbitrary<string> = fc.oneof(
	{weight: 4, arbitrary: rawLeaf},
	{weight: 1, arbitrary: fc.array(rawLeaf, {maxLength: 4}).map(items => `[${items.join(',')}]`)},
	{weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('pid', 'startToken', 'code', 'at', 'state', 'restarts', 'a'), rawLeaf), {maxLength: 4}).map(pairs => `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`)},
	{weight: 1, arbitrary: rawDeep},
	{weight: 1, arbitrary: fc.jsonValue({maxDepth: 3}).map(value => JSON.stringify(value))},
);

/** A field's value: the good one most of the time, else hostile, else left out. */
function field(good: string): fc.Arbitrary<string | undefined> {
	return fc.oneof({weight: 3, arbitrary: fc.constant(good)}, {weight: 2, arbitrary: rawValue}, {weight: 1, arbitrary: fc.constant(undefined)});
}

function object(entries: Array<[string, string | undefined]>): string {
	return `{${entries.filter((entry): entry is [string, string] => entry[1] !== undefined).map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** The v1 keys with well-formed values for `holder`. */
export function v1Fields(holder: HolderFacts): Array<[string, string]> {
	return [
		['v', '1'],
		['name', '"H"'],
		['pid', String(holder.pid)],
		['account', '"ATLAS"'],
		['hostname', JSON.stringify(holder.hostname)],
		['bootId', JSON.stringify(holder.bootId)],
		['startToken', JSON.stringify(holder.startToken)],
		['createdAt', JSON.stringify(holder.takenAt)],
		['heartbeatAt', JSON.stringify(holder.takenAt)],
		['token', '3'],
		['command', '"python BOT.py"'],
		['child', 'null'],
		['supervisor', '{"state":"running","restarts":0,"nextStartAt":null,"lastExit":null}'],
	];
}

/** A version 1 record with any of its fields hostile or missing, and unknown keys added. */
export function nearV1(holder: HolderFacts): fc.Arbitrary<string> {
	return fc
		.tuple(fc.tuple(...v1Fields(holder).map(([key, good]) => field(good).map(value => [key, value] as [string, string | undefined]))), fc.array(fc.tuple(fc.string({maxLength: 6}), rawValue), {maxLength: 2}))
		.map(([entries, extra]) => object([...entries, ...extra]));
}

/** Each legacy key in any letter case. */
function anyCase(key: string): fc.Arbitrary<string> {
	return fc.array(fc.boolean(), {minLength: key.length, maxLength: key.length}).map(upper => [...key].map((character, index) => (upper[index] ? character.toUpperCase() : character)).join(''));
}

function legacyEntries(holder: HolderFacts): fc.Arbitrary<Array<[string, string | undefined]>> {
	const good: Array<[string, string]> = [['pid', String(holder.pid)], ['account', '"ATLAS"'], ['timestamp', '1796228591063730501'], ['hostname', JSON.stringify(holder.hostname)]];
	return fc.tuple(...good.map(([key, value]) => fc.tuple(anyCase(key), field(value)))).chain(entries => fc.shuffledSubarray(entries, {minLength: entries.length}));
}

/** A legacy JSON object (no `v`): the four keys in any case and order, any of them hostile. */
export function nearLegacyJson(holder: HolderFacts): fc.Arbitrary<string> {
	return legacyEntries(holder).map(entries => object(entries));
}

/** Legacy `key: value` (or `key=value`) lines, values as bare text or quoted, hostile or not. */
export function nearLegacyLines(holder: HolderFacts): fc.Arbitrary<string> {
	return fc
		.tuple(legacyEntries(holder), fc.constantFrom(': ', '=', ' = ', ':'), fc.constantFrom('\n', '\r\n'), fc.array(fc.constantFrom('# comment', '[lock]', '; note', '', 'junk line'), {maxLength: 2}))
		.map(([entries, separator, eol, noise]) => [
			...noise,
			...entries.filter((entry): entry is [string, string] => entry[1] !== undefined).map(([key, value]) => {
				let text = value;
				try {
					const parsed: unknown = JSON.parse(value);
					text = typeof parsed === 'string' ? parsed : value;
				} catch {}

				return `${key}${separator}${text}`;
			}),
		].join(eol));
}

/** A bare PID, or something that nearly is one. */
export const nearBarePid: fc.Arbitrary<string> = fc.oneof(rawNumber, fc.nat().map(String), fc.constantFrom('  19248 \r\n', '0x1F', '１２３', '19248\u0000', '-0', '+5'));

/** Text to bytes as writers have written it: UTF-8 with or without a BOM, UTF-16 with a BOM, a Windows code page. */
export function encode(text: string): fc.Arbitrary<Buffer> {
	return fc.constantFrom(
		Buffer.from(text),
		Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
		Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
		Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
		Buffer.from(text, 'latin1'),
	);
}

/** Every kind of hostile lockfile content, as bytes. */
export function hostileLockfile(holder: HolderFacts): fc.Arbitrary<Buffer> {
	return fc.oneof(
		{weight: 4, arbitrary: nearV1(holder).chain(text => encode(text))},
		{weight: 2, arbitrary: nearLegacyJson(holder).chain(text => encode(text))},
		{weight: 2, arbitrary: nearLegacyLines(holder).chain(text => encode(text))},
		{weight: 1, arbitrary: nearBarePid.chain(text => encode(text))},
		{weight: 1, arbitrary: rawValue.chain(text => encode(text))},
		{weight: 1, arbitrary: fc.uint8Array({maxLength: 300}).map(bytes => Buffer.from(bytes))},
		{weight: 1, arbitrary: fc.constantFrom(4095, 4096, 4097, 5000).map(size => Buffer.from(`{"pid":1,"x":"${'a'.repeat(Math.max(0, size - 17))}"}`))},
	);
}

/** The fields of each format that only inform: a bad value there must never cost a live holder its lock. */
export const informationalFields = {
	v1: ['name', 'account', 'createdAt', 'heartbeatAt', 'token', 'command', 'supervisor'],
	legacy: ['account', 'timestamp'],
} as const;

const hostileInformation: fc.Arbitrary<string> = fc.oneof(
	fc.jsonValue({maxDepth: 2}).map(value => JSON.stringify(value)),
	fc.constantFrom('1e999', '-1', '0', '1', '1e25', '1796228591063730501', '"9999-12-31T23:59:59Z"', '"1970-01-01T00:00:00Z"', '"2026-02-30T00:00:00Z"', '"\\u0000"', '{"state":"running","restarts":-1}', `${'['.repeat(500)}${']'.repeat(500)}`),
);

/**
 * A well-formed record of `holder` (v1, or legacy JSON naming its PID and host) with one field
 * that only informs replaced by a hostile value: `key` names the field.
 */
export function liveHolderVariant(holder: HolderFacts): fc.Arbitrary<{format: 'v1' | 'legacy'; key: string; text: string}> {
	const v1 = fc.tuple(fc.constantFrom(...informationalFields.v1), hostileInformation).map(([key, value]) => ({
		format: 'v1' as const,
		key,
		text: `{${v1Fields(holder).map(([name, good]) => `${JSON.stringify(name)}:${name === key ? value : good}`).join(',')}}`,
	}));
	const legacy = fc.tuple(fc.constantFrom(...informationalFields.legacy), hostileInformation).map(([key, value]) => ({
		format: 'legacy' as const,
		key,
		text: `{"pid":${holder.pid},"hostname":${JSON.stringify(holder.hostname)},"account":${key === 'account' ? value : '"ATLAS"'},"timestamp":${key === 'timestamp' ? value : JSON.stringify(holder.takenAt)}}`,
	}));
	return fc.oneof(v1, legacy);
}
