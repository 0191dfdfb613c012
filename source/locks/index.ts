/** The lock protocol (DESIGN.md §4, docs/lock-protocol.md): the only API other layers use. */
export {acquire, type AcquireOptions, type AcquireResult} from './acquire.js';
export {clearAll, clearStale, clearStaleLock, type ClearOutcome} from './clear.js';
export type {JudgeContext} from './context.js';
export {LocksDirError} from './errors.js';
export {createLocksDir, locksDirPermissions} from './files.js';
export {inspect, list} from './inspect.js';
export {validateLockName} from './name.js';
export {parseLock, type ParseError} from './parse.js';
export {heartbeat, release, type HeldLock} from './release.js';
export {judge, type JudgeFacts, type Judgement} from './verdict.js';
export {clearPlannedStop, plannedStopSuffix, readPlannedStop, writePlannedStop, type PlannedStop} from './planned-stop.js';
