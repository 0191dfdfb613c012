import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {inferredMatch, inferredSpec} from '../../source/fleet/infer.js';

test('an inferred match finds the bot by its script or executable, or its supervisor, in any case', () => {
	const brain = inferredMatch('BRAIN_ATLAS');
	for (const command of [
		'python BRAIN_ATLAS.py',
		'python /srv/bots/BRAIN_ATLAS.py --live',
		String.raw`C:\bots\BRAIN_ATLAS.exe`,
		'node dist/cli.js run BRAIN_ATLAS -- python BRAIN_ATLAS.py',
		'python brain_atlas.PY',
		'BRAIN_ATLAS',
		'BRAIN_ATLAS\t--flag',
	]) {
		assert.ok(brain.test(command), command);
	}

	for (const command of ['tail -f logs/BRAIN_ATLAS.log', 'python BRAIN_ATLAS2.py', 'python xBRAIN_ATLAS.py', 'python BRAIN_ATLAS.pyc', 'vim BRAIN_ATLAS.py.bak']) {
		assert.ok(!brain.test(command), command);
	}

	assert.ok(inferredMatch('quantum.server').test('python quantum.server.py'));
	assert.ok(!inferredMatch('quantum.server').test('python quantumXserver.py'), 'a dot in a lock name is literal');
	assert.equal(inferredSpec('BRAIN_ATLAS', 'ATLAS').match.source, brain.source);
});

test('the inferred match means what the lookahead version did, on every command line', () => {
	// The pattern before RE2: `(?=\s|$)` looked at what follows the name; the RE2 pattern consumes it.
	const lookahead = (name: string) => new RegExp(String.raw`(?:^|[\s/\\])${name.replaceAll('.', String.raw`\.`)}(?:\.(?:py|pyw|js|mjs|cjs|ts|sh|exe|rb|pl))?(?=\s|$)`, 'i');
	const pieces = fc.constantFrom('BRAIN_ATLAS', 'brain_atlas', 'BRAIN.X', '.py', '.PY', '.log', '.exe', 'x', ' ', '\t', '/', '\\', '.', '-', 'python', '2');
	fc.assert(fc.property(fc.constantFrom('BRAIN_ATLAS', 'BRAIN.X'), fc.array(pieces, {maxLength: 8}), (name, parts) => {
		const command = parts.join('');
		assert.equal(inferredMatch(name).test(command), lookahead(name).test(command), JSON.stringify(command));
	}), {numRuns: 2000});
});
