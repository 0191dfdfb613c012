import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {acquire, inspect, release} from '../../source/locks/index.js';
import {tempLocksDir} from './helpers.js';

const spec = fileURLToPath(new URL('../../../docs/lock-protocol.md', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Drives the reference client from stdin: "acquire NAME", "release NAME"; one JSON line back each. */
const driver = `
import json, sys
import fleetdeck_lock as fl
held = {}
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    action, name = line.split()
    if action == "acquire":
        held[name] = fl.acquire(sys.argv[1], name, account="ATLAS", command="python PYBOT.py")
        print(json.dumps(held[name]), flush=True)
    else:
        print(json.dumps(fl.release(sys.argv[1], name, held.pop(name))), flush=True)
`;

test('the Python reference client in docs/lock-protocol.md interoperates with fleetdeck', {skip: hasPython ? false : 'python3 is not installed', timeout: 30_000}, async t => {
	const dir = tempLocksDir(t);
	const source = /```python\n([\s\S]*?)```/.exec(readFileSync(spec, 'utf8'))?.[1];
	assert.ok(source, 'the spec has a python block');
	const work = tempLocksDir(t);
	writeFileSync(path.join(work, 'fleetdeck_lock.py'), source);
	writeFileSync(path.join(work, 'driver.py'), driver);
	const python = spawn('python3', [path.join(work, 'driver.py'), dir], {cwd: work, stdio: ['pipe', 'pipe', 'inherit']});
	t.after(() => {
		python.kill('SIGKILL');
	});
	const lines = createInterface({input: python.stdout})[Symbol.asyncIterator]();
	const ask = async (command: string): Promise<unknown> => {
		python.stdin.write(`${command}\n`);
		return JSON.parse(String((await lines.next()).value)) as unknown;
	};

	assert.deepEqual(JSON.parse(String((await lines.next()).value)), {ready: true});
	const pythonRecord = await ask('acquire PYBOT') as {pid: number; token: number; startToken: string};
	assert.equal(pythonRecord.pid, python.pid);
	assert.equal(pythonRecord.token, 1);

	const judged = await inspect(dir, 'PYBOT');
	assert.equal(judged?.verdict, 'live', judged?.reason);
	assert.equal(judged?.record?.format, 'v1');
	assert.equal(judged?.record?.account, 'ATLAS');
	const ours = await acquire(dir, 'PYBOT');
	assert.ok(!ours.acquired, 'fleetdeck does not take a lock the Python client holds');
	assert.equal(ours.holder.record?.pid, python.pid);
	assert.equal((await release(dir, 'PYBOT', {pid: process.pid, startToken: null, token: 1})).released, false);

	assert.equal(await ask('release PYBOT'), true);
	assert.ok(!existsSync(path.join(dir, 'PYBOT.lock')));

	const mine = await acquire(dir, 'PYBOT');
	assert.ok(mine.acquired);
	assert.equal(mine.record.token, 2, 'the token counter is shared');
	assert.equal(await ask('acquire PYBOT'), null, 'the Python client does not take a lock fleetdeck holds');
	assert.ok((await release(dir, 'PYBOT', mine.record)).released);
	const again = await ask('acquire PYBOT') as {token: number};
	assert.equal(again.token, 3);
	python.stdin.end();
});
