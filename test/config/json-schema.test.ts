import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {configJsonSchema} from '../../source/config/index.js';

const fixture = fileURLToPath(new URL('../../../fixtures/fleetdeck.config.json', import.meta.url));

type Schema = {
	type?: string;
	properties?: Record<string, Schema>;
	required?: string[];
	additionalProperties?: boolean | Schema;
	items?: Schema;
	enum?: unknown[];
	anyOf?: Schema[];
	minItems?: number;
	pattern?: string;
	exclusiveMinimum?: number;
	minimum?: number;
	maximum?: number;
};

/** The JSON Schema subset zod emits for our config, enough to check a document the way an editor would. */
function violations(schema: Schema, value: unknown, at = '$'): string[] {
	if (schema.anyOf !== undefined) {
		return schema.anyOf.some((option) => violations(option, value, at).length === 0) ? [] : [`${at}: matches no anyOf option`];
	}

	if (schema.enum !== undefined && !schema.enum.includes(value)) {
		return [`${at}: not in enum`];
	}

	switch (schema.type) {
		case 'object': {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				return [`${at}: not an object`];
			}

			const entries = Object.entries(value);
			const missing = (schema.required ?? []).filter((key) => !(key in value)).map((key) => `${at}.${key}: missing`);
			return missing.concat(
				entries.flatMap(([key, entry]) => {
					const property = schema.properties?.[key];
					if (property !== undefined) {
						return violations(property, entry, `${at}.${key}`);
					}

					if (schema.additionalProperties === false) {
						return [`${at}.${key}: not allowed`];
					}

					return typeof schema.additionalProperties === 'object' ? violations(schema.additionalProperties, entry, `${at}.${key}`) : [];
				}),
			);
		}

		case 'array': {
			if (!Array.isArray(value)) {
				return [`${at}: not an array`];
			}

			const short = value.length < (schema.minItems ?? 0) ? [`${at}: too short`] : [];
			return short.concat(value.flatMap((item, index) => (schema.items === undefined ? [] : violations(schema.items, item, `${at}[${index}]`))));
		}

		case 'string': {
			if (typeof value !== 'string') {
				return [`${at}: not a string`];
			}

			return schema.pattern !== undefined && !new RegExp(schema.pattern).test(value) ? [`${at}: does not match ${schema.pattern}`] : [];
		}

		case 'number':
		case 'integer': {
			if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
				return [`${at}: not a ${schema.type}`];
			}

			if ((schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) || (schema.minimum !== undefined && value < schema.minimum)) {
				return [`${at}: too small`];
			}

			return schema.maximum !== undefined && value > schema.maximum ? [`${at}: too large`] : [];
		}

		case 'boolean': {
			return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
		}

		case 'null': {
			return value === null ? [] : [`${at}: not null`];
		}

		default: {
			return [];
		}
	}
}

test('the JSON Schema is a draft 2020-12 object schema with the top-level keys, closed to typos', () => {
	const schema = configJsonSchema() as Schema & {$schema?: string};
	assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
	assert.equal(schema.type, 'object');
	assert.equal(schema.additionalProperties, false);
	for (const key of ['locksDir', 'logsDir', 'journal', 'pollSeconds', 'remoteLockExpirySeconds', 'services', 'accounts']) {
		assert.ok(schema.properties?.[key], key);
	}

	assert.doesNotThrow(() => JSON.stringify(schema));
});

test('the fixture config validates against the JSON Schema; a typo does not', () => {
	const schema = configJsonSchema() as Schema;
	const config = JSON.parse(readFileSync(fixture, 'utf8')) as {accounts: Array<Record<string, unknown>>};
	assert.deepEqual(violations(schema, config), []);
	config.accounts[0] = {...config.accounts[0], enabeld: true};
	assert.deepEqual(violations(schema, config), ['$.accounts[0].enabeld: not allowed']);
});

test('the JSON Schema knows the rules an editor can check: argv arrays, names, signals, URLs', () => {
	const schema = configJsonSchema() as Schema;
	const service = {name: 'quantum_server', command: ['python', 'quantum_server.py'], match: 'quantum_server\\.py'};
	assert.deepEqual(violations(schema, {services: [service]}), []);
	assert.notDeepEqual(violations(schema, {services: [{...service, command: 'python quantum_server.py'}]}), []);
	assert.notDeepEqual(violations(schema, {services: [{...service, name: '../x'}]}), []);
	assert.notDeepEqual(violations(schema, {services: [{...service, stopSignal: 'TERM'}]}), []);
	assert.notDeepEqual(violations(schema, {services: [{...service, health: {url: 'ftp://x/'}}]}), []);
});

test('the JSON Schema carries the limits of every duration, so an editor flags a stop timeout of 30 days', () => {
	const schema = configJsonSchema() as Schema;
	const service = {name: 'quantum_server', command: ['python', 'quantum_server.py'], match: 'quantum_server\\.py'};
	assert.deepEqual(violations(schema, {services: [{...service, stopTimeoutSeconds: 86_400}]}), []);
	assert.deepEqual(violations(schema, {services: [{...service, stopTimeoutSeconds: 2_592_000}]}), ['$.services[0].stopTimeoutSeconds: too large']);
	assert.deepEqual(violations(schema, {pollSeconds: 0.05}), ['$.pollSeconds: too small']);
	assert.deepEqual(violations(schema, {services: [{...service, backoff: {crashLoopFailures: 5000}}]}), ['$.services[0].backoff.crashLoopFailures: too large']);
});
