import {isStale} from '../../runtime/locks.js';
import type {AccountView, ComponentView} from '../../runtime/snapshot.js';
import {driftProblemCodes, healthLayers, levelRank, worstHealth} from '../../vocabulary.js';
import {cell, type Line, type Segment} from '../line.js';
import {isLevelTone, type Badge, type Theme, type Tone} from '../theme.js';

/** How alarming a tone is: a level's severity; a plain style counts as ok. */
function toneRank(tone: Tone): number {
	return isLevelTone(tone) ? levelRank(tone) : levelRank('ok');
}

/** Worst level first; equal levels keep the configured order. */
export function sortAccounts(accounts: readonly AccountView[]): AccountView[] {
	return accounts
		.map((account, index) => ({account, index}))
		.sort((a, b) => levelRank(b.account.level) - levelRank(a.account.level) || a.index - b.index)
		.map(({account}) => account);
}

/** Case-insensitive match on the account id, broker login or any component name. */
export function filterAccounts(accounts: readonly AccountView[], filter: string): AccountView[] {
	const needle = filter.trim().toLowerCase();
	if (needle === '') {
		return [...accounts];
	}

	return accounts.filter(account => [account.id, account.number, ...account.components.map(component => component.name)]
		.some(text => text.toLowerCase().includes(needle)));
}

function roleCell(components: ComponentView[], role: ComponentView['role'], theme: Theme): Badge | null {
	let shown: Badge | null = null;
	for (const component of components.filter(candidate => candidate.role === role)) {
		const badge = theme.component(component.state);
		if (shown === null || toneRank(badge.tone) > toneRank(shown.tone)) {
			shown = badge;
		}
	}

	return shown;
}

function duplicatesCell(account: AccountView): Segment {
	const most = Math.max(0, ...account.components.map(component => component.instances));
	return most > 1 ? {text: `x${most}`, tone: 'crit'} : {text: '-', tone: 'muted'};
}

function locksCell(account: AccountView): Segment {
	const locks = account.components.flatMap(component => (component.lock ? [component.lock] : []));
	const stale = locks.filter(lock => isStale(lock.verdict)).length;
	if (stale > 0) {
		return {text: `${stale} stale`, tone: 'crit'};
	}

	return {text: `${locks.length}/${account.components.length}`, tone: locks.length === account.components.length ? 'plain' : 'muted'};
}

function healthCell(account: AccountView, theme: Theme): Segment {
	const {health} = account;
	if (health === null) {
		return {text: 'n/a', tone: 'muted'};
	}

	if (health.stale) {
		return {text: 'STALE', tone: 'warn'};
	}

	const badge = theme.health(worstHealth(...healthLayers.map(layer => health[layer].state)));
	return {text: `${badge.symbol} ${badge.word}`, tone: badge.tone};
}

function driftCell(account: AccountView): Segment {
	const confirmed = account.drift.filter(drift => drift.status === 'confirmed');
	if (confirmed.length > 0) {
		// A class that raises no problem (a manual trade) is shown, never alarmed.
		const alarming = confirmed.some(drift => driftProblemCodes[drift.class] !== null);
		return {text: String(confirmed.length), tone: alarming ? 'warn' : 'plain'};
	}

	return account.drift.length > 0 ? {text: `${account.drift.length}?`, tone: 'muted'} : {text: '-', tone: 'muted'};
}

const badgeSegment = (badge: Badge | null): Segment => (badge ? {text: `${badge.symbol} ${badge.word}`, tone: badge.tone} : {text: '-', tone: 'muted'});

interface Column {
	title: string;
	width: number;
	value: (account: AccountView, theme: Theme) => Segment;
}

/** The account column takes what the fixed ones leave, within reason. */
export function tableColumns(width: number): Column[] {
	const fixed: Column[] = [
		{title: 'BRAIN', width: 12, value: (account, theme) => badgeSegment(roleCell(account.components, 'brain', theme))},
		{title: 'WATCHDOG', width: 12, value: (account, theme) => badgeSegment(roleCell(account.components, 'watchdog', theme))},
		{title: 'DUPS', width: 4, value: duplicatesCell},
		{title: 'LOCKS', width: 7, value: locksCell},
		{title: 'HEALTH', width: 10, value: healthCell},
		{title: 'DRIFT', width: 5, value: driftCell},
		{title: 'LEVEL', width: 6, value: (account, theme) => badgeSegment(theme.level(account.level))},
	];
	// Every column is followed by one space; the line may not reach the last column of the terminal.
	const used = 2 + fixed.reduce((sum, column) => sum + column.width + 1, 0) + 1;
	const accountWidth = Math.max(8, Math.min(32, width - used));
	return [
		{title: 'ACCOUNT', width: accountWidth, value: account => ({text: accountWidth >= 20 ? `${account.id} ${account.number}` : account.id, bold: true})},
		...fixed,
	];
}

/** First row to show so the selected one stays in view, centred where the list allows. */
export function windowStart(count: number, selectedIndex: number, height: number): number {
	if (count <= height || selectedIndex < 0) {
		return 0;
	}

	return Math.max(0, Math.min(selectedIndex - Math.floor(height / 2), count - height));
}

export interface TableLinesInput {
	accounts: AccountView[];
	selectedId: string | null;
	/** Lines available, the title row included. */
	height: number;
	width: number;
	focused: boolean;
	/** What to say when there are no rows. */
	empty: string;
	theme: Theme;
}

export function tableLines({accounts, selectedId, height, width, focused, empty, theme}: TableLinesInput): Line[] {
	const columns = tableColumns(width);
	const {ellipsis} = theme.symbols;
	const title: Line = [{text: '  '}, ...columns.map(column => ({text: cell(column.title, column.width, ellipsis) + ' ', tone: 'muted' as const, bold: true}))];
	if (accounts.length === 0) {
		return [title, [{text: `  ${empty}`, tone: 'muted'}]];
	}

	const rows = Math.max(1, height - 1);
	const selectedIndex = accounts.findIndex(account => account.id === selectedId);
	const start = windowStart(accounts.length, selectedIndex, rows);
	const lines = accounts.slice(start, start + rows).map((account): Line => {
		const selected = account.id === selectedId;
		const marker: Segment = {text: selected ? `${theme.symbols.selected} ` : '  ', tone: 'accent', bold: true};
		return [marker, ...columns.map(column => {
			const value = column.value(account, theme);
			return {...value, text: cell(value.text, column.width, ellipsis) + ' ', inverse: selected && focused};
		})];
	});
	return [title, ...lines];
}
