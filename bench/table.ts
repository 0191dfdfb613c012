/** One line of the benchmark table: a figure and the baseline it is read against, measured in the same run. */
export interface BenchRow {
	name: string;
	figure: number;
	unit: string;
	baseline: string;
	baselineFigure: number | null;
	/** figure ÷ baselineFigure; null without a baseline. */
	ratio: number | null;
}

export function row(name: string, figure: number, unit: string, baseline = '-', baselineFigure: number | null = null): BenchRow {
	return {name, figure, unit, baseline, baselineFigure, ratio: baselineFigure ? figure / baselineFigure : null};
}

function show(value: number | null): string {
	if (value === null) {
		return '-';
	}

	return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The rows as one aligned text table (also valid Markdown). */
export function formatTable(rows: BenchRow[]): string {
	const header = ['benchmark', 'figure', 'unit', 'baseline', 'baseline figure', 'ratio'];
	const cells = rows.map(entry => [entry.name, show(entry.figure), entry.unit, entry.baseline, show(entry.baselineFigure), entry.ratio === null ? '-' : `${show(entry.ratio)}×`]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map(line => line[column]!.length)));
	const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
	return [line(header), line(widths.map(width => '-'.repeat(width))), ...cells.map(values => line(values))].join('\n');
}

export function median(values: number[]): number {
	return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
