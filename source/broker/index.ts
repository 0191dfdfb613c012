export {assessHealth, combine, staleAfterIntervals, type AccountHealth, type HealthLevel} from './health.js';
export {diffPositions, driftPause, driftSeverity, matchPositions, type DriftSeverity, type FieldChange, type RawDifference} from './drift.js';
export {DriftTracker, driftLevel, tombstoneMs, type DriftItem, type DriftObservation} from './drift-tracker.js';
export {backoffDelay, pollOnce, startAccountPollers, startPoller, systemClock, type Clock, type FleetPollers, type Poller, type PollerOptions} from './poller.js';
export {assessOnce, type AssessOnceOptions, type OnceAssessment} from './assess-once.js';
export {recordPoll, type PollResult} from './poll-result.js';
export {checkServiceHealth, defaultMaxBytes, describeSource, fetchSnapshot, type FetchOptions, type FetchOutcome, type SnapshotFetcher} from './sources.js';
export {parseSnapshot, positionId, statusSnapshotSchema, validateSnapshot, type ConnectionState, type Deal, type Position, type StatusSnapshot} from './snapshot.js';
