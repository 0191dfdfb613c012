import {useReducer} from 'react';
import {scrollReducer} from '../scroll.js';

/** How many events back from the newest the list is scrolled (shared by the strip and the events view). */
export function useEventsViewState() {
	return useReducer(scrollReducer, 0);
}
