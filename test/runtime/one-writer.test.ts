import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {loadConfig, watcherLockName} from '../../source/config/index.js';
import {openJournal} from '../../source/journal/index.js';
import {defaultPorts} from '../../source/runtime/default-ports.js';
import {startLiveFleet, type LiveFleet} from '../../source/runtime/live-fleet.js';
import {createFleetStore, type FleetStore} from '../../source/ui/store/fleet-store.js';
import {pollUntil} from '../helpers/children.js';
import {fleetChangesIn, history, samples, startBot, startStatusServer, startWatcher, stopChild, watchFleet, type WatchFleet} from './watch-fixture.js';

interface Deck {
	live: LiveFleet;
	store: FleetStore;
	/** Snapshots this deck has built (each one judged and, were it the writer, journaled). */
	polls: number;
}

/** A deck's live sources and store, in this process, as the deck wires them (its own journal handle); disposed when the test ends. */
function openDeck(t: TestContext, fleet: WatchFleet): Deck {
	const config = loadConfig({cwd: fleet.dir});
	const journal = openJournal(config.journal);
	const live = startLiveFleet(config, defaultPorts(config, journal));
	const deck: Deck = {live, store: createFleetStore({sources: {...live, snapshot: async () => {
		const snapshot = await live.snapshot();
		deck.polls++;
		return snapshot;
	}}}), polls: 0};
	t.after(async () => {
		deck.store.dispose();
		await live.dispose();
		journal.close();
	});
	return deck;
}

const holderPid = (fleet: WatchFleet) => (JSON.parse(readFileSync(path.join(fleet.locksDir, `${watcherLockName}.lock`), 'utf8')) as {pid: number}).pid;
const count = (changes: string[], change: string) => changes.filter(each => each === change).length;

/** Every deck's store shows `predicate` true of its latest snapshot. */
async function decksSee(decks: Deck[], what: string, predicate: (deck: Deck) => boolean): Promise<void> {
	await pollUntil(`every deck to see ${what}`, () => (decks.every(deck => predicate(deck)) ? true : undefined));
}

const brainState = (deck: Deck) => deck.store.getState().snapshot?.accounts[0]?.components.find(component => component.name === 'BRAIN_ATLAS')?.state;
const connection = (deck: Deck) => deck.store.getState().snapshot?.accounts[0]?.health?.connection.state;

/** Waits until the journal holds `changes` and every deck and the writer have polled past them, then returns the fleet changes journaled. */
async function settled(fleet: WatchFleet, decks: Deck[], changes: string[]): Promise<string[]> {
	await pollUntil(`the journal to hold ${changes.join(', ')}`, async () => {
		const seen = fleetChangesIn(await history(fleet));
		return changes.every(change => seen.includes(change)) ? true : undefined;
	});
	const polls = samples(fleet).length;
	await pollUntil('two more status polls of the writer', () => (samples(fleet).length >= polls + 2 ? true : undefined));
	// Every deck rebuilds on its own poll timer: two more snapshots each, and a deck that journaled
	// what it should not have would show.
	const seen = decks.map(deck => deck.polls);
	await decksSee(decks, 'two more snapshots', deck => deck.polls >= (seen[decks.indexOf(deck)] ?? 0) + 2);
	return fleetChangesIn(await history(fleet));
}

test('two decks and a watcher open at once journal each change once; when the watcher stops, one deck takes over', async t => {
	const status = await startStatusServer(t);
	const fleet = watchFleet(t, status.url);
	startBot(t, fleet, 'BRAIN_ATLAS');
	const watcher = startWatcher(t, fleet);
	await pollUntil('the watcher to hold the writer lock', () => (/holding/.test(watcher.stderr()) ? true : undefined));
	const decks = [openDeck(t, fleet), openDeck(t, fleet)];
	await decksSee(decks, 'ATLAS connected, the watcher holding the lock', deck => connection(deck) === 'ok' && deck.live.election.standing().writer === false);
	for (const deck of decks) {
		const standing = deck.live.election.standing();
		assert.ok(!standing.writer && standing.holder?.record?.pid === watcher.child.pid, `the deck names the watcher as the writer: ${JSON.stringify(standing)}`);
	}

	status.connection = 'disconnected';
	const second = startBot(t, fleet, 'BRAIN_ATLAS');
	await decksSee(decks, 'the duplicate and the connection down', deck => brainState(deck) === 'duplicate' && connection(deck) === 'down');
	const changes = await settled(fleet, decks, ['duplicate.seen BRAIN_ATLAS', 'health.changed connection ok→down']);
	assert.equal(count(changes, 'duplicate.seen BRAIN_ATLAS'), 1, changes.join('\n'));
	assert.equal(count(changes, 'health.changed connection ok→down'), 1, changes.join('\n'));

	assert.equal(await stopChild(watcher.child, 'SIGTERM'), 0);
	await pollUntil('a deck to take over the writing', () => (decks.some(deck => deck.live.election.standing().writer) ? true : undefined));
	assert.equal(decks.filter(deck => deck.live.election.standing().writer).length, 1, 'exactly one deck writes');
	assert.equal(holderPid(fleet), process.pid);
	const takeover = (await history(fleet)).filter(event => event.kind === 'lock.acquired' && event.component === watcherLockName);
	assert.match(takeover.at(-1)?.message ?? '', /taken by the deck/);

	status.connection = 'connected';
	assert.equal(await stopChild(second, 'SIGKILL'), 'SIGKILL');
	await decksSee(decks, 'one copy again, connected', deck => brainState(deck) !== 'duplicate' && connection(deck) === 'ok');
	const after = await settled(fleet, decks, ['duplicate.resolved BRAIN_ATLAS', 'health.changed connection down→ok']);
	for (const change of ['duplicate.seen BRAIN_ATLAS', 'duplicate.resolved BRAIN_ATLAS', 'health.changed connection ok→down', 'health.changed connection down→ok']) {
		assert.equal(count(after, change), 1, `${change} once in:\n${after.join('\n')}`);
	}
});
