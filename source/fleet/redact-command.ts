const secretFlag = /^(--?[\w-]*(?:pass(?:word)?|passwd|token|secret|api[-_]?key|credential)[\w-]*)(=.*)?$/i;

/**
 * Mask the values of secret-looking flags in a command line (`--password hunter2`,
 * `--api-key=…`): a bot started with its broker password on the command line must not have it
 * printed by `--once` or shown in the TUI.
 */
export function redactCommand(command: string): string {
	const words = command.split(' ');
	for (let index = 0; index < words.length; index++) {
		const match = secretFlag.exec(words[index] ?? '');
		if (!match) {
			continue;
		}

		if (match[2]) {
			words[index] = `${match[1]}=[redacted]`;
		} else if (index + 1 < words.length) {
			words[index + 1] = '[redacted]';
			index++;
		}
	}

	return words.join(' ');
}
