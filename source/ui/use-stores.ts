import {useSyncExternalStore} from 'react';
import type {ActionState, ActionStore} from './store/action-store.js';
import type {FleetState, FleetStore} from './store/fleet-store.js';

/** The fleet as the store last saw it; re-renders only on a visible change. */
export function useFleet(store: FleetStore): FleetState {
	return useSyncExternalStore(store.subscribe, store.getState);
}

/** The running action and the deck's own notices. */
export function useActions(store: ActionStore): ActionState {
	return useSyncExternalStore(store.subscribe, store.getState);
}
