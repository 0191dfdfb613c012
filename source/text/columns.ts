import {printable} from './printable.js';
import {displayWidth, sliceToWidth} from './width.js';

/** Width in display cells of the widest value once printable, at least `min` and at most `max`. */
export function columnWidth(values: readonly string[], min: number, max: number): number {
	return Math.min(max, Math.max(min, ...values.map(value => displayWidth(printable(value)))));
}

/** `word` cut into its first `width` cells and the rest; at least one character, so a cut always progresses. */
function cutWord(word: string, width: number): [string, string] {
	const head = sliceToWidth(word, width) || [...word][0] || '';
	return [head, word.slice(head.length)];
}

/**
 * `text` made printable and wrapped on words to `width` display cells, continuation lines
 * indented. A word too long for any line (a long path, a 128-character lock name) is cut across
 * lines, so every line stays within `width` (a CJK name counts two cells a character).
 */
export function wrap(text: string, width: number, indent: string): string {
	const lines: string[] = [];
	let line = '';
	const room = Math.max(1, width - displayWidth(indent));
	for (const whole of printable(text).split(' ').filter(Boolean)) {
		let word = whole;
		if (line && displayWidth(line) + 1 + displayWidth(word) > width) {
			lines.push(line);
			line = indent;
		}

		const start = line === '' || line === indent ? '' : ' ';
		const free = Math.max(1, width - displayWidth(line) - start.length);
		if (displayWidth(word) > free) {
			// A word that fits no line: fill this one, then whole continuation lines.
			const [head, rest] = cutWord(word, free);
			lines.push(line + start + head);
			word = rest;
			while (displayWidth(word) > room) {
				const [piece, remainder] = cutWord(word, room);
				lines.push(indent + piece);
				word = remainder;
			}

			line = indent + word;
		} else {
			line = line + start + word;
		}
	}

	lines.push(line);
	return lines.join('\n');
}
