import {namedKeys, type KeyContext, type KeyPress} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface FilterKeys {
	context: KeyContext;
	isActive: boolean;
	onType: (text: string) => void;
	onBackspace: () => void;
	onApply: () => void;
	onClear: () => void;
}

/** Text edits the filter; Enter keeps it, Esc clears it. */
export function useFilterKeys({context, isActive, onType, onBackspace, onApply, onClear}: FilterKeys): void {
	useKeymap(context, {
		'filter-apply': onApply,
		'filter-clear': onClear,
		'filter-type'(press: KeyPress) {
			if (press === 'backspace') {
				onBackspace();
			} else if (!namedKeys.has(press) && !/[\u0000-\u001F\u007F]/.test(press)) {
				onType(press);
			}
		},
	}, isActive);
}
