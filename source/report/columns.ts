/**
 * Text for a terminal. Names and reasons come from files anyone can write into the locks
 * directory: a lockfile named `x\e[2J.lock` must not clear the operator's screen, and a newline in
 * a name must not forge a table row. Control characters are shown as escapes instead.
 */
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001F\u007F-\u009F]/g;

export function printable(text: string): string {
	return text.replaceAll(controls, character => {
		const code = character.codePointAt(0) ?? 0;
		return code === 0x0A ? String.raw`\n` : code === 0x09 ? ' ' : `\\x${code.toString(16).padStart(2, '0')}`;
	});
}

/** `text` made printable, cut to `width` characters (ending in `ellipsis` when cut) and padded to exactly `width`. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ellipsis = '…'): string {
	const chars = [...printable(text)];
	const cut = chars.length > width ? `${chars.slice(0, Math.max(0, width - [...ellipsis].length)).join('')}${ellipsis}` : chars.join('');
	const padding = ' '.repeat(Math.max(0, width - [...cut].length));
	return align === 'left' ? cut + padding : padding + cut;
}

/** Width of the widest value, at least `min` and at most `max`. */
export function columnWidth(values: readonly string[], min: number, max: number): number {
	return Math.min(max, Math.max(min, ...values.map(value => [...printable(value)].length)));
}

/**
 * `text` made printable and wrapped on words to `width`, continuation lines indented. A word too
 * long for any line (a long path, a 128-character lock name) is cut across lines, so every line
 * stays within `width`.
 */
export function wrap(text: string, width: number, indent: string): string {
	const lines: string[] = [];
	let line = '';
	const room = Math.max(1, width - [...indent].length);
	for (const whole of printable(text).split(' ').filter(Boolean)) {
		let word = [...whole];
		if (line && [...line].length + 1 + word.length > width) {
			lines.push(line);
			line = indent;
		}

		const start = line === '' || line === indent ? '' : ' ';
		const free = Math.max(1, width - [...line].length - start.length);
		if (word.length > free) {
			// A word that fits no line: fill this one, then whole continuation lines.
			lines.push(line + start + word.slice(0, free).join(''));
			word = word.slice(free);
			while (word.length > room) {
				lines.push(indent + word.slice(0, room).join(''));
				word = word.slice(room);
			}

			line = indent + word.join('');
		} else {
			line = line + start + word.join('');
		}
	}

	lines.push(line);
	return lines.join('\n');
}
