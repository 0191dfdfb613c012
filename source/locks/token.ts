import {replaceFile, readEntry} from './files.js';

/** The last fencing token handed out for a NAME; 0 when there is no counter yet (or it is unreadable). */
export async function readTokenCounter(tokenPath: string): Promise<number> {
	const entry = await readEntry(tokenPath);
	if (entry.kind !== 'read') {
		return 0;
	}

	const value = Number(entry.raw.toString('utf8').trim());
	return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** Make the counter at least `token`, atomically; never lowers it. */
export async function raiseTokenCounter(tokenPath: string, token: number): Promise<void> {
	if ((await readTokenCounter(tokenPath)) >= token) {
		return;
	}

	await replaceFile(tokenPath, Buffer.from(`${token}\n`));
}
