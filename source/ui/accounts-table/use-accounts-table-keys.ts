import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface AccountsTableKeys {
	context: KeyContext;
	isActive: boolean;
	onPrevious: () => void;
	onNext: () => void;
	onOpen: () => void;
}

/** Up/down move the selection and Enter opens the detail while the accounts pane has focus. */
export function useAccountsTableKeys({context, isActive, onPrevious, onNext, onOpen}: AccountsTableKeys): void {
	useKeymap(context, {'select-previous': onPrevious, 'select-next': onNext, 'open-detail': onOpen}, isActive);
}
