import assert from 'node:assert/strict';
import test from 'node:test';
import {buildSnapshot} from '../../source/fleet/build-snapshot.js';
import {formatText} from '../../source/report/text.js';
import {atlasConfig, lock, now} from '../helpers/fleet-data.js';

function assertFits(text: string): void {
	for (const line of text.split('\n')) {
		assert.ok([...line].length <= 80, `line wider than 80 columns (${[...line].length}): ${line}`);
	}
}

test('--once text fits 80 columns with a long host name, a 128-character lock name and a long locks path', () => {
	const name = `BRAIN_${'A'.repeat(122)}`;
	const locksDir = `/srv/${'trading-fleet/'.repeat(8)}.locks`;
	const config = {...atlasConfig({locksDir}), file: null, services: [], accounts: []};
	const snapshot = buildSnapshot({config, locks: [lock(name, 'stale-dead', {pid: 7, account: 'ATLAS'})], locksError: `cannot use the locks directory ${locksDir}: EACCES (permission denied)`, processes: [], now, host: `trader-${'h'.repeat(57)}`, selfPid: 1});
	const text = formatText(snapshot);
	assertFits(text);
	assert.match(text, /^fleetdeck trader-h+… \S+Z {2}WARN \(1 warn, 1 unkn\)$/m);

	const empty = formatText(buildSnapshot({config, locks: [], locksError: null, processes: [], now, host: 'h', selfPid: 1}));
	assertFits(empty);
	assert.match(empty.replaceAll('\n ', ''), /no components configured and no locks in ?\/srv\/(?:trading-fleet\/){8}\.locks\)/);
});
