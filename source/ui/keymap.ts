import type {Key} from 'ink';
import type {Theme} from './theme.js';

/** What a key asks for; the panes and the shell carry intents out. */
export type Intent =
	| 'interrupt'
	| 'select-previous'
	| 'select-next'
	| 'open-detail'
	| 'close'
	| 'cycle-pane'
	| 'launch-selected'
	| 'launch-all'
	| 'clear-stale'
	| 'stop-duplicates'
	| 'shutdown-selected'
	| 'shutdown-all'
	| 'refresh'
	| 'filter'
	| 'events'
	| 'help'
	| 'quit'
	| 'confirm'
	| 'cancel'
	| 'filter-apply'
	| 'filter-clear'
	| 'filter-type';

/** Which screen has the keyboard. */
export type View = 'deck' | 'events' | 'help' | 'confirm' | 'filter';
/** Which pane of the deck view has the keyboard. */
export type Pane = 'accounts' | 'detail' | 'events';

/** Everything a binding's `when` may look at. */
export interface KeyContext {
	view: View;
	pane: Pane;
	detailOpen: boolean;
	/** An account is selected. */
	selected: boolean;
	/** An action is being planned, confirmed or run. */
	busy: boolean;
}

/** A key press reduced to one name: `up`, `down`, `return`, `escape`, `tab`, `backspace`, `ctrl+c`, or the typed text. */
export type KeyPress = string;

export interface KeyBinding {
	/** Key names that trigger it; `any` matches every key (so it must come after the others of its view). */
	keys: readonly string[];
	/** How the keys read where `any` or a name would not say enough. */
	keyText?: string;
	/** One or two words for the status bar. */
	label: string;
	/** What it does, for the help overlay and the README. */
	description: string;
	/** When it applies, in words. */
	whenText: string;
	when: (context: KeyContext) => boolean;
	intent: Intent;
	/** False keeps it out of the status bar (it still shows in help). */
	bar?: boolean;
}

const inDeck = (context: KeyContext) => context.view === 'deck';
const browsing = (context: KeyContext) => context.view === 'deck' || context.view === 'events';
const scrolling = (context: KeyContext) => browsing(context) || context.view === 'help';
const canAct = (context: KeyContext) => inDeck(context) && !context.busy;
const canActOnSelected = (context: KeyContext) => canAct(context) && context.selected;

/** The one keymap: input handling, the status bar, the help overlay and the README all read it. */
export const keymap: readonly KeyBinding[] = [
	{keys: ['ctrl+c'], label: 'quit', description: 'quit at once; no bot is stopped', whenText: 'always', when: () => true, intent: 'interrupt', bar: false},
	{keys: ['y'], label: 'yes, run it', description: 'confirm the action shown', whenText: 'confirmation', when: context => context.view === 'confirm', intent: 'confirm'},
	{keys: ['any'], keyText: 'any other key', label: 'cancel', description: 'cancel: nothing is done (the default)', whenText: 'confirmation', when: context => context.view === 'confirm', intent: 'cancel'},
	{keys: ['return'], label: 'apply', description: 'keep the filter and go back', whenText: 'filter', when: context => context.view === 'filter', intent: 'filter-apply'},
	{keys: ['escape'], label: 'clear', description: 'clear the filter and go back', whenText: 'filter', when: context => context.view === 'filter', intent: 'filter-clear'},
	{keys: ['any'], keyText: 'text', label: 'type', description: 'type to filter; Backspace deletes', whenText: 'filter', when: context => context.view === 'filter', intent: 'filter-type', bar: false},
	{keys: ['up', 'k'], label: 'select', description: 'select the previous account, or scroll the focused pane', whenText: 'deck, events view, help', when: scrolling, intent: 'select-previous'},
	{keys: ['down', 'j'], label: 'select', description: 'select the next account, or scroll the focused pane', whenText: 'deck, events view, help', when: scrolling, intent: 'select-next'},
	{keys: ['return'], label: 'open', description: "open the selected account's detail", whenText: 'accounts pane, detail closed', when: context => inDeck(context) && context.pane === 'accounts' && context.selected && !context.detailOpen, intent: 'open-detail'},
	{keys: ['escape'], label: 'close', description: 'close the detail pane, the events view or help', whenText: 'detail open, events view, help', when: context => (inDeck(context) && context.detailOpen) || context.view === 'events' || context.view === 'help', intent: 'close'},
	{keys: ['tab'], label: 'pane', description: 'cycle panes: accounts, detail, events', whenText: 'deck', when: inDeck, intent: 'cycle-pane'},
	{keys: ['l'], label: 'launch', description: "launch the selected account's missing components", whenText: 'account selected, no action running', when: canActOnSelected, intent: 'launch-selected'},
	{keys: ['L'], label: 'launch all', description: 'launch everything missing in the fleet', whenText: 'no action running', when: canAct, intent: 'launch-all'},
	{keys: ['c'], label: 'clear', description: 'clear stale locks (only those proven stale)', whenText: 'no action running', when: canAct, intent: 'clear-stale'},
	{keys: ['d'], label: 'dups', description: 'stop duplicates of the selected account (keeps the lock holder)', whenText: 'account selected, no action running', when: canActOnSelected, intent: 'stop-duplicates'},
	{keys: ['s'], label: 'shutdown', description: 'safe shutdown of the selected account (open trades untouched)', whenText: 'account selected, no action running', when: canActOnSelected, intent: 'shutdown-selected'},
	{keys: ['S'], label: 'shutdown all', description: 'safe shutdown of everything (open trades untouched)', whenText: 'no action running', when: canAct, intent: 'shutdown-all'},
	{keys: ['r'], label: 'refresh', description: 'refresh now', whenText: 'deck, events view', when: browsing, intent: 'refresh'},
	{keys: ['/'], label: 'filter', description: 'filter accounts (or events, in the events view)', whenText: 'deck, events view', when: browsing, intent: 'filter'},
	{keys: ['e'], label: 'events', description: 'show or hide the events view', whenText: 'deck, events view', when: browsing, intent: 'events'},
	{keys: ['?'], label: 'help', description: 'show or hide this help', whenText: 'deck, events view, help', when: context => browsing(context) || context.view === 'help', intent: 'help'},
	{keys: ['q'], label: 'quit', description: 'quit; no bot is stopped (asks again while an action runs)', whenText: 'deck, events view, help', when: context => browsing(context) || context.view === 'help', intent: 'quit'},
];

/** Reduce Ink's (input, key) to one key name. */
export function keyPress(input: string, key: Key): KeyPress {
	if (key.ctrl && input === 'c') {
		return 'ctrl+c';
	}

	if (key.upArrow) {
		return 'up';
	}

	if (key.downArrow) {
		return 'down';
	}

	if (key.return) {
		return 'return';
	}

	if (key.escape) {
		return 'escape';
	}

	if (key.tab) {
		return 'tab';
	}

	if (key.backspace || key.delete) {
		return 'backspace';
	}

	return input;
}

const textControls: Record<string, KeyPress> = {'\r': 'return', '\t': 'tab', '\u007F': 'backspace', '\b': 'backspace', '\u0003': 'ctrl+c'};

/**
 * Every key in one input event. A terminal (tmux, an SSH link, key repeat) may deliver several
 * keys in one read, and Ink passes such a run on as one string: `jj\r` would match no binding and
 * the keys would silently do nothing. Escape sequences already arrive one per event.
 */
export function keyPresses(input: string, key: Key): KeyPress[] {
	const chars = [...input];
	if (chars.length <= 1 || key.ctrl || key.meta) {
		return [keyPress(input, key)];
	}

	return chars.map(char => textControls[char] ?? char);
}

/** The binding a key press triggers now, if any: the first that applies and names the key. */
export function resolveKey(press: KeyPress, context: KeyContext, bindings: readonly KeyBinding[] = keymap): KeyBinding | undefined {
	return bindings.find(binding => binding.when(context) && (binding.keys.includes(press) || binding.keys.includes('any')));
}

/** Bindings that apply now, in table order. */
export function applicable(context: KeyContext, bindings: readonly KeyBinding[] = keymap): KeyBinding[] {
	return bindings.filter(binding => binding.when(context));
}

const keyNames: Record<string, (symbols: Theme['symbols']) => string> = {
	up: symbols => symbols.up,
	down: symbols => symbols.down,
	return: () => 'Enter',
	escape: () => 'Esc',
	tab: () => 'Tab',
	backspace: () => 'Backspace',
	'ctrl+c': () => 'Ctrl-C',
};

export function keyName(name: string, symbols: Theme['symbols']): string {
	return keyNames[name]?.(symbols) ?? name;
}

/** All of a binding's keys, as help lists them: `↑/k`. */
export function bindingKeys(binding: KeyBinding, symbols: Theme['symbols']): string {
	return binding.keyText ?? binding.keys.map(name => keyName(name, symbols)).join('/');
}

/** Status-bar entries: one per label, a label's first keys run together (`↑↓ select`). */
export function barEntries(context: KeyContext, symbols: Theme['symbols'], bindings: readonly KeyBinding[] = keymap): Array<{keys: string; label: string}> {
	const entries: Array<{keys: string; label: string}> = [];
	for (const binding of applicable(context, bindings)) {
		if (binding.bar === false) {
			continue;
		}

		const first = binding.keyText ?? keyName(binding.keys[0] ?? '', symbols);
		const previous = entries.at(-1);
		if (previous?.label === binding.label) {
			// Arrows run together (`↑↓`); spelled-out names need a separator (`Up/Down`).
			previous.keys += first.length > 1 || previous.keys.length > 1 ? `/${first}` : first;
		} else {
			entries.push({keys: first, label: binding.label});
		}
	}

	return entries;
}

const markdownSymbols = {up: '↑', down: '↓'} as Theme['symbols'];

/** The key list the README embeds, generated from the same table. */
export function keymapMarkdown(bindings: readonly KeyBinding[] = keymap): string {
	const rows = bindings.map(binding => {
		const keys = binding.keyText ?? binding.keys.map(name => `\`${keyName(name, markdownSymbols)}\``).join(' ');
		return `| ${keys} | ${binding.description} | ${binding.whenText} |`;
	});
	return ['| Key | Action | When |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

/** Key names `keyPress` produces for keys that are not text. */
export const namedKeys: ReadonlySet<string> = new Set(['up', 'down', 'return', 'escape', 'tab', 'backspace', 'ctrl+c']);
