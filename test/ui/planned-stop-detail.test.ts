import assert from 'node:assert/strict';
import {test} from 'node:test';
import {detailLines} from '../../source/ui/detail-pane/detail-lines.js';
import {createTheme} from '../../source/ui/theme.js';
import {accountView, at} from './fixtures.js';

test('the detail pane says who shut a stopped component down and when, the marker\'s text made printable', () => {
	const account = accountView('ATLAS', '212000584');
	const brain = account.components.find(component => component.role === 'brain');
	assert.ok(brain);
	Object.assign(brain, {state: 'stopped', level: 'ok', instances: 0, processes: [], lock: null, plannedStop: {by: 'ops@deck-host (fleetdeck shutdown)\u001B[2J', at}});
	const text = detailLines(account, [], createTheme({color: false, unicode: false})).map(line => line.map(part => part.text).join('')).join('\n');
	assert.match(text, /BRAIN_ATLAS.*shut down by ops@deck-host \(fleetdeck shutdown\).* at 2026-11-22T18:00:00\.000Z/);
	assert.doesNotMatch(text, /\u001B/);
});
