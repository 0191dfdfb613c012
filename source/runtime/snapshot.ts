/**
 * The fleet snapshot as faces see it (DESIGN.md §2: faces reach the world through `runtime/`):
 * the one-shot read `--once` and the commands use, and the views the deck and the reports render.
 * Re-exports only, so `fleet/` stays the one place a snapshot is judged.
 */
export {configProblem} from '../fleet/build-snapshot.js';
export {lockView} from '../fleet/component.js';
export {gatherSnapshot, judgeContext, onceBrokerFacts} from '../fleet/gather.js';
export type {AccountView, ComponentView, FleetSnapshot, HealthLevelView, LockView} from '../fleet/types.js';
