/**
 * What the faces need of the process table (DESIGN.md §2: faces reach the world through
 * `runtime/`): the platform the demo checks and stops its own processes through, and the pattern
 * escape its config is written with. Re-exports only.
 */
export {escapePattern} from '../procs/matcher.js';
export {processPlatform} from '../procs/platform/index.js';
export type {ProcessInfo} from '../procs/types.js';
