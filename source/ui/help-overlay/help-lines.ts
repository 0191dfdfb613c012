import {bindingKeys, keymap} from '../keymap.js';
import {cell, textWidth, type Line} from '../line.js';
import type {Theme} from '../theme.js';

/** Every binding of the keymap: keys, what it does, when it applies. */
export function helpLines(theme: Theme, width: number): Line[] {
	return keymap.map(binding => {
		const keys = `  ${cell(bindingKeys(binding, theme.symbols), 14, theme.symbols.ellipsis)}`;
		const when = `  (${binding.whenText})`;
		// Narrow terminals keep the description whole and drop the "when": the status bar shows what applies.
		const fits = textWidth(keys + binding.description + when) <= width;
		return [
			{text: keys, tone: 'accent', bold: true},
			{text: binding.description},
			{text: fits ? when : '', tone: 'muted'},
		];
	});
}
