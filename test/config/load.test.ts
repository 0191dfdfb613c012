import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {ConfigError, defaultConfig, loadConfig} from '../../source/config/index.js';

function tempDir(t: TestContext): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-config-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

function loadError(options: Parameters<typeof loadConfig>[0]): ConfigError {
	try {
		loadConfig(options);
	} catch (error) {
		assert.ok(error instanceof ConfigError);
		return error;
	}

	assert.fail('config was loaded');
}

const oneAccount = JSON.stringify({
	locksDir: 'run/locks',
	accounts: [{id: 'ATLAS', number: '212000584', components: [{name: 'BRAIN_ATLAS', role: 'brain', command: ['python', 'BRAIN_ATLAS.py'], match: 'BRAIN_ATLAS\\.py'}]}],
});

test('without a config file fleetdeck watches ./.locks and knows no components', (t) => {
	const cwd = tempDir(t);
	const config = loadConfig({cwd});
	assert.deepEqual(config, defaultConfig(cwd));
	assert.deepEqual(config, {
		file: null,
		locksDir: path.join(cwd, '.locks'),
		logsDir: path.join(cwd, 'logs'),
		journal: path.join(cwd, '.fleetdeck', 'journal.db'),
		journalRetention: {events: 90, samples: 7},
		pollSeconds: 2,
		launchSettleSeconds: 5,
		remoteLockExpirySeconds: null,
		services: [],
		accounts: [],
	});
});

test('--locks-dir works without a config file too', (t) => {
	const cwd = tempDir(t);
	assert.equal(loadConfig({cwd, locksDir: 'elsewhere'}).locksDir, path.join(cwd, 'elsewhere'));
	assert.equal(loadConfig({cwd, locksDir: '/var/lock/fleet'}).locksDir, '/var/lock/fleet');
	// The journal goes beside the locks, so every command pointed at them shares one history.
	assert.equal(loadConfig({cwd, locksDir: '/var/lock/fleet'}).journal, '/var/lock/.fleetdeck/journal.db');
	assert.equal(loadConfig({cwd, locksDir: 'run/locks'}).journal, path.join(cwd, 'run', '.fleetdeck', 'journal.db'));
});

test('journalRetention sets how long the journal keeps events and samples; both default', (t) => {
	const cwd = tempDir(t);
	const file = path.join(cwd, 'fleet.json');
	writeFileSync(file, JSON.stringify({journalRetention: {eventsDays: 30}}));
	assert.deepEqual(loadConfig({cwd, config: file}).journalRetention, {events: 30, samples: 7});
	writeFileSync(file, JSON.stringify({journalRetention: {eventsDays: 0}}));
	assert.throws(() => loadConfig({cwd, config: file}), (error: unknown) => error instanceof ConfigError && /journalRetention\.eventsDays/.test(error.message));
});

test('fleetdeck.config.json in the working directory is used when present', (t) => {
	const cwd = tempDir(t);
	const file = path.join(cwd, 'fleetdeck.config.json');
	writeFileSync(file, oneAccount);
	const config = loadConfig({cwd});
	assert.equal(config.file, file);
	assert.equal(config.locksDir, path.join(cwd, 'run', 'locks'));
	assert.equal(config.accounts[0]?.components[0]?.name, 'BRAIN_ATLAS');
});

test('--config resolves against cwd, and relative paths inside it against its own directory', (t) => {
	const cwd = tempDir(t);
	mkdirSync(path.join(cwd, 'etc'));
	writeFileSync(path.join(cwd, 'etc', 'fleet.json'), oneAccount);
	const config = loadConfig({cwd, config: 'etc/fleet.json'});
	assert.equal(config.file, path.join(cwd, 'etc', 'fleet.json'));
	assert.equal(config.locksDir, path.join(cwd, 'etc', 'run', 'locks'));
	assert.equal(config.accounts[0]?.components[0]?.cwd, path.join(cwd, 'etc'));
});

test('--locks-dir overrides the file\'s locksDir, resolved against cwd', (t) => {
	const cwd = tempDir(t);
	mkdirSync(path.join(cwd, 'etc'));
	writeFileSync(path.join(cwd, 'etc', 'fleet.json'), oneAccount);
	const config = loadConfig({cwd, config: 'etc/fleet.json', locksDir: 'my-locks'});
	assert.equal(config.locksDir, path.join(cwd, 'my-locks'));
	assert.equal(config.logsDir, path.join(cwd, 'etc', 'logs'));
});

test('a --config that does not exist is an error, not the default config', (t) => {
	const cwd = tempDir(t);
	const error = loadError({cwd, config: 'missing.json'});
	assert.equal(error.file, path.join(cwd, 'missing.json'));
	assert.equal(error.path, '(file)');
	assert.equal(error.expected, 'an existing file (not found)');
	assert.match(error.message, /missing\.json: \(file\): expected an existing file \(not found\)$/);
});

test('a directory where the config should be is an error, found or given', (t) => {
	const cwd = tempDir(t);
	mkdirSync(path.join(cwd, 'fleetdeck.config.json'));
	assert.equal(loadError({cwd}).expected, 'a file (this is a directory)');
	assert.equal(loadError({cwd, config: 'fleetdeck.config.json'}).path, '(file)');
});

test('a broken config in the working directory is reported, never silently replaced by defaults', (t) => {
	const cwd = tempDir(t);
	writeFileSync(path.join(cwd, 'fleetdeck.config.json'), '{"pollSeconds": 2,}');
	const error = loadError({cwd});
	assert.equal(error.path, '(json)');
	assert.deepEqual([error.issues[0]?.line, error.issues[0]?.column], [1, 19]);
});
