import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runStopAction, type ActionIo} from '../../source/commands/action.js';
import {UsageError} from '../../source/commands/args.js';
import {loadConfig} from '../../source/config/index.js';
import {exitCode} from '../../source/exit-codes.js';
import {component, isAlive, pollUntil, spawnBot, tempFleet} from '../control/fleet-fixture.js';

/** A terminal that answers `answer` (or none, headless), and keeps what was said and asked. */
function terminal(answer: string | null): ActionIo & {said: string[]; asked: string[]} {
	const said: string[] = [];
	const asked: string[] = [];
	return {
		said,
		asked,
		out: text => said.push(text),
		err: text => said.push(text),
		interactive: answer !== null,
		async ask(question) {
			asked.push(question);
			return answer ?? '';
		},
	};
}

test('the shutdown prompt: headless without --yes and a "no" signal nothing; a "yes" stops the copy', async t => {
	const fleet = tempFleet(t, bot => ({accounts: [{id: 'T1', number: '1', components: [component('BRAIN_T1', 'brain', bot('BRAIN_T1'))]}]}));
	const config = loadConfig({config: fleet.configFile, cwd: fleet.dir});
	const bot = spawnBot(fleet.bot('BRAIN_T1'));
	await pollUntil('the bot to report', () => (fleet.starts('BRAIN_T1').length > 0 ? true : undefined));
	const request = {accounts: ['T1'], yes: false};

	const headless = terminal(null);
	await assert.rejects(runStopAction('shutdown', config, request, headless), (error: unknown) => error instanceof UsageError && /no terminal to ask on, so nothing was signalled\. Add --yes/.test(error.message));
	assert.match(headless.said[0] ?? '', new RegExp(`shutdown: stop BRAIN_T1 PID ${bot.pid}.*\\n  1\\. stop BRAIN_T1 PID ${bot.pid} \\(running without its lock\\)$`, 's'));
	assert.deepEqual(headless.asked, []);

	const no = terminal('n');
	assert.equal(await runStopAction('shutdown', config, request, no), exitCode.failed);
	assert.deepEqual(no.asked, ['Proceed? [y/N] ']);
	assert.equal(no.said.at(-1), 'cancelled; nothing was signalled');
	assert.equal(isAlive(bot.pid), true);

	const yes = terminal(' YES ');
	assert.equal(await runStopAction('shutdown', config, request, yes), exitCode.ok);
	assert.equal(isAlive(bot.pid), false);
	assert.match(yes.said.at(-1) ?? '', /^shutdown: 1 done, 0 skipped, 0 failed$/m);
});
