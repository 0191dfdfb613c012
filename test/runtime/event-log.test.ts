import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {openJournal} from '../../source/journal/index.js';
import type {EventQuery, JournalEvent, NewEvent} from '../../source/journal/types.js';
import {createMemoryEventLog} from '../../source/runtime/adapters/memory-event-log.js';
import type {EventLog} from '../../source/runtime/ports.js';
import {tempDir} from '../helpers/cli.js';

const at = (minute: number) => new Date(Date.parse('2026-12-02T09:00:00Z') + minute * 60_000).toISOString();

const written: NewEvent[] = [
	{kind: 'lock.acquired', component: 'fleetdeck-watch', message: 'taken', at: at(0)},
	{kind: 'duplicate.seen', account: 'ATLAS', component: 'BRAIN_ATLAS', pid: 4242, message: 'two copies', detail: {instances: [4242, 4343]}, at: at(1)},
	{kind: 'lock.stale', account: 'GL_3', component: 'BRAIN_GL_3', message: 'stale: run --password hunter2', detail: {token: 'abc', verdict: 'stale-dead'}, at: at(2)},
	{kind: 'health.changed', level: 'crit', account: 'ATLAS', message: 'connection down', at: at(3)},
	{kind: 'duplicate.resolved', account: 'ATLAS', component: 'BRAIN_ATLAS', message: 'one copy again', at: at(4)},
];

const queries: EventQuery[] = [
	{},
	{limit: 2},
	{limit: 0},
	{account: 'ATLAS'},
	{component: 'BRAIN_ATLAS', kinds: ['duplicate']},
	{kinds: ['lock.stale', 'health']},
	{since: Date.parse(at(1)), until: Date.parse(at(3))},
];

/** What an event says, without what each log assigns on its own (row id, host name). */
function said(events: JournalEvent[]): Array<Omit<JournalEvent, 'id' | 'host'>> {
	return events.map(({id: _id, host: _host, ...rest}) => rest);
}

test('the in-memory event log answers every query as the SQLite journal does: same events, levels, redaction and order', t => {
	const journal = openJournal(path.join(tempDir(t), 'journal.db'));
	t.after(() => {
		journal.close();
	});
	const logs: EventLog[] = [journal, createMemoryEventLog()];
	for (const log of logs) {
		for (const event of written) {
			log.record(event);
		}

		log.sample({account: 'ATLAS', service: 'ok', connection: 'ok', broker: 'ok', latencyMs: 12, at: at(0)});
		log.sample({account: 'ATLAS', service: 'ok', connection: 'down', broker: 'unknown', latencyMs: null, at: at(1)});
		log.sample({account: 'ATLAS', service: 'ok', connection: 'down', broker: 'unknown', latencyMs: 30, at: at(1)});
	}

	const [sqlite, memory] = logs as [EventLog, EventLog];
	for (const query of queries) {
		assert.deepEqual(said(memory.events(query)), said(sqlite.events(query)), JSON.stringify(query));
	}

	assert.ok(!JSON.stringify(memory.events()).includes('hunter2'), 'secrets redacted');
	assert.deepEqual(memory.samples('ATLAS', 5), sqlite.samples('ATLAS', 5));
	assert.deepEqual(memory.samples('ATLAS', 1).map(sample => sample.latencyMs), [30], 'a second sample at the same moment replaces the first');
});
