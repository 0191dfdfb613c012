import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {driftSeverity} from '../source/broker/drift.js';
import {exitCode} from '../source/exit-codes.js';
import {
	byHealthLayer,
	componentStates,
	driftClasses,
	driftProblemCodes,
	driftStatuses,
	eventKinds,
	eventLevels,
	healthLayers,
	healthProblemCodes,
	healthRank,
	healthStateLevels,
	healthStates,
	levelExitCodes,
	levelRank,
	levels,
	levelWords,
	problemCodes,
	problemLevels,
	verdictCodes,
	verdictProvesStale,
	worst,
	worstHealth,
	type HealthState,
	type Level,
} from '../source/vocabulary.js';
import {repoRoot} from './helpers/cli.js';

/**
 * The vocabulary's values are public contracts (`--json` fields, Prometheus labels, journal
 * kinds). Each array is pinned here to the document users read, parsed rather than copied, so
 * changing a member means changing the doc too, on purpose.
 */

const snapshotDoc = readFileSync(path.join(repoRoot, 'docs', 'snapshot.md'), 'utf8');
const journalDoc = readFileSync(path.join(repoRoot, 'source', 'journal', 'README.md'), 'utf8');

const ticked = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map(match => match[1]!);

/** The rows of the markdown table whose header line starts with `header`, as trimmed cells. */
function tableRows(markdown: string, header: string): string[][] {
	const lines = markdown.split('\n');
	const start = lines.findIndex(line => line.startsWith(header));
	assert.ok(start !== -1, `a table headed "${header}" in the doc`);
	const rows: string[][] = [];
	for (const line of lines.slice(start + 2)) {
		if (!line.startsWith('|')) {
			break;
		}

		rows.push(line.split('|').slice(1, -1).map(cell => cell.trim()));
	}

	return rows;
}

/** The markdown from `heading` to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
	const start = markdown.indexOf(`\n${heading}\n`);
	assert.ok(start !== -1, `a section "${heading}" in the doc`);
	const rest = markdown.slice(start + heading.length + 2);
	const end = rest.search(/^#{1,2} /m);
	return end === -1 ? rest : rest.slice(0, end);
}

function sameMembers(actual: readonly string[], documented: readonly string[], what: string): void {
	assert.deepEqual([...actual].sort(), [...documented].sort(), `${what}: the vocabulary and the doc list the same members`);
	assert.equal(new Set(actual).size, actual.length, `${what}: no member twice`);
}

test('worst() ranks ok < unknown < warn < crit, and is ok for no candidates', () => {
	assert.equal(worst(), 'ok');
	assert.equal(worst('ok', 'unknown'), 'unknown', 'one unverifiable thing makes a healthy fleet UNKNOWN');
	assert.equal(worst('unknown', 'warn'), 'warn');
	assert.equal(worst('crit', 'unknown', 'warn'), 'crit', 'a crash anywhere is CRITICAL whatever else cannot be verified');
	for (const a of levels) {
		for (const b of levels) {
			const expected = levelRank(a) >= levelRank(b) ? a : b;
			assert.equal(worst(a, b), expected, `worst(${a}, ${b})`);
			assert.equal(worst(b, a), expected, `worst(${b}, ${a})`);
		}
	}
});

test('worstHealth() ranks a health state as the level it counts as: ok < unknown < degraded < down', () => {
	assert.equal(worstHealth(), 'ok');
	assert.deepEqual([...healthStates].sort((a, b) => healthRank(a) - healthRank(b)), ['ok', 'unknown', 'degraded', 'down']);
	for (const a of healthStates) {
		for (const b of healthStates) {
			assert.equal(worstHealth(a, b), worst(healthStateLevels[a], healthStateLevels[b]) === healthStateLevels[a] ? a : b, `worstHealth(${a}, ${b})`);
		}
	}
});

test('levels and their exit codes are the ones docs/snapshot.md documents', () => {
	const rows = tableRows(snapshotDoc, '| level | exit |');
	const documented = rows.map(([level, exit]) => [ticked(level!)[0]!, Number(exit)] as const);
	sameMembers(levels, documented.map(([level]) => level), 'levels');
	assert.deepEqual(Object.fromEntries(documented), levelExitCodes);
	assert.deepEqual(new Set(Object.values(levelExitCodes)), new Set([0, 1, 2, 3]), 'every level has its own exit code');
	for (const level of levels) {
		assert.equal(levelExitCodes[level], exitCode[level], `${level}: the CLI's exit-code table agrees with the vocabulary`);
	}
	const order = /Levels aggregate by severity, ([^:]+):/.exec(snapshotDoc)?.[1];
	assert.deepEqual(ticked(order ?? '')[0]?.split(' < '), [...levels], 'levels are listed from least to most severe, as the doc orders them');
});

test('the level words and the problem levels', () => {
	assert.deepEqual(levelWords, {ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKN'});
	for (const level of levels) {
		assert.ok(levelWords[level].length <= 5, `${level}: fits the --once LEVEL column`);
	}

	const problemRow = tableRows(section(snapshotDoc, '## problem'), '| field | type |').find(([field]) => field === '`level`');
	sameMembers(problemLevels, ticked(problemRow?.[1] ?? ''), 'problem levels');
	assert.deepEqual(problemLevels, ['crit', 'warn', 'unknown'], 'most severe first');
});

test('component states are the ones docs/snapshot.md documents', () => {
	const rows = tableRows(section(snapshotDoc, '## component'), '| state | level |');
	sameMembers(componentStates, rows.map(([state]) => ticked(state!)[0]!), 'component states');
});

test('lock verdicts are the ones docs/snapshot.md documents, and only the stale-* ones prove a holder gone', () => {
	const sentence = /Verdicts \(docs\/lock-protocol\.md defines each\):([^.]+)\./.exec(snapshotDoc)?.[1];
	sameMembers(verdictCodes, ticked(sentence ?? ''), 'verdicts');
	assert.deepEqual(
		verdictCodes.filter(code => verdictProvesStale[code]),
		verdictCodes.filter(code => code.startsWith('stale-')),
	);
	assert.match(snapshotDoc, /Only the four\s+`stale-\*` verdicts prove the holder gone/);
	assert.equal(verdictCodes.filter(code => verdictProvesStale[code]).length, 4);
});

test('problem codes are the ones docs/snapshot.md documents, and each health layer and alarming drift class has its code', () => {
	const rows = tableRows(section(snapshotDoc, '## problem'), '| code | raised when |');
	sameMembers(problemCodes, rows.flatMap(([codes]) => ticked(codes!)), 'problem codes');
	assert.deepEqual(healthProblemCodes, byHealthLayer(layer => `health-${layer}`));
	for (const driftClass of driftClasses) {
		const code = driftProblemCodes[driftClass];
		// The doc: "level per class; `opened-manually` is shown, never raised".
		assert.equal(code === null, driftSeverity[driftClass] === 'info', `${driftClass}: raises a problem exactly when its severity alarms`);
		// DESIGN §9 names the duplicate-trade problem itself; every other class is prefixed drift-.
		assert.equal(code, code === null ? null : driftClass === 'duplicate-trade' ? 'duplicate-trade' : `drift-${driftClass}`);
	}
});

test('health states, their levels and the three layers are the ones docs/snapshot.md documents', () => {
	const health = section(snapshotDoc, '## health');
	const layers = /Each of ([^.]+?) is `\{state, reason\}`/.exec(health)?.[1];
	assert.deepEqual(ticked(layers ?? ''), [...healthLayers], 'the layers, in the documented order');
	const states = /`state` one of ([^(]+)\(mapped to the levels ([^)]+)\)/.exec(health);
	assert.ok(states, 'the doc names the states and their levels');
	const documentedStates = ticked(states[1]!);
	sameMembers(healthStates, documentedStates, 'health states');
	const documentedLevels = states[2]!.split(',').map(word => word.trim()) as Level[];
	assert.deepEqual(Object.fromEntries(documentedStates.map((state, index) => [state, documentedLevels[index]])), healthStateLevels);
	const byLayer = byHealthLayer((layer): HealthState => (layer === 'broker' ? 'down' : 'ok'));
	assert.deepEqual(byLayer, {service: 'ok', connection: 'ok', broker: 'down'});
	assert.deepEqual(Object.keys(byLayer), [...healthLayers]);
});

test('drift classes and statuses are the ones docs/snapshot.md documents', () => {
	const rows = tableRows(section(snapshotDoc, '## drift'), '| field | type |');
	const cell = (field: string) => rows.find(([name]) => name === `\`${field}\``)?.[1] ?? '';
	sameMembers(driftClasses, ticked(cell('class')), 'drift classes');
	sameMembers(driftStatuses, ticked(cell('status')), 'drift statuses');
});

test('journal event kinds and levels are the ones source/journal/README.md documents', () => {
	const events = section(journalDoc, '## Events');
	const kindList = /Kinds come in families([\s\S]*?)What the report reads/.exec(events)?.[1] ?? '';
	const families = ticked(kindList).filter(token => /^[a-z]+\.[a-z-]+(\|[a-z-]+)*$/.test(token));
	const documented = families.flatMap(token => {
		const [family, first] = token.split('.') as [string, string];
		return first.split('|').map(kind => `${family}.${kind}`);
	});
	// A kind may be named again in a note beside its family (`lock.heartbeat`: …).
	sameMembers(eventKinds, [...new Set(documented)], 'event kinds');
	const level = /`level` \(([^;]+);/.exec(events)?.[1];
	assert.deepEqual([...eventLevels], ticked(level ?? ''), 'event levels, quietest first as the README lists them (drift ranks its severities by this order)');
});

test('the vocabulary sits at the bottom of the tree: it imports nothing', () => {
	const text = readFileSync(path.join(repoRoot, 'source', 'vocabulary.ts'), 'utf8');
	assert.deepEqual(text.match(/^\s*(import|export .* from)\b.*$/gm) ?? [], []);
});
