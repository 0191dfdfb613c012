import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseSnapshot, validateSnapshot} from '../../source/broker/snapshot.js';
import {t0, wire, type Wire} from './helpers.js';

test('a complete snapshot parses, times become epoch ms, unknown fields are dropped', () => {
	const parsed = validateSnapshot(wire(t0, snapshot => {
		snapshot.bridgeVersion = '1.2';
	}));
	assert.ok(parsed.ok);
	assert.equal(parsed.snapshot.asOf, t0);
	assert.equal(parsed.snapshot.connection?.state, 'connected');
	assert.equal(parsed.snapshot.positions?.broker?.[0]?.sl, 61_000);
	assert.equal('bridgeVersion' in parsed.snapshot, false);
});

test('a minimal snapshot parses and every absent or null optional field is null', () => {
	const parsed = validateSnapshot({schema: 1, account: 212000584, asOf: '2026-11-22T20:00:00.123456+02:00', terminal: null, seq: null});
	assert.ok(parsed.ok);
	assert.equal(parsed.snapshot.account, '212000584', 'an integer login (MT5 account_info().login) is read as its decimal string');
	assert.equal(parsed.snapshot.asOf, t0 + 123);
	assert.equal(parsed.snapshot.terminal, null);
	assert.equal(parsed.snapshot.connection, null);
	assert.equal(parsed.snapshot.positions, null);
	assert.equal(parsed.snapshot.seq, null);
});

const bad: Array<[string, (snapshot: Wire) => void, RegExp]> = [
	['wrong schema', s => { s.schema = 2; }, /schema: expected 1/],
	['no account', s => { delete s.account; }, /account: expected the broker login/],
	['asOf without a timezone', s => { s.asOf = '2026-11-22 18:00:00'; }, /asOf: expected an ISO 8601 date-time with a timezone/],
	['unknown connection state', s => { s.connection!.state = 'online'; }, /connection\.state: .*"connected"/],
	['bad side in the broker list', s => { s.positions!.broker![0]!.side = 0; }, /positions\.broker\[0\]\.side/],
	['volume as a string', s => { s.positions!.bot![0]!.volume = '0.1'; }, /positions\.bot\[0\]\.volume: .*expected number/],
	['terminal without connected', s => { s.terminal = {connected: undefined, pingMs: 3}; }, /terminal\.connected/],
];

for (const [name, mutate, expected] of bad) {
	test(`an invalid snapshot names the field: ${name}`, () => {
		const parsed = validateSnapshot(wire(t0, mutate));
		assert.equal(parsed.ok, false);
		assert.match(parsed.ok ? '' : parsed.error, expected);
	});
}

test('a payload that is not JSON is a failure, not a crash', () => {
	const parsed = parseSnapshot('{"schema": 1, "account": "');
	assert.equal(parsed.ok, false);
	assert.match(parsed.ok ? '' : parsed.error, /not valid JSON/);
	const notObject = parseSnapshot('[1, 2]');
	assert.equal(notObject.ok, false);
});
