import {useReducer} from 'react';
import {scrollReducer} from '../scroll.js';

/** Scroll offset of the help list, for terminals too short to show it whole. */
export function useHelpOverlayState() {
	return useReducer(scrollReducer, 0);
}
