/**
 * What the faces need of the lockfiles beyond the `LockStore` port (DESIGN.md §2: faces reach the
 * world through `runtime/`): the locks directory `run` and `watch` create, lock names, one lock's
 * inspection, and the stale test the deck colours by. Re-exports only, so `locks/` stays the one
 * place a verdict is reached.
 */
export {createLocksDir, inspect, LocksDirError, validateLockName} from '../locks/index.js';
export {isStale, type LockInspection} from '../locks/types.js';
