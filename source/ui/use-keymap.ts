import {useInput} from 'ink';
import {keyPresses, resolveKey, type Intent, type KeyContext, type KeyPress} from './keymap.js';

export type IntentHandlers = Partial<Record<Intent, (press: KeyPress) => void>>;

/**
 * Listen for keys while `isActive`, resolve each through the keymap and run the handler for its
 * intent, if this pane has one. Every pane resolves the same table, so panes never disagree on
 * what a key means. Keys that arrive together are taken one by one against the context of this
 * render, so a `y` typed ahead of its confirmation still finds no dialog to confirm.
 */
export function useKeymap(context: KeyContext, handlers: IntentHandlers, isActive: boolean): void {
	useInput((input, key) => {
		for (const press of keyPresses(input, key)) {
			const binding = resolveKey(press, context);
			if (binding) {
				handlers[binding.intent]?.(press);
			}
		}
	}, {isActive});
}
