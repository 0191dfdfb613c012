/**
 * What the faces need of the config (DESIGN.md §2: faces reach the world through `runtime/`):
 * loading and describing it, its limits and schema, and the types they render. Re-exports only,
 * so `config/` stays the one place its rules live.
 */
export {configJsonSchema, describeConfig, loadConfig, numberLimits, watcherLockName} from '../config/index.js';
export {isConfigured} from '../config/resolve.js';
export type {FleetConfig, RestartPolicy} from '../config/types.js';
