const hints: Record<string, string> = {
	ENOENT: 'it does not exist',
	ENOTDIR: 'it is not a directory',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EROFS: 'it is on a read-only file system',
};

/** The locks directory itself is missing or cannot be used; the message names the directory and the errno. */
export class LocksDirError extends Error {
	/** The directory as given. */
	readonly dir: string;
	/** The errno code (`ENOENT`, `EACCES`, …). */
	readonly code: string;

	constructor(dir: string, code: string) {
		super(`cannot use the locks directory ${dir}: ${code}${hints[code] ? ` (${hints[code]})` : ''}`);
		this.name = 'LocksDirError';
		this.dir = dir;
		this.code = code;
	}
}

export function errnoOf(error: unknown): string {
	return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
}

/** An error from working on one file, in words: its errno code and what that means, else its message. */
export function describeFileError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (typeof code === 'string') {
		return `${code}${hints[code] ? ` (${hints[code]})` : ''}`;
	}

	return error instanceof Error ? error.message : String(error);
}
