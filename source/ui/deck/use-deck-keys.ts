import type {ActionKind, Scope} from '../../runtime/control.js';
import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';
import type {DeckAction} from './use-deck-state.js';

export interface DeckKeys {
	context: KeyContext;
	isActive: boolean;
	selectedId: string | null;
	dispatch: (action: DeckAction) => void;
	request: (kind: ActionKind, scope: Scope) => void;
	refresh: () => void;
	quit: () => void;
	interrupt: () => void;
}

/** The shell's keys: views, overlays, refresh, quit, and every action through the controller. */
export function useDeckKeys({context, isActive, selectedId, dispatch, request, refresh, quit, interrupt}: DeckKeys): void {
	const selected = (kind: ActionKind) => () => {
		if (selectedId !== null) {
			request(kind, {accounts: [selectedId]});
		}
	};

	useKeymap(context, {
		interrupt,
		close: () => dispatch({type: 'close'}),
		'cycle-pane': () => dispatch({type: 'cycle-pane'}),
		events: () => dispatch({type: 'toggle-events'}),
		help: () => dispatch({type: 'toggle-help'}),
		filter: () => dispatch({type: 'filter-open'}),
		refresh,
		quit,
		'launch-selected': selected('launch'),
		'launch-all': () => request('launch', 'all'),
		'clear-stale': () => request('clear-stale', 'all'),
		'stop-duplicates': selected('stop-duplicates'),
		'shutdown-selected': selected('shutdown'),
		'shutdown-all': () => request('shutdown', 'all'),
	}, isActive);
}
