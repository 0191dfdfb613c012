import {readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {ConfigError, type ConfigIssue} from './errors.js';
import {expectedText, toConfigIssues} from './issues.js';
import {findJsonSyntaxError} from './json-syntax.js';
import {defaultConfig, resolveConfig} from './resolve.js';
import {configSchema} from './schema.js';
import type {FleetConfig} from './types.js';

export const configFileName = 'fleetdeck.config.json';

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): {line: number; column: number} {
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	return {line, column: offset - before.lastIndexOf('\n')};
}

function jsonSyntaxIssue(text: string): ConfigIssue {
	// Only called after JSON.parse failed, so the scanner finds an error; the fallback is for the type.
	const {offset, reason} = findJsonSyntaxError(text) ?? {offset: text.length, reason: 'not parseable'};
	return {path: '(json)', expected: `valid JSON (${reason})`, ...lineColumn(text, offset)};
}

/**
 * Validate config text. `file` is the absolute path it came from: errors name it and relative
 * paths in the config are resolved against its directory. Throws `ConfigError`.
 */
export function parseConfig(text: string, file: string): FleetConfig {
	// Editors on Windows like to start a UTF-8 file with a byte-order mark; JSON.parse does not.
	const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
	let data: unknown;
	try {
		data = JSON.parse(json);
	} catch {
		throw new ConfigError(file, [jsonSyntaxIssue(json)]);
	}

	const result = configSchema.safeParse(data, {error: expectedText});
	if (!result.success) {
		const [first, ...rest] = toConfigIssues(result.error.issues);
		// Zod reports at least one issue on failure; the fallback only satisfies the type.
		throw new ConfigError(file, [first ?? {path: '(root)', expected: 'a valid config'}, ...rest]);
	}

	return resolveConfig(result.data, file);
}

function describeReadError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ENOENT': {
			return 'an existing file (not found)';
		}

		case 'EACCES':
		case 'EPERM': {
			return 'a readable file (permission denied)';
		}

		case 'EISDIR': {
			return 'a file (this is a directory)';
		}

		default: {
			return `a readable file (${error instanceof Error ? error.message : String(error)})`;
		}
	}
}

export interface LoadConfigOptions {
	/** `--config FILE`, relative to `cwd`; when given the file must exist. */
	config?: string;
	/** Where relative flags are resolved and `fleetdeck.config.json` is looked for. */
	cwd: string;
	/** `--locks-dir DIR`, relative to `cwd`; overrides the file's locksDir. */
	locksDir?: string;
}

/**
 * The config file's mode and owner; null when it cannot be stat-ed (it was just read, so rarely)
 * and on Windows, whose mode bits and uid 0 say nothing about who may write (owners are SIDs, ACLs).
 */
function fileAccess(file: string): FleetConfig['fileAccess'] {
	if (process.platform === 'win32') {
		return null;
	}

	try {
		const stats = statSync(file);
		return {mode: stats.mode, ownerUid: stats.uid};
	} catch {
		return null;
	}
}

/**
 * The config fleetdeck runs with: `--config FILE`, else `<cwd>/fleetdeck.config.json` when it
 * exists, else `defaultConfig` (watch `./.locks`, group locks by their account).
 */
export function loadConfig(options: LoadConfigOptions): FleetConfig {
	const explicit = options.config !== undefined;
	const file = path.resolve(options.cwd, options.config ?? configFileName);
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') {
			return defaultConfig(options.cwd, options.locksDir);
		}

		throw new ConfigError(file, [{path: '(file)', expected: describeReadError(error)}]);
	}

	const config = {...parseConfig(text, file), fileAccess: fileAccess(file)};
	return options.locksDir === undefined ? config : {...config, locksDir: path.resolve(options.cwd, options.locksDir)};
}
