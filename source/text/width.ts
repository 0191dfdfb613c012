import stringWidth from 'string-width';
import {printable} from './printable.js';

/**
 * Display cells, as a terminal draws them: CJK and most emoji take two cells, combining marks
 * none. Counting code points instead let a `--once` row with a Japanese account name run to 92
 * columns in an 80-column report, and made Ink cut deck lines a second time at the wrong place.
 */

const plainAscii = /^[\u0020-\u007E]*$/;
const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Cells `text` takes on a terminal. Meant for printable text (see `printable`). */
export function displayWidth(text: string): number {
	return plainAscii.test(text) ? text.length : stringWidth(text);
}

/**
 * The longest start of `text` that fits in `width` cells, cut between user-perceived characters:
 * never inside a wide character, an emoji sequence or a letter with its combining marks.
 */
export function sliceToWidth(text: string, width: number): string {
	if (width <= 0) {
		return '';
	}

	if (plainAscii.test(text)) {
		return text.slice(0, width);
	}

	let used = 0;
	let end = 0;
	for (const {segment, index} of graphemes.segment(text)) {
		const cells = stringWidth(segment);
		if (used + cells > width) {
			break;
		}

		used += cells;
		end = index + segment.length;
	}

	return text.slice(0, end);
}

/**
 * `text` cut to at most `width` cells, ending in `ellipsis` when something was cut. A wide
 * character that would straddle the edge is dropped whole, so the result may be a cell short.
 */
export function truncateToWidth(text: string, width: number, ellipsis = '…'): string {
	if (width <= 0) {
		return '';
	}

	if (displayWidth(text) <= width) {
		return text;
	}

	const mark = displayWidth(ellipsis) <= width ? ellipsis : '';
	return sliceToWidth(text, width - displayWidth(mark)) + mark;
}

/** `text` padded with spaces to at least `width` cells. */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
	return align === 'left' ? text + padding : padding + text;
}

/**
 * `text` made printable, cut to `width` cells (ending in `ellipsis` when cut) and padded to exactly
 * `width` cells: one table cell.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ellipsis = '…'): string {
	return padToWidth(truncateToWidth(printable(text), width, ellipsis), width, align);
}
