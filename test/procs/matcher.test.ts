import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {RE2JS} from 're2js';
import {compileMatch, escapePattern, matchedCommandLineChars, tryCompileMatch} from '../../source/procs/matcher.js';

const unsupported = 'patterns run on RE2, in linear time; see README "Matching processes"';

test('a matcher finds its pattern anywhere in a command line, case-sensitively unless asked', () => {
	const brain = compileMatch(String.raw`BRAIN_ATLAS\.py`);
	assert.equal(brain.source, String.raw`BRAIN_ATLAS\.py`);
	assert.ok(brain.test('python /srv/BRAIN_ATLAS.py --live'));
	assert.ok(!brain.test('python /srv/brain_atlas.py'));
	assert.ok(!brain.test('python BRAIN_ATLASxpy'));
	assert.ok(compileMatch(String.raw`BRAIN_ATLAS\.py`, {ignoreCase: true}).test('python brain_atlas.PY'));
	assert.ok(compileMatch(String.raw`(?i)brain_atlas`).test('BRAIN_ATLAS'), 'RE2 inline flags work');
	const watchdog = compileMatch(String.raw`STOPLOSS_WATCHDOG_V2\.py.*--account[= ]ATLAS\b`);
	assert.ok(watchdog.test('python STOPLOSS_WATCHDOG_V2.py --account=ATLAS'));
	assert.ok(!watchdog.test('python STOPLOSS_WATCHDOG_V2.py --account ATLAS2'));
});

test('catastrophic patterns for a backtracking engine finish, with the right answer', () => {
	const nested = compileMatch('^(a+)+$');
	assert.ok(nested.test('aaaa'));
	// Within the cap, so the whole line is seen (V8 would need about 2^30000 steps here).
	assert.ok(!nested.test(`${'a'.repeat(30_000)}!`));
	const alternation = compileMatch('^(a|a)*b$');
	assert.ok(!alternation.test('a'.repeat(30_000)));
	assert.ok(alternation.test('aab'));
});

test('only the first 32 KiB of a command line is matched, as if it ended there', () => {
	assert.equal(matchedCommandLineChars, 32_768);
	const tail = compileMatch('--account ATLAS');
	const padding = 'x'.repeat(matchedCommandLineChars);
	assert.ok(tail.test(`python bot.py --account ATLAS ${padding}`));
	assert.ok(!tail.test(`python bot.py ${padding} --account ATLAS`), 'words past the cap are not seen');
	const end = compileMatch('x$');
	assert.ok(end.test(`${padding}yyyy`), '$ matches at the cut');
	assert.ok(compileMatch('a').test('\uD800a'), 'a lone surrogate is no error');
});

test('lookarounds and backreferences are refused, saying why', () => {
	const refusals: Array<[string, string]> = [
		['BRAIN(?=\\.py)', `a pattern RE2 can run: lookahead \`(?=\` is not supported (${unsupported})`],
		['BRAIN(?!_OLD)', `a pattern RE2 can run: lookahead \`(?!\` is not supported (${unsupported})`],
		['(?<=python )BRAIN', `a pattern RE2 can run: lookbehind \`(?<=\` is not supported (${unsupported})`],
		['(?<!sudo )BRAIN', `a pattern RE2 can run: lookbehind \`(?<!\` is not supported (${unsupported})`],
		[String.raw`(BRAIN)_\1`, `a pattern RE2 can run: backreference \`\\1\` is not supported (${unsupported})`],
		[String.raw`(?<n>BRAIN)\k<n>`, `a pattern RE2 can run: a named backreference is not supported (${unsupported})`],
	];
	for (const [source, expected] of refusals) {
		assert.deepEqual(tryCompileMatch(source), {ok: false, expected}, source);
	}
});

test('syntax errors name the fault and where', () => {
	assert.deepEqual(tryCompileMatch('BRAIN_(ATLAS'), {ok: false, expected: 'a valid regular expression: missing closing ) in `BRAIN_(ATLAS`'});
	assert.deepEqual(tryCompileMatch('BRAIN['), {ok: false, expected: 'a valid regular expression: missing closing ] in `[`'});
	assert.deepEqual(tryCompileMatch('BRAIN\\'), {ok: false, expected: 'a valid regular expression: trailing backslash at end of expression'});
	assert.deepEqual(tryCompileMatch(String.raw`\u0041`), {ok: false, expected: 'a valid regular expression: `\\uXXXX` is written `\\x{XXXX}` in RE2'});
	assert.deepEqual(tryCompileMatch('a{2000}'), {ok: false, expected: 'a valid regular expression: repeat counts are at most 1000, got `{2000}`'});
	const long = tryCompileMatch(`(${'x'.repeat(100)}`);
	assert.ok(!long.ok && long.expected.endsWith('x…`'), 'a long pattern is cut in the message');
	assert.throws(() => compileMatch('(?=x)'), /^Error: match \/\(\?=x\)\/: expected a pattern RE2 can run: lookahead/);
});

test('escapePattern matches its text literally', () => {
	const text = String.raw`/tmp/demo (1)+[x]{2}.*?^$|\end`;
	const literal = compileMatch(escapePattern(text));
	assert.ok(literal.test(`node bot.js --workspace ${text} --x`));
	assert.ok(!literal.test(`node bot.js --workspace ${text.replace('.', 'x')}`));
});

test('the literal-prefix shortcut never changes an answer', () => {
	// A matcher skips re2js when the command line lacks the literal every match starts with.
	const patterns = [String.raw`BRAIN_ATLAS\.py`, String.raw`STOPLOSS_WATCHDOG_V2\.py.*--account[= ]ATLAS\b`, '^python BRAIN', 'BRAIN(_ATLAS|_FTMO)', 'BRAIN|WATCHDOG', '(?i)brain_atlas', String.raw`\bATLAS$`, 'x*BRAIN_A', 'é+BRAIN'];
	const pieces = fc.constantFrom('BRAIN', '_ATLAS', '_FTMO', 'brain_atlas', '.py', 'STOPLOSS_WATCHDOG_V2.py', ' --account ', '=', 'ATLAS', 'python ', 'x', 'é', ' ', 'WATCHDOG');
	fc.assert(fc.property(fc.constantFrom(...patterns), fc.array(pieces, {maxLength: 10}), (pattern, parts) => {
		const command = parts.join('');
		assert.equal(compileMatch(pattern).test(command), RE2JS.compile(pattern).test(command), `${pattern} on ${JSON.stringify(command)}`);
	}), {numRuns: 3000});
});
