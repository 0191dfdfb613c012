import assert from 'node:assert/strict';
import {utimesSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {hostFacts, selfIdentity} from '../../source/procs/identity.js';
import {createFileLockStore} from '../../source/runtime/adapters/file-lock-store.js';
import {createMemoryLockStore} from '../../source/runtime/adapters/memory-lock-store.js';
import {deadPid, tempLocksDir, waitUntil} from '../locks/helpers.js';
import {FakeHost} from './fake-host.js';
import {lockStoreContract} from './lock-store-contract.js';

lockStoreContract('the filesystem store', t => {
	const dir = tempLocksDir(t);
	// One process plays every contender here: a second process would only be slower, and the
	// cross-process races are the lock tests' own (test/locks/contention.test.ts).
	const store = createFileLockStore(dir);
	return {
		store,
		contender: () => createFileLockStore(dir),
		self: selfIdentity(),
		host: hostFacts(),
		gone: async () => ({pid: deadPid(), startToken: '1'}),
		plant(name, raw, ageMs = 0) {
			const file = path.join(dir, `${name}.lock`);
			writeFileSync(file, raw);
			const at = (Date.now() - ageMs) / 1000;
			utimesSync(file, at, at);
		},
		waitUntil: async (condition, what) => waitUntil(condition, what),
	};
});

lockStoreContract('the in-memory store', () => {
	const fake = new FakeHost();
	const self = fake.spawn();
	return {
		store: fake.store(self),
		contender: () => fake.store(),
		self,
		host: fake.host,
		gone: async () => {
			const {pid, startToken} = fake.spawn();
			fake.kill(pid);
			return {pid, startToken};
		},
		plant: (name, raw, ageMs = 0) => fake.space.put(name, raw, {mtimeMs: fake.now - ageMs}),
		waitUntil: async (condition, what) => waitUntil(condition, what),
	};
});

test('the in-memory store: many concurrent acquirers, exactly one holder at a time, tokens only growing, dead holders taken over', async () => {
	const fake = new FakeHost();
	const contenders = 12;
	const rounds = 15;
	let holding = 0;
	let most = 0;
	const tokens: number[] = [];
	let takeovers = 0;
	const turns = async (count: number) => {
		for (let index = 0; index < count; index++) {
			await new Promise<void>(resolve => {
				setImmediate(resolve);
			});
		}
	};

	await Promise.all(Array.from({length: contenders}, async (_unused, index) => {
		let self = fake.spawn();
		let store = fake.store(self);
		for (let round = 0; round < rounds; round++) {
			// Out of step with each other, so that one contender's judging, removing and creating
			// fall between another's: in lockstep every race would be a tie.
			let tries = 0;
			await turns((index * 7 + round) % 5);
			let result = await store.acquire('BRAIN_ATLAS');
			while (!result.acquired) {
				assert.notEqual(result.holder.verdict, 'stale-dead', 'a stale lock is taken over, never handed back as the holder');
				await turns(1 + ((index + tries++) % 3));
				result = await store.acquire('BRAIN_ATLAS');
			}

			holding++;
			most = Math.max(most, holding);
			tokens.push(result.record.token);
			takeovers += result.tookOver === null ? 0 : 1;
			await turns(1 + ((index + round) % 3));
			holding--;
			if ((index + round) % 4 === 0) {
				// Killed while holding: its lock stays behind, and the next acquirer must prove it stale.
				fake.kill(self.pid);
				self = fake.spawn();
				store = fake.store(self);
			} else {
				assert.ok((await store.release('BRAIN_ATLAS', result.record)).released);
			}
		}
	}));
	assert.equal(most, 1, 'never two holders at once');
	assert.equal(tokens.length, contenders * rounds);
	assert.deepEqual(tokens, [...tokens].sort((a, b) => a - b), 'every token above the one before');
	assert.equal(new Set(tokens).size, tokens.length, 'no token handed out twice');
	assert.ok(takeovers > 0, `killed holders' locks were taken over (${takeovers})`);
});

test('the in-memory store judges with its injected facts: a holder without a start token is confirmed by match, a remote host is not judged', async () => {
	const fake = new FakeHost();
	const {pid} = fake.spawn();
	const store = createMemoryLockStore({space: fake.space, holder: fake.spawn(), host: fake.host, context: {probe: fake.probe, findLockChild: () => null, matchFor: () => ({source: 'bot', test: (command: string) => command.startsWith('bot ')})}});
	fake.space.put('LEGACY', JSON.stringify({pid, timestamp: fake.now / 1000, hostname: fake.host.hostname}));
	fake.space.put('REMOTE', JSON.stringify({v: 1, name: 'REMOTE', pid: 1, account: null, hostname: 'elsewhere', bootId: null, startToken: null, createdAt: new Date(0).toISOString(), heartbeatAt: null, token: 1, command: null, child: null}));
	const [legacy, remote] = await store.list();
	assert.equal(legacy?.verdict, 'live', legacy?.reason);
	assert.equal(legacy?.proof, 'match');
	assert.equal(remote?.verdict, 'remote', remote?.reason);
});
