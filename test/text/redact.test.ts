import assert from 'node:assert/strict';
import test from 'node:test';
import {hideSecrets, isSecretEntry, redactArgv, redactCommandLine, redactText, redactUrl, urlSecrets} from '../../source/text/redact.js';

test('redactUrl hides the userinfo password and secret-looking query values, keeps the rest', () => {
	assert.equal(redactUrl('http://user:pass@127.0.0.1:8801/status?token=abc'), 'http://user:%5Bredacted%5D@127.0.0.1:8801/status?token=%5Bredacted%5D');
	for (const name of ['token', 'key', 'secret', 'password', 'apikey', 'api_key', 'access_token', 'auth', 'Authorization', 'signature', 'passwd']) {
		const shown = redactUrl(`https://bridge.example/status?account=ATLAS&${name}=hunter2xyz`);
		assert.ok(!shown.includes('hunter2xyz'), `${name}: ${shown}`);
		assert.match(shown, /account=ATLAS/);
	}

	assert.equal(redactUrl('http://127.0.0.1:8801/status?account=ATLAS'), 'http://127.0.0.1:8801/status?account=ATLAS', 'nothing secret, nothing changed');
	assert.ok(!redactUrl('https://h/cb#access_token=tok-123&state=x').includes('tok-123'), 'OAuth fragment');
});

test('redactUrl cleans a URL the parser refuses, by its text', () => {
	const shown = redactUrl('http://user:s3cret@127.0.0.1:99999/status?token=tok-9&x=1');
	assert.ok(!shown.includes('s3cret') && !shown.includes('tok-9'), shown);
	assert.match(shown, /x=1/);
});

test('urlSecrets lists what hideSecrets must hide elsewhere in a message', () => {
	const url = 'http://user:p%40ss@h/status?token=tok-7&account=ATLAS&key=ab';
	assert.deepEqual(urlSecrets(url), ['p%40ss', 'p@ss', 'tok-7'], 'decoded forms too; two-character values are not hunted');
	assert.equal(hideSecrets('401: bad token tok-7 for p@ss', urlSecrets(url)), '401: bad token [redacted] for [redacted]');
});

test('one rule for every output: a fencing token is a number, a text token a credential', () => {
	assert.equal(isSecretEntry('token', 42), false);
	assert.equal(isSecretEntry('token', 'abc'), true);
	assert.equal(isSecretEntry('startToken', '8812345'), false);
	assert.equal(isSecretEntry('fencingToken', 3), false);
	assert.equal(isSecretEntry('MT5_PASSWORD', 'x'), true);
});

test('commands and free text lose secret options\' values and URL secrets', () => {
	assert.deepEqual(redactArgv(['node', 'fake-bot.js', '--password', 'hunter2', '--status', 'http://u:pw-1@h/s?token=t-1']), [
		'node', 'fake-bot.js', '--password', '[redacted]', '--status', 'http://u:%5Bredacted%5D@h/s?token=%5Bredacted%5D',
	]);
	assert.equal(redactCommandLine('python bot.py --api-key=k1 --account ATLAS'), 'python bot.py --api-key=[redacted] --account ATLAS');
	assert.equal(redactText('GET http://u:pw@host/health failed (timeout)'), 'GET http://u:%5Bredacted%5D@host/health failed (timeout)');
	assert.equal(redactText('http://h/s?token=t-1: connection refused (http://h/x?key=k-1).'), 'http://h/s?token=%5Bredacted%5D: connection refused (http://h/x?key=%5Bredacted%5D).', 'the sentence keeps its punctuation');
});
