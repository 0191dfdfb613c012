const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The suffix every lockfile carries; `<NAME>.lock.*` siblings (temp, guard, token) never end with it. */
export const lockSuffix = '.lock';

/**
 * Check a lock NAME (the part before `.lock`). Returns null when it is acceptable, else the reason
 * in words. Names come from operators and configs and become file names, so anything that could
 * leave the locks directory is refused here.
 */
export function validateLockName(name: string): string | null {
	if (typeof name !== 'string' || name.length === 0) {
		return 'lock name is empty';
	}

	if (name.includes('..')) {
		return `lock name "${name}" contains "..", which is not allowed`;
	}

	if (!namePattern.test(name)) {
		return `lock name "${name}" must match ${namePattern.source} (letters, digits, ".", "_", "-"; at most 128 characters, starting with a letter or digit)`;
	}

	return null;
}

/** The lock NAME of a directory entry, or null when the entry is not a `*.lock` file. */
export function lockNameOf(fileName: string): string | null {
	if (!fileName.endsWith(lockSuffix) || fileName.length === lockSuffix.length) {
		return null;
	}

	return fileName.slice(0, -lockSuffix.length);
}
