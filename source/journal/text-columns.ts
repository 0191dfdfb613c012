/** `text` cut to `width` characters (ending in `…` when cut), padded to exactly `width`. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const oneLine = text.replaceAll(/\s+/g, ' ');
	const cut = oneLine.length > width ? `${oneLine.slice(0, Math.max(0, width - 1))}…` : oneLine;
	return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** Width of the widest value, at least `min` and at most `max`. */
export function columnWidth(values: readonly string[], min: number, max: number): number {
	return Math.min(max, Math.max(min, ...values.map(value => value.length)));
}
