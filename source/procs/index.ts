export {readProcessTable} from './table.js';
export {sampleUsage, withUsage, type Usage} from './usage.js';
export {matchProcesses, groupInstances, instanceOf, type Instance, type MatchOptions} from './instances.js';
export type {ProcessInfo, ProcessProbe, HostFacts} from './types.js';
export {hostFacts, probeProcess, selfIdentity} from './identity.js';
