import {constants, promises as fs} from 'node:fs';
import {errnoOf} from './errors.js';
import {linkUnsupported, readEntry, siblingPath} from './files.js';

/**
 * `removed`: the very bytes expected were removed. `missing`: nothing was there. `changed`: the
 * file is not (or no longer) those bytes and was left in place. `displaced`: it changed, and
 * while it was briefly moved aside another file took its name; it stays at `asidePath`.
 */
export type RemoveOutcome = {result: 'removed' | 'missing' | 'changed'} | {result: 'displaced'; asidePath: string};

async function restore(aside: string, file: string): Promise<RemoveOutcome> {
	try {
		// link, not rename: a rename would silently replace a lock someone took in the meantime.
		await fs.link(aside, file);
	} catch (error) {
		const code = errnoOf(error);
		if (code === 'EEXIST') {
			return {result: 'displaced', asidePath: aside};
		}

		if (!linkUnsupported.has(code)) {
			throw error;
		}

		try {
			await fs.copyFile(aside, file, constants.COPYFILE_EXCL);
		} catch (copyError) {
			if (errnoOf(copyError) === 'EEXIST') {
				return {result: 'displaced', asidePath: aside};
			}

			// Not a regular file (a directory or symlink raced in): put it back as it was.
			await fs.rename(aside, file);
			return {result: 'changed'};
		}
	}

	await fs.rm(aside, {force: true});
	return {result: 'changed'};
}

/**
 * Remove `file` only if it holds exactly `expected`. A plain read-then-unlink could delete a lock
 * written between the two; here the file is first compared in place (so a changed lock normally
 * keeps its name throughout), then renamed aside and compared again, so what is finally deleted
 * is exactly what was compared. A mismatch is put back.
 */
export async function removeIfUnchanged(file: string, expected: Buffer): Promise<RemoveOutcome> {
	const before = await readEntry(file);
	if (before.kind === 'missing') {
		return {result: 'missing'};
	}

	if (before.kind !== 'read' || !before.raw.equals(expected)) {
		return {result: 'changed'};
	}

	const aside = siblingPath(file, 'aside');
	try {
		await fs.rename(file, aside);
	} catch (error) {
		if (errnoOf(error) === 'ENOENT') {
			return {result: 'missing'};
		}

		throw error;
	}

	const moved = await readEntry(aside);
	if (moved.kind === 'read' && moved.raw.equals(expected)) {
		await fs.rm(aside, {force: true});
		return {result: 'removed'};
	}

	return restore(aside, file);
}
