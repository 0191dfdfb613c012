import assert from 'node:assert/strict';
import {test} from 'node:test';
import {pollUntil} from '../helpers/children.js';
import {assertCleanedUp, startDemo} from './demo-helpers.js';

test('a SIGTERM while the demo is launching its fleet stops it between two launches and cleans up', {timeout: 300_000}, async t => {
	const demo = startDemo(t, ['--once']);
	const workspace = await demo.workspace();
	await pollUntil('the second launch', async () => (demo.stderr().includes('start WATCHDOG_BG_INSTANT') ? true : undefined), 60_000);
	demo.child.kill('SIGTERM');
	const {code} = await demo.exit;
	assert.equal(code, 143, demo.stderr());
	assert.match(demo.stderr(), /SIGTERM: stopping the demo/);
	assert.match(demo.stderr(), /the demo fleet is down and its workspace removed/);
	assert.equal(demo.stdout(), '', 'no snapshot was printed');
	await assertCleanedUp(workspace);
});
