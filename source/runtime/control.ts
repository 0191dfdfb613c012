/**
 * What the faces need to act (DESIGN.md §2: faces reach the world through `runtime/`): the
 * controller, the supervisor `fleetdeck run` hands over to, plans and their steps, and the text
 * they are shown as. Re-exports only, so `control/` stays the one code that signals a process.
 */
export {cliPath} from '../control/cli-path.js';
export {defaultBackoff, findComponent} from '../control/components.js';
export {createController} from '../control/controller.js';
export {formatLaunchTable, formatPlan, formatResult} from '../control/format.js';
export {compareIdentity} from '../control/identity-check.js';
export {resolveScope, UnknownAccountError} from '../control/plan.js';
export {skipReason, skipRefuses, stepLabel} from '../control/steps.js';
export {runSupervisor} from '../control/supervisor.js';
export type {ActionKind, ActionResult, Controller, Plan, PlanStep, Scope, StepProgress, StepStatus} from '../control/types.js';
