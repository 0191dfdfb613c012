import {useInput} from 'ink';
import {keyPress, resolveKey, type Intent, type KeyContext, type KeyPress} from './keymap.js';

export type IntentHandlers = Partial<Record<Intent, (press: KeyPress) => void>>;

/**
 * Listen for keys while `isActive`, resolve each through the keymap and run the handler for its
 * intent, if this pane has one. Every pane resolves the same table, so panes never disagree on
 * what a key means.
 */
export function useKeymap(context: KeyContext, handlers: IntentHandlers, isActive: boolean): void {
	useInput((input, key) => {
		const press = keyPress(input, key);
		const binding = resolveKey(press, context);
		if (binding) {
			handlers[binding.intent]?.(press);
		}
	}, {isActive});
}
