import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface HelpOverlayKeys {
	context: KeyContext;
	isActive: boolean;
	onScrollUp: () => void;
	onScrollDown: () => void;
}

export function useHelpOverlayKeys({context, isActive, onScrollUp, onScrollDown}: HelpOverlayKeys): void {
	useKeymap(context, {'select-previous': onScrollUp, 'select-next': onScrollDown}, isActive);
}
