import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export interface TerminalSize {
	columns: number;
	rows: number;
}

/** Clear the whole screen and home the cursor. */
const clearScreen = '\u001B[2J\u001B[H';

/**
 * Quiet time after the last resize event before the full repaint: longer than Ink's render
 * throttle (33 ms at 30 fps), so the frame repainted is the one laid out for the new size.
 */
export const repaintDelayMs = 60;

/**
 * The terminal's size, following resizes; `fixed` pins it (tests, benchmarks).
 *
 * After a resize the screen no longer matches what Ink believes it drew: a terminal that narrows
 * rewraps (tmux reflows) the old, wider lines into more rows, and Ink's own resize handler draws
 * the old frame once more at the new width. Ink then erases only as many rows as it wrote, and
 * stale lines stay on screen above the deck. So once resizing settles the screen is cleared and
 * the current frame drawn again from the top, through Ink's own write (which keeps its idea of
 * the screen in step).
 */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
	const {stdout, write} = useStdout();
	const read = (): TerminalSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) {
			return;
		}

		let repaint: NodeJS.Timeout | undefined;
		const onResize = () => {
			setSize(read());
			clearTimeout(repaint);
			repaint = setTimeout(() => {
				write(clearScreen);
			}, repaintDelayMs);
		};

		stdout.on('resize', onResize);
		return () => {
			clearTimeout(repaint);
			stdout.off('resize', onResize);
		};
	}, [stdout, write, fixed]);
	return fixed ?? size;
}
