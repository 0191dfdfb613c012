import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import ts from 'typescript';
import {repoRoot} from './helpers/cli.js';

/**
 * The layering rule (docs/architecture.md, "Layers"): an import runs from a layer to the same
 * layer or a lower one, never upward. The table is read from the doc itself, so the doc and this
 * test cannot disagree; a folder added to source/ must be placed in it before this test passes.
 */

/** One entry of `source/` (`locks/`, `vocabulary.ts`) → its layer. */
type LayerTable = Map<string, {rank: number; layer: string}>;

export interface SourceImport {
	/** As written: `../locks/index.js`. */
	specifier: string;
	/** Erased from the JavaScript: `import type`, or every name imported is `type`. */
	typeOnly: boolean;
	line: number;
}

const tableMarker = '<!-- layer-table: test/architecture.test.ts reads this table -->';

/** The layer table in docs/architecture.md: the rows after the marker, rank first, entries in backticks. */
export function parseLayerTable(doc: string): LayerTable {
	const start = doc.indexOf(tableMarker);
	assert.notEqual(start, -1, `docs/architecture.md has no line "${tableMarker}" before its layer table`);
	const table: LayerTable = new Map();
	for (const row of doc.slice(start + tableMarker.length).trimStart().split('\n')) {
		if (!row.startsWith('|')) {
			break;
		}

		const [first = '', second = ''] = row.split('|').slice(1).map(cell => cell.trim());
		const rank = /^(\d+)\s*(.*)$/.exec(first);
		if (rank === null) {
			continue;
		}

		for (const [, entry] of second.matchAll(/`([^`]+)`/g)) {
			assert.ok(entry !== undefined && !table.has(entry), `docs/architecture.md places ${entry} in two layers`);
			table.set(entry, {rank: Number(rank[1]), layer: first});
		}
	}

	assert.ok(table.size > 0, 'docs/architecture.md: the layer table has no rows');
	return table;
}

function isTypeOnlyClause(clause: ts.ImportClause | undefined): boolean {
	if (clause === undefined) {
		return false;
	}

	if (clause.isTypeOnly) {
		return true;
	}

	const bindings = clause.namedBindings;
	return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every(element => element.isTypeOnly);
}

/** Every static import, re-export and dynamic `import('…')` with a literal specifier in one file. */
export function importsOf(fileName: string, text: string): SourceImport[] {
	const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
	const found: SourceImport[] = [];
	const add = (specifier: ts.Expression, typeOnly: boolean) => {
		if (ts.isStringLiteral(specifier)) {
			found.push({specifier: specifier.text, typeOnly, line: file.getLineAndCharacterOfPosition(specifier.getStart()).line + 1});
		}
	};

	const visit = (node: ts.Node) => {
		if (ts.isImportDeclaration(node)) {
			add(node.moduleSpecifier, isTypeOnlyClause(node.importClause));
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
			const clause = node.exportClause;
			add(node.moduleSpecifier, node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every(element => element.isTypeOnly)));
		} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined) {
			add(node.arguments[0], false);
		}

		ts.forEachChild(node, visit);
	};

	visit(file);
	return found;
}

/**
 * The table's entry a path under `source/` belongs to: the longest folder entry it lies in
 * (`runtime/ports/` before `runtime/`), or the file itself (`vocabulary.ts`, imported as `.js`).
 */
function entryOf(relative: string, table: LayerTable): string | undefined {
	const file = relative.replace(/\.js$/, '.ts');
	const candidates = [file, file.replace(/\.ts$/, '.tsx'), ...[...table.keys()].filter(entry => entry.endsWith('/') && relative.startsWith(entry)).sort((a, b) => b.length - a.length)];
	return candidates.find(entry => table.has(entry));
}

export interface Violation {
	/** `source/fleet/live.ts:3`. */
	at: string;
	/** The imported module, relative to the repository: `source/ui/sources.js`. */
	imports: string;
	why: string;
}

/**
 * Each import from a file to a higher layer than its own, or out of `source/` altogether (shipped
 * code never imports `fixtures/` or `test/`). Type-only imports are held to the same rule: they
 * leave no trace in the JavaScript, but a lower layer that names a higher layer's types still has
 * to change when that layer does, which is the coupling the layers exist to prevent.
 */
export function layerViolations(files: ReadonlyMap<string, string>, table: LayerTable): Violation[] {
	const violations: Violation[] = [];
	const layerOf = (relative: string) => {
		const entry = entryOf(relative, table);
		const placed = entry === undefined ? undefined : table.get(entry);
		assert.ok(placed, `source/${relative} is in no layer: add its folder to the layer table in docs/architecture.md`);
		return placed;
	};

	for (const [relative, text] of files) {
		const from = layerOf(relative);
		for (const found of importsOf(relative, text)) {
			if (!found.specifier.startsWith('.')) {
				continue;
			}

			const target = path.posix.normalize(path.posix.join(path.posix.dirname(relative), found.specifier));
			const at = `source/${relative}:${found.line}`;
			if (target.startsWith('../')) {
				violations.push({at, imports: target.slice(3), why: 'shipped code imports from outside source/'});
				continue;
			}

			const to = layerOf(target);
			if (to.rank > from.rank) {
				violations.push({at, imports: `source/${target}`, why: `${from.layer} imports upward from ${to.layer}${found.typeOnly ? ' (type only)' : ''}`});
			}
		}
	}

	return violations;
}

/**
 * DESIGN.md §2, docs/architecture.md "Layers": faces depend on `runtime/` and the vocabulary only.
 * A face (layer 4) may import layer 0, other faces, and the `runtime/` entry itself; not
 * `control/` (layer 3 beside `runtime/`), `fleet/` or any adapter, nor `runtime/ports/` directly
 * (the port types are offered by `runtime/ports.ts`). The runtime's modules re-export what faces
 * render and call (`runtime/config.ts`, `runtime/control.ts`, `runtime/journal.ts`,
 * `runtime/snapshot.ts`, …), so a face that needs more asks the runtime for it.
 */
const faceRank = 4;
const faceMayImport = {ranks: [0, faceRank], entries: ['runtime/']};

/** Each import from a face to a module neither the runtime's own nor of the layers faces may use. */
export function faceViolations(files: ReadonlyMap<string, string>, table: LayerTable): Violation[] {
	const violations: Violation[] = [];
	for (const [relative, text] of files) {
		const from = table.get(entryOf(relative, table) ?? '');
		if (from?.rank !== faceRank) {
			continue;
		}

		for (const found of importsOf(relative, text)) {
			if (!found.specifier.startsWith('.')) {
				continue;
			}

			const target = path.posix.normalize(path.posix.join(path.posix.dirname(relative), found.specifier));
			const entry = entryOf(target, table);
			const to = entry === undefined ? undefined : table.get(entry);
			if (target.startsWith('../') || entry === undefined || to === undefined || faceMayImport.ranks.includes(to.rank) || faceMayImport.entries.includes(entry)) {
				continue;
			}

			violations.push({at: `source/${relative}:${found.line}`, imports: `source/${target}`, why: `a face imports ${entry} (${to.layer}) directly: faces reach the world through runtime/${found.typeOnly ? ' (type only)' : ''}`});
		}
	}

	return violations;
}

function sourceFiles(root: string): Map<string, string> {
	const files = new Map<string, string>();
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, {withFileTypes: true})) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				walk(full);
			} else if (/\.tsx?$/.test(entry.name)) {
				files.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
			}
		}
	};

	walk(root);
	return files;
}

/**
 * Imports that break the rule today, each with the reason it is not fixed yet. The test fails when
 * one is fixed too, so this list only ever shrinks by being edited.
 */
const knownExceptions: ReadonlyArray<{at: string; imports: string; because: string}> = [];

/**
 * Face imports that bypass the runtime today, each with its reason; like the list above, the
 * test fails when one is fixed, so it only shrinks.
 */
const knownFaceExceptions: ReadonlyArray<{at: string; imports: string; because: string}> = [];

const doc = readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
const table = parseLayerTable(doc);

test('no import in source/ runs from a lower layer to a higher one, beyond the listed exceptions', () => {
	const found = layerViolations(sourceFiles(path.join(repoRoot, 'source')), table);
	assert.deepEqual(
		found.map(violation => `${violation.at} → ${violation.imports}`).sort(),
		knownExceptions.map(exception => `${exception.at} → ${exception.imports}`).sort(),
		`layer violations:\n${found.map(violation => `${violation.at} → ${violation.imports}: ${violation.why}`).join('\n')}`,
	);
});

test('faces import only runtime/, layer 0 and other faces, beyond the listed exceptions', () => {
	const found = faceViolations(sourceFiles(path.join(repoRoot, 'source')), table);
	assert.deepEqual(
		found.map(violation => `${violation.at} → ${violation.imports}`).sort(),
		knownFaceExceptions.map(exception => `${exception.at} → ${exception.imports}`).sort(),
		`face imports past the runtime:\n${found.map(violation => `${violation.at} → ${violation.imports}: ${violation.why}`).join('\n')}`,
	);
});

test('the face rule lets a face use runtime/, layer 0 and faces, and flags the rest', () => {
	const miniTable: LayerTable = new Map([['text/', {rank: 0, layer: '0 base'}], ['locks/', {rank: 1, layer: '1 adapters'}], ['runtime/ports/', {rank: 1, layer: '1 adapters'}], ['fleet/', {rank: 2, layer: '2 core'}], ['runtime/', {rank: 3, layer: '3 runtime'}], ['control/', {rank: 3, layer: '3 runtime'}], ['ui/', {rank: 4, layer: '4 faces'}], ['report/', {rank: 4, layer: '4 faces'}], ['cli.tsx', {rank: 5, layer: '5 entry'}]]);
	const mini = new Map([
		['ui/a.ts', "import {r} from '../runtime/config.js';\nimport {t} from '../text/width.js';\nimport {j} from '../report/json.js';\nimport type {F} from '../fleet/types.js';\nimport {c} from '../control/controller.js';\nimport {l} from '../locks/index.js';\nimport type {P} from '../runtime/ports/lock-store.js';\nimport {n} from 'node:fs';"],
		['runtime/config.ts', "export {loadConfig} from '../config/index.js';"],
		['cli.tsx', "import {l} from './locks/index.js';"],
	]);
	assert.deepEqual(faceViolations(mini, miniTable).map(violation => `${violation.at} ${violation.imports}`), [
		'source/ui/a.ts:4 source/fleet/types.js',
		'source/ui/a.ts:5 source/control/controller.js',
		'source/ui/a.ts:6 source/locks/index.js',
		'source/ui/a.ts:7 source/runtime/ports/lock-store.js',
	]);
});

test('every entry of source/ has a layer, and the layer table names nothing that is not there', () => {
	const entries = readdirSync(path.join(repoRoot, 'source'), {withFileTypes: true}).map(entry => (entry.isDirectory() ? `${entry.name}/` : entry.name)).filter(entry => /\/$|\.tsx?$/.test(entry));
	assert.deepEqual([...entries].filter(entry => !table.has(entry)), [], 'entries of source/ missing from the table in docs/architecture.md');
	assert.deepEqual([...table.keys()].filter(entry => !existsSync(path.join(repoRoot, 'source', entry))), [], 'entries in the table of docs/architecture.md that source/ does not have');
});

test('docs/architecture.md names every port file and every adapter of the runtime', () => {
	for (const folder of ['ports', 'adapters']) {
		for (const file of readdirSync(path.join(repoRoot, 'source', 'runtime', folder))) {
			assert.ok(doc.includes(`runtime/${folder}/${file}`), `docs/architecture.md does not mention source/runtime/${folder}/${file}`);
		}
	}
});

test('the checker sees every form of import and flags only upward ones', () => {
	const mini = new Map([
		['fleet/a.ts', "import {x} from '../ui/x.js';\nimport type {Y} from '../ui/y.js';\nimport {\n\ttype Z,\n} from '../ui/z.js';\nexport {w} from '../locks/w.js';\nconst later = async () => import('../ui/later.js');\nimport '../text/side.js';\nimport {node} from 'node:fs';"],
		['ui/x.ts', "import {a} from '../fleet/a.js';\nimport {f} from '../../fixtures/f.js';"],
		['locks/w.ts', ''],
		['text/side.ts', ''],
		['locks/uses-port.ts', "import type {Port} from '../runtime/ports/port.js';\nimport {wiring} from '../runtime/wiring.js';"],
	]);
	const miniTable: LayerTable = new Map([['text/', {rank: 0, layer: '0 base'}], ['locks/', {rank: 1, layer: '1 adapters'}], ['fleet/', {rank: 2, layer: '2 core'}], ['ui/', {rank: 4, layer: '4 faces'}], ['runtime/', {rank: 3, layer: '3 runtime'}], ['runtime/ports/', {rank: 1, layer: '1 adapters'}]]);
	assert.deepEqual(layerViolations(mini, miniTable).map(violation => `${violation.at} ${violation.imports} ${violation.why}`), [
		'source/fleet/a.ts:1 source/ui/x.js 2 core imports upward from 4 faces',
		'source/fleet/a.ts:2 source/ui/y.js 2 core imports upward from 4 faces (type only)',
		'source/fleet/a.ts:5 source/ui/z.js 2 core imports upward from 4 faces (type only)',
		'source/fleet/a.ts:7 source/ui/later.js 2 core imports upward from 4 faces',
		'source/ui/x.ts:2 fixtures/f.js shipped code imports from outside source/',
		'source/locks/uses-port.ts:2 source/runtime/wiring.js 1 adapters imports upward from 3 runtime',
	]);
	assert.throws(() => layerViolations(new Map([['new/a.ts', '']]), miniTable), /source\/new\/a\.ts is in no layer/);
});
