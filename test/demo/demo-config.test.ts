import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseConfig} from '../../source/config/index.js';
import {demoAccounts, demoConfig} from '../../source/demo/demo-config.js';

const workspace = '/tmp/fleetdeck-demo-Ab1(2)+';
const options = {workspace, nodePath: '/usr/bin/node', fakeBotPath: '/pkg/dist/fixtures/fake-bot.js', statusUrl: (id: string) => `http://127.0.0.1:9/${id}/status`, healthUrl: 'http://127.0.0.1:9/health'};

test('the demo config is a valid fleet of the five accounts and quantum_server', () => {
	const config = parseConfig(JSON.stringify(demoConfig(options)), `${workspace}/fleetdeck.config.json`);
	assert.deepEqual(config.accounts.map(account => [account.id, account.number]), demoAccounts.map(account => [account.id, account.number]));
	assert.deepEqual(config.services.map(service => service.name), ['quantum_server']);
	assert.equal(config.services[0]?.health?.url, 'http://127.0.0.1:9/health');
	for (const account of config.accounts) {
		assert.deepEqual(account.components.map(component => `${component.role}:${component.name}`), [`brain:BRAIN_${account.id}`, `watchdog:WATCHDOG_${account.id}`]);
		assert.deepEqual(account.broker?.status, {kind: 'http', url: `http://127.0.0.1:9/${account.id}/status`, timeoutSeconds: 2});
	}
});

test('every demo match finds the demo bot, and never a real bot or another demo of the same name', () => {
	const config = parseConfig(JSON.stringify(demoConfig(options)), `${workspace}/fleetdeck.config.json`);
	const components = [...config.services, ...config.accounts.flatMap(account => account.components)];
	for (const component of components) {
		const demoArgv = component.command.join(' ');
		assert.ok(component.match.test(demoArgv), component.name);
		assert.ok(component.command.includes(workspace), `${component.name} carries the workspace`);
		// The operator's real bot, the same script without the demo's workspace.
		const real = component.command.slice(2, component.command.indexOf('--workspace'));
		assert.ok(!component.match.test(['python', ...real].join(' ')), `${component.name} would catch the real bot`);
		assert.ok(!component.match.test(demoArgv.replace(workspace, `${workspace}X`)), `${component.name} would catch another demo`);
		assert.ok(!component.match.test(demoArgv.replace(workspace, '/tmp/fleetdeck-demo-Ab1xx+')), 'the path is matched literally');
	}

	// The watchdog of one account is not the watchdog of another.
	const atlas = components.find(component => component.name === 'WATCHDOG_ATLAS')!;
	const ftmo = components.find(component => component.name === 'WATCHDOG_FTMO')!;
	assert.ok(!atlas.match.test(ftmo.command.join(' ')));
});
