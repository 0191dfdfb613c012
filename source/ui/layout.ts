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
	/** Lines the open detail pane could fill, its title included; it grows up to this. */
	detailWanted?: number;
	/** Steps of the running action; null when none runs. */
	progressSteps: number | null;
}

/**
 * Ink clears the whole screen on every update when a frame is as tall as the terminal, so one
 * row always stays free. The events strip starts from a fifth of the body; the rows the table,
 * progress and detail leave over go to it too, so a tall terminal shows more history, not blank rows.
 */
export function computeLayout({rows, header, status, accounts, services, detailOpen, detailWanted = Number.POSITIVE_INFINITY, progressSteps}: LayoutInput): Layout {
	const body = Math.max(0, rows - 1 - header - status);
	const eventsBase = Math.min(body, Math.max(2, Math.min(12, Math.floor(body / 5))));
	const servicesHeight = services && body - eventsBase > 2 ? 1 : 0;
	const rest = Math.max(0, body - eventsBase - servicesHeight);
	const tableWanted = Math.max(2, accounts + 1);
	const lowerWanted = detailOpen || progressSteps !== null;
	const table = lowerWanted ? Math.min(tableWanted, Math.max(3, Math.floor(rest * 0.4)), rest) : Math.min(tableWanted, rest);
	const lower = rest - table;
	const progress = progressSteps === null ? 0 : detailOpen ? Math.min(progressSteps + 1, Math.max(2, Math.floor(lower / 2)), lower) : lower;
	const detail = detailOpen ? Math.min(lower - progress, Math.max(2, detailWanted)) : 0;
	const events = eventsBase + lower - progress - detail;
	return {body, table, services: servicesHeight, progress, detail, events};
}
