import type {KeyContext} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';

export interface EventsViewKeys {
	context: KeyContext;
	isActive: boolean;
	onOlder: () => void;
	onNewer: () => void;
}

/** Up goes back in time, down towards the newest, in the events view or the focused strip. */
export function useEventsViewKeys({context, isActive, onOlder, onNewer}: EventsViewKeys): void {
	useKeymap(context, {'select-previous': onOlder, 'select-next': onNewer}, isActive);
}
