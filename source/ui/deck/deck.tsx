import React from 'react';
import {Box, useApp, useStdin} from 'ink';
import {AccountsTable, filterAccounts, needsPin, resolveSelection, sortAccounts, useAccountsTableKeys, useAccountsTableState} from '../accounts-table/index.js';
import {ConfirmDialog, useConfirmDialogKeys} from '../confirm-dialog/index.js';
import {DetailPane, detailBodyLength, detailOffset, useDetailPaneKeys, useDetailPaneState} from '../detail-pane/index.js';
import {eventItems, EventsStrip, filterItems} from '../events-strip/index.js';
import {EventsView, useEventsViewKeys, useEventsViewState} from '../events-view/index.js';
import {FilterBar, useFilterKeys} from '../filter/index.js';
import {Header, headerHeight} from '../header/index.js';
import {HelpOverlay, helpLines, useHelpOverlayKeys, useHelpOverlayState} from '../help-overlay/index.js';
import type {KeyContext, View} from '../keymap.js';
import {computeLayout} from '../layout.js';
import {ProgressView} from '../progress-view/index.js';
import {hasServicesRow, ServicesRow} from '../services-row/index.js';
import {StatusBar, statusLines} from '../status-bar/index.js';
import type {ActionPhase, ActionStore} from '../store/action-store.js';
import type {FleetStore} from '../store/fleet-store.js';
import type {Theme} from '../theme.js';
import {useActions, useFleet} from '../use-stores.js';
import {useTerminalSize, type TerminalSize} from '../use-terminal-size.js';
import {useDeckKeys} from './use-deck-keys.js';
import {useDeckState} from './use-deck-state.js';

export interface DeckProps {
	fleet: FleetStore;
	actions: ActionStore;
	theme: Theme;
	pollSeconds: number;
	/** Pins the size instead of following the terminal (tests, benchmarks). */
	size?: TerminalSize;
	/** Leave the deck; defaults to Ink's exit. Nothing is stopped. */
	onQuit?: () => void;
}

function statusNote(action: ActionPhase, filter: string, quitArmed: boolean, theme: Theme): string {
	if (quitArmed && action.phase !== 'idle') {
		return 'q again quits (the action goes on)';
	}

	switch (action.phase) {
		case 'planning': {
			return `planning ${action.kind}${theme.symbols.ellipsis}`;
		}

		case 'running': {
			return `${theme.symbols.spinner[action.frame % theme.symbols.spinner.length] ?? ''} ${action.plan.kind} running`;
		}

		case 'confirming':
		case 'idle': {
			return filter ? `filter "${filter}"` : '';
		}
	}
}

/** The app shell: reads the two stores, lays the panes out, routes keys by view and focus. */
export function Deck({fleet, actions, theme, pollSeconds, size: fixedSize, onQuit}: DeckProps) {
	const app = useApp();
	const {isRawModeSupported} = useStdin();
	const fleetState = useFleet(fleet);
	const {action, notices} = useActions(actions);
	const size = useTerminalSize(fixedSize);
	const [deck, dispatch] = useDeckState();
	const [selection, select] = useAccountsTableState();
	const [detailScroll, scrollDetail] = useDetailPaneState();
	const [eventsOffset, scrollEvents] = useEventsViewState();
	const [helpOffset, scrollHelp] = useHelpOverlayState();

	const {snapshot} = fleetState;
	const accounts = filterAccounts(sortAccounts(snapshot?.accounts ?? []), deck.filters.deck);
	const ids = accounts.map(account => account.id);
	const selectedId = resolveSelection(selection, ids).id;
	if (needsPin(selection, ids)) {
		// Before the first move the selection is just "the top row"; once an account is shown
		// selected it is held by id, or an overlay and a re-sort (ATLAS going CRIT, then back to OK)
		// would bring the operator back to a different account. React re-renders at once, before commit.
		select({type: 'pin', ids});
	}

	const selectedAccount = accounts.find(account => account.id === selectedId) ?? null;
	const items = eventItems(fleetState.events, notices);
	const viewItems = filterItems(items, deck.filters.events);
	const view: View = action.phase === 'confirming' ? 'confirm' : deck.overlay ?? deck.base;
	const busy = action.phase !== 'idle';
	const context: KeyContext = {view, pane: deck.pane, detailOpen: deck.detailOpen && selectedAccount !== null, selected: selectedId !== null, busy};

	const {columns: width} = size;
	const note = statusNote(action, deck.filters[deck.base], deck.quitArmed, theme);
	const status = view === 'filter' ? 1 : statusLines({context, note, width, theme}).length;
	const latency = selectedAccount ? fleetState.latency[selectedAccount.id] ?? [] : [];
	const detailLength = selectedAccount ? detailBodyLength(selectedAccount, latency, theme) : 0;
	const layout = computeLayout({
		rows: size.rows,
		status,
		header: headerHeight(fleetState.stale, fleetState.error),
		accounts: accounts.length,
		services: hasServicesRow(snapshot),
		detailOpen: context.detailOpen,
		detailWanted: detailLength + 1,
		progressSteps: action.phase === 'running' ? action.plan.steps.length : null,
	});
	const detailMax = Math.max(0, detailLength - (layout.detail - 1));
	const listening = isRawModeSupported === true;
	const inDeck = view === 'deck';

	const quit = () => {
		if (busy && action.phase !== 'confirming' && !deck.quitArmed) {
			actions.notice('warn', 'an action is still running; press q again to quit (what it started keeps running)');
			dispatch({type: 'arm-quit'});
			return;
		}

		(onQuit ?? app.exit)();
	};

	useDeckKeys({
		context,
		isActive: listening,
		selectedId,
		dispatch,
		request: actions.request,
		refresh: fleet.refresh,
		quit,
		interrupt: onQuit ?? app.exit,
	});
	useAccountsTableKeys({
		context,
		isActive: listening && inDeck && deck.pane === 'accounts',
		onPrevious: () => select({type: 'select-previous', ids}),
		onNext: () => select({type: 'select-next', ids}),
		onOpen: () => dispatch({type: 'open-detail'}),
	});
	useDetailPaneKeys({
		context,
		isActive: listening && inDeck && deck.pane === 'detail' && context.detailOpen,
		onScrollUp: () => scrollDetail({type: 'back', account: selectedId}),
		onScrollDown: () => scrollDetail({type: 'forward', max: detailMax, account: selectedId}),
	});
	useEventsViewKeys({
		context,
		isActive: listening && (view === 'events' || (inDeck && deck.pane === 'events')),
		onOlder: () => scrollEvents({type: 'forward', max: (view === 'events' ? viewItems : items).length - 1}),
		onNewer: () => scrollEvents({type: 'back'}),
	});
	useHelpOverlayKeys({
		context,
		isActive: listening && view === 'help',
		onScrollUp: () => scrollHelp({type: 'back'}),
		onScrollDown: () => scrollHelp({type: 'forward', max: helpLines(theme, width).length - (layout.body - 1)}),
	});
	useConfirmDialogKeys({
		context,
		isActive: listening && view === 'confirm',
		onConfirm: actions.confirm,
		onCancel: actions.cancel,
	});
	useFilterKeys({
		context,
		isActive: listening && view === 'filter',
		onType: text => dispatch({type: 'filter-type', text}),
		onBackspace: () => dispatch({type: 'filter-backspace'}),
		onApply: () => dispatch({type: 'filter-apply'}),
		onClear: () => dispatch({type: 'filter-clear'}),
	});

	const body = () => {
		if (action.phase === 'confirming') {
			return <ConfirmDialog plan={action.plan} height={layout.body} width={width} theme={theme}/>;
		}

		if (deck.overlay === 'help') {
			return <HelpOverlay offset={helpOffset} height={layout.body} width={width} theme={theme}/>;
		}

		if (deck.base === 'events') {
			return <EventsView items={viewItems} filter={deck.filters.events} offset={eventsOffset} height={layout.body} width={width} theme={theme}/>;
		}

		const empty = deck.filters.deck
			? `no account matches "${deck.filters.deck}"`
			: snapshot === null ? `reading the fleet${theme.symbols.ellipsis}` : `no accounts (watching ${snapshot.locksDir})`;
		return (
			<>
				<AccountsTable accounts={accounts} selectedId={selectedId} height={layout.table} width={width} focused={deck.pane === 'accounts'} empty={empty} theme={theme}/>
				{layout.services > 0 && snapshot ? <ServicesRow snapshot={snapshot} width={width} theme={theme}/> : null}
				{action.phase === 'running' && layout.progress > 0
					? <ProgressView plan={action.plan} progress={action.progress} frame={action.frame} height={layout.progress} width={width} theme={theme}/>
					: null}
				{context.detailOpen && selectedAccount && layout.detail > 0
					? <DetailPane account={selectedAccount} latency={latency} offset={detailOffset(detailScroll, selectedId)} height={layout.detail} width={width} focused={deck.pane === 'detail'} theme={theme}/>
					: null}
				<EventsStrip items={items} height={layout.events} width={width} offset={eventsOffset} focused={deck.pane === 'events'} theme={theme}/>
			</>
		);
	};

	return (
		<Box flexDirection="column" width={width}>
			<Header snapshot={snapshot} now={fleetState.now} stale={fleetState.stale} error={fleetState.error} pollSeconds={pollSeconds} width={width} theme={theme}/>
			{body()}
			{view === 'filter'
				? <FilterBar text={deck.filters[deck.base]} target={deck.base === 'deck' ? 'accounts' : 'events'} width={width} theme={theme}/>
				: <StatusBar context={context} note={note} width={width} theme={theme}/>}
		</Box>
	);
}
