export {EventsStrip, type EventsStripProps} from './events-strip.js';
export {eventItems, eventLine, filterItems, windowFromNewest, type EventItem} from './event-lines.js';
