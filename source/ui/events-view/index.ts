export {EventsView, type EventsViewProps} from './events-view.js';
export {useEventsViewState} from './use-events-view-state.js';
export {useEventsViewKeys} from './use-events-view-keys.js';
