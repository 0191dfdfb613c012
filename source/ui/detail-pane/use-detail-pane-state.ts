import {useReducer} from 'react';
import {scrollReducer, type ScrollAction} from '../scroll.js';

/** How far the detail pane is scrolled, for which account: a new account starts at the top. */
export interface DetailScrollState {
	account: string | null;
	offset: number;
}

export type DetailScrollAction = ScrollAction & {account: string | null};

export const initialDetailScroll: DetailScrollState = {account: null, offset: 0};

/** The offset to use for `account`; another account's scroll does not carry over. */
export function detailOffset(state: DetailScrollState, account: string | null): number {
	return state.account === account ? state.offset : 0;
}

export function detailScrollReducer(state: DetailScrollState, action: DetailScrollAction): DetailScrollState {
	return {account: action.account, offset: scrollReducer(detailOffset(state, action.account), action)};
}

export function useDetailPaneState() {
	return useReducer(detailScrollReducer, initialDetailScroll);
}
