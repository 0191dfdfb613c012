import {useReducer} from 'react';
import type {Pane} from '../keymap.js';

/** Which screen and pane have the keyboard, the filters, and whether `q` was pressed once during an action. */
export interface DeckState {
	base: 'deck' | 'events';
	overlay: 'help' | 'filter' | null;
	pane: Pane;
	detailOpen: boolean;
	/** One filter per base view: accounts in the deck, events in the events view. */
	filters: {deck: string; events: string};
	quitArmed: boolean;
}

export type DeckAction =
	| {type: 'open-detail' | 'close' | 'cycle-pane' | 'toggle-events' | 'toggle-help' | 'arm-quit'}
	| {type: 'filter-open' | 'filter-backspace' | 'filter-apply' | 'filter-clear'}
	| {type: 'filter-type'; text: string};

export const initialDeck: DeckState = {base: 'deck', overlay: null, pane: 'accounts', detailOpen: false, filters: {deck: '', events: ''}, quitArmed: false};

function setFilter(state: DeckState, text: string): DeckState {
	return {...state, filters: {...state.filters, [state.base]: text}};
}

export function deckReducer(state: DeckState, action: DeckAction): DeckState {
	switch (action.type) {
		case 'open-detail': {
			return {...state, detailOpen: true};
		}

		case 'close': {
			if (state.overlay !== null) {
				return {...state, overlay: null};
			}

			if (state.base === 'events') {
				return {...state, base: 'deck'};
			}

			return {...state, detailOpen: false, pane: state.pane === 'detail' ? 'accounts' : state.pane};
		}

		case 'cycle-pane': {
			const panes: Pane[] = state.detailOpen ? ['accounts', 'detail', 'events'] : ['accounts', 'events'];
			const next = panes[(panes.indexOf(state.pane) + 1) % panes.length] ?? 'accounts';
			return {...state, pane: next};
		}

		case 'toggle-events': {
			return {...state, base: state.base === 'events' ? 'deck' : 'events', overlay: null};
		}

		case 'toggle-help': {
			return {...state, overlay: state.overlay === 'help' ? null : 'help'};
		}

		case 'arm-quit': {
			return {...state, quitArmed: true};
		}

		case 'filter-open': {
			return {...state, overlay: 'filter'};
		}

		case 'filter-type': {
			return setFilter(state, state.filters[state.base] + action.text);
		}

		case 'filter-backspace': {
			return setFilter(state, [...state.filters[state.base]].slice(0, -1).join(''));
		}

		case 'filter-apply': {
			return {...state, overlay: null};
		}

		case 'filter-clear': {
			return {...setFilter(state, ''), overlay: null};
		}
	}
}

export function useDeckState() {
	return useReducer(deckReducer, initialDeck);
}
