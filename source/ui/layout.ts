/** How many lines each part of the deck gets: the frame stays at most rows - 1 lines tall. */
export interface Layout {
	/** Everything between header and status bar (overlays and the events view take all of it). */
	body: number;
	table: number;
	services: number;
	progress: number;
	detail: number;
	events: number;
}

export interface LayoutInput {
	rows: number;
	header: number;
	/** Lines of the status bar. */
	status: number;
	accounts: number;
	services: boolean;
	detailOpen: boolean;
	/** Steps of the running action; null when none runs. */
	progressSteps: number | null;
}

/**
 * Ink clears the whole screen on every update when a frame is as tall as the terminal, so one
 * row always stays free.
 */
export function computeLayout({rows, header, status, accounts, services, detailOpen, progressSteps}: LayoutInput): Layout {
	const body = Math.max(0, rows - 1 - header - status);
	const events = Math.min(body, Math.max(2, Math.min(12, Math.floor(body / 5))));
	const servicesHeight = services && body - events > 2 ? 1 : 0;
	const rest = Math.max(0, body - events - servicesHeight);
	const tableWanted = Math.max(2, accounts + 1);
	const lowerWanted = detailOpen || progressSteps !== null;
	const table = lowerWanted ? Math.min(tableWanted, Math.max(3, Math.floor(rest * 0.4)), rest) : Math.min(tableWanted, rest);
	const lower = rest - table;
	const progress = progressSteps === null ? 0 : detailOpen ? Math.min(progressSteps + 1, Math.max(2, Math.floor(lower / 2)), lower) : lower;
	const detail = detailOpen ? lower - progress : 0;
	return {body, table, services: servicesHeight, progress, detail, events};
}
