import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface DetailPaneKeys {
	context: KeyContext;
	isActive: boolean;
	onScrollUp: () => void;
	onScrollDown: () => void;
}

/** Up/down scroll the detail while it has focus. */
export function useDetailPaneKeys({context, isActive, onScrollUp, onScrollDown}: DetailPaneKeys): void {
	useKeymap(context, {'select-previous': onScrollUp, 'select-next': onScrollDown}, isActive);
}
