export {openJournal, defaultRetentionDays} from './open-journal.js';
export {parseSince} from './since.js';
export {parseKinds, defaultLevels} from './kinds.js';
export {formatHistory, type HistoryFormatOptions} from './format-history.js';
export {formatReport, toReportJson, formatDuration} from './format-report.js';
export {lockRecordDetail, redactDetail, isSecretKey} from './redact.js';
export {schemaVersion} from './schema.js';
export * from './types.js';
