export {openJournal, warnOnStderr, defaultRetentionDays} from './open-journal.js';
export {parseSince} from './since.js';
export {parseKinds, defaultLevels} from './kinds.js';
export {formatHistory, type HistoryFormatOptions} from './format-history.js';
export {formatReport, toReportJson, formatDuration} from './format-report.js';
export {configLoadedEvent, configRejectedEvent, lockClearedEvent} from './fleet-events.js';
export {lockRecordDetail, redactDetail, redactText, isSecretDetailKey} from './redact.js';
export {schemaVersion} from './schema.js';
export * from './types.js';
