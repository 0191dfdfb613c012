import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface ConfirmDialogKeys {
	context: KeyContext;
	isActive: boolean;
	onConfirm: () => void;
	onCancel: () => void;
}

/** `y` runs the plan; every other key, Enter and Esc included, cancels it. */
export function useConfirmDialogKeys({context, isActive, onConfirm, onCancel}: ConfirmDialogKeys): void {
	useKeymap(context, {confirm: onConfirm, cancel: onCancel}, isActive);
}
