/**
 * What the faces need of the journal (DESIGN.md §2: faces reach the world through `runtime/`):
 * opening it, the events a command records, history and report queries with their text, and the
 * event types the deck renders. Re-exports only, so `journal/` stays the one place its rules live.
 */
export {configLoadedEvent, formatHistory, formatReport, JournalInputError, lockClearedEvent, openJournal, parseKinds, parseSince, schedulePruning, toReportJson, warnOnStderr, type Journal} from '../journal/index.js';
export type {EventLevel, JournalEvent, NewEvent} from '../journal/types.js';
