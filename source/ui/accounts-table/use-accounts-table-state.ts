import {useReducer} from 'react';

/** The selection follows an account id, not a row number, so re-sorts never move it. */
export interface SelectionState {
	selectedId: string | null;
	/** Row of the last explicit move: where to land if the selected account disappears. */
	index: number;
}

export type SelectionAction =
	| {type: 'select-next' | 'select-previous'; ids: readonly string[]}
	| {type: 'select'; id: string; ids: readonly string[]}
	/** Hold on to the account shown as selected, so a later re-sort cannot move the selection to another one. */
	| {type: 'pin'; ids: readonly string[]};

export const initialSelection: SelectionState = {selectedId: null, index: 0};

/** The account shown as selected among `ids` (rows in display order). */
export function resolveSelection(state: SelectionState, ids: readonly string[]): {id: string | null; index: number} {
	const index = state.selectedId === null ? -1 : ids.indexOf(state.selectedId);
	if (index >= 0) {
		return {id: state.selectedId, index};
	}

	if (ids.length === 0) {
		return {id: null, index: -1};
	}

	const fallback = Math.min(Math.max(0, state.index), ids.length - 1);
	return {id: ids[fallback] ?? null, index: fallback};
}

/** The selection shows an account it does not hold by id yet (none chosen, or the chosen one is gone). */
export function needsPin(state: SelectionState, ids: readonly string[]): boolean {
	const shown = resolveSelection(state, ids).id;
	return shown !== null && shown !== state.selectedId;
}

export function selectionReducer(state: SelectionState, action: SelectionAction): SelectionState {
	const current = resolveSelection(state, action.ids);
	if (current.id === null) {
		return state;
	}

	if (action.type === 'pin') {
		return current.id === state.selectedId ? state : {selectedId: current.id, index: current.index};
	}

	let index = current.index;
	switch (action.type) {
		case 'select-next': {
			index = Math.min(action.ids.length - 1, current.index + 1);
			break;
		}

		case 'select-previous': {
			index = Math.max(0, current.index - 1);
			break;
		}

		case 'select': {
			index = Math.max(0, action.ids.indexOf(action.id));
			break;
		}
	}

	return {selectedId: action.ids[index] ?? null, index};
}

export function useAccountsTableState() {
	return useReducer(selectionReducer, initialSelection);
}
