import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {workspaceProcesses} from '../../source/demo/teardown.js';
import {repoRoot, tempDir} from '../helpers/cli.js';
import type {FleetSnapshot} from '../../source/fleet/types.js';
import {cleanUpAfter} from '../demo/demo-helpers.js';

const run = promisify(execFile);

interface Ran {
	code: number;
	stdout: string;
	stderr: string;
}

async function bin(file: string, args: string[], cwd: string): Promise<Ran> {
	return run(file, args, {cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024}).then(
		({stdout, stderr}) => ({code: 0, stdout, stderr}),
		(error: {code?: number; stdout?: string; stderr?: string}) => ({code: typeof error.code === 'number' ? error.code : -1, stdout: error.stdout ?? '', stderr: error.stderr ?? ''}),
	);
}

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version;

test('npm pack ships what the bin needs and nothing of the tests; installed elsewhere, fleetdeck --version, --once and the demo work', {timeout: 300_000}, async t => {
	const packDir = tempDir(t, 'fleetdeck-pack-');
	const appDir = tempDir(t, 'fleetdeck-install-');
	const packed = await bin('npm', ['pack', '--pack-destination', packDir, '--silent'], repoRoot);
	assert.equal(packed.code, 0, packed.stderr);
	const tarball = path.join(packDir, `fleetdeck-${version}.tgz`);

	const listed = await bin('tar', ['-tzf', tarball], packDir);
	const files = listed.stdout.split('\n').filter(Boolean).map(file => file.replace(/^package\//, ''));
	for (const needed of ['package.json', 'README.md', 'dist/source/cli.js', 'dist/fixtures/fake-bot.js', 'dist/fixtures/broker-sim.js', 'dist/source/demo/broker-sim/server.js', 'dist/source/demo/broker-sim/account.js', 'dist/source/demo/broker-sim/actions.js', 'schema/fleetdeck.config.schema.json', 'docs/lock-protocol.md', 'clients/python/fleetdeck_lock.py']) {
		assert.ok(files.includes(needed), `the package has ${needed}`);
	}

	assert.deepEqual(files.filter(file => /^(dist\/)?(test|bench)\//.test(file) || file.startsWith('fixtures/') || file.startsWith('source/') || file.startsWith('dist/fixtures/configs')), [], 'no tests, benchmarks, sources or test fixtures');

	// Dependencies come from the npm cache `npm ci` filled. Install scripts are skipped: they would
	// compile better-sqlite3 from source again (over a minute on a 2-core machine), so its addon,
	// built by `npm ci` for this very Node from the same locked version, is copied in instead.
	writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({name: 'fleetdeck-install-test', private: true}));
	const installed = await bin('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], appDir);
	assert.equal(installed.code, 0, installed.stderr);
	const sqlite = path.join(appDir, 'node_modules/better-sqlite3');
	const ours = path.join(repoRoot, 'node_modules/better-sqlite3');
	assert.equal(JSON.parse(readFileSync(path.join(sqlite, 'package.json'), 'utf8')).version, JSON.parse(readFileSync(path.join(ours, 'package.json'), 'utf8')).version);
	mkdirSync(path.join(sqlite, 'build/Release'), {recursive: true});
	copyFileSync(path.join(ours, 'build/Release/better_sqlite3.node'), path.join(sqlite, 'build/Release/better_sqlite3.node'));

	const fleetdeck = path.join(appDir, 'node_modules/.bin/fleetdeck');
	const shown = await bin(fleetdeck, ['--version'], appDir);
	assert.equal(shown.stdout.trim(), version);

	const once = await bin(fleetdeck, ['--once'], appDir);
	assert.equal(once.code, 0, once.stderr);
	assert.match(once.stdout, /no components configured and no locks/);

	// The demo from the installed package: its fake bots and simulator come from the package's dist/.
	let workspace: string | undefined;
	cleanUpAfter(t, () => workspace);
	const demo = await bin(fleetdeck, ['demo', '--json'], appDir);
	workspace = /^fleetdeck demo: workspace (.+)$/m.exec(demo.stderr)?.[1];
	assert.equal(demo.code, 2, demo.stderr);
	const snapshot = JSON.parse(demo.stdout) as FleetSnapshot;
	const commands = snapshot.accounts.flatMap(account => account.components.flatMap(component => component.processes.map(process => process.command)));
	const packageDir = path.join(appDir, 'node_modules/fleetdeck');
	assert.ok(commands.some(command => command.includes(path.join(packageDir, 'dist/source/cli.js run BRAIN_ATLAS'))), 'supervisors run the installed cli.js');
	assert.ok(commands.some(command => command.includes(path.join(packageDir, 'dist/fixtures/fake-bot.js BRAIN_ATLAS.py'))), 'bots run the installed fake bot');
	assert.match(demo.stderr, /the demo fleet is down and its workspace removed/);
	assert.deepEqual(await workspaceProcesses(workspace ?? '(no workspace named)'), []);
});
