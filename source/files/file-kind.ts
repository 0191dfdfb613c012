/** The part of fs.Stats that says what kind of file it is (lstat or fstat). */
export interface KindOfFile {
	isFile(): boolean;
	isDirectory(): boolean;
	isSymbolicLink(): boolean;
	isFIFO(): boolean;
	isSocket(): boolean;
	isBlockDevice(): boolean;
	isCharacterDevice(): boolean;
}

/** What a file that is not a regular file is, in words for a message: "a FIFO", "a symbolic link". */
export function fileKind(stats: KindOfFile): string {
	if (stats.isFile()) {
		return 'a regular file';
	}

	if (stats.isDirectory()) {
		return 'a directory';
	}

	if (stats.isSymbolicLink()) {
		return 'a symbolic link';
	}

	if (stats.isFIFO()) {
		return 'a FIFO';
	}

	if (stats.isSocket()) {
		return 'a socket';
	}

	return stats.isBlockDevice() || stats.isCharacterDevice() ? 'a device' : 'a special file';
}
