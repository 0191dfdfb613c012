import {stepLabel} from '../../source/control/steps.js';
import type {ActionKind, ActionResult, Controller, Plan, PlanStep, Scope, StepProgress} from '../../source/control/types.js';
import type {AccountView, ComponentView, FleetSnapshot, HealthLevelView} from '../../source/fleet/types.js';
import type {JournalEvent} from '../../source/journal/types.js';
import type {ComponentState, Level, VerdictCode} from '../../source/vocabulary.js';
import {deferred, type Deferred} from './fake-time.js';

/** Hand-built fleet data for the deck's tests and benchmark: plain objects typed as the contracts. */
export const at = '2026-11-22T18:00:00.000Z';

const health = (state: HealthLevelView['state'], reason = `${state} because`): HealthLevelView => ({state, reason});

export interface ComponentOptions {
	state?: ComponentState;
	level?: Level;
	instances?: number;
	verdict?: VerdictCode | null;
	pid?: number;
}

export function componentView(name: string, role: ComponentView['role'], account: string | null, options: ComponentOptions = {}): ComponentView {
	const {state = 'running', level = 'ok', instances = state === 'stopped' ? 0 : 1, verdict = state === 'stopped' ? null : 'live', pid = 19_000} = options;
	const processes = Array.from({length: instances}, (_, index) => ({
		pid: pid + index * 10,
		ppid: 1,
		instance: pid + index * 10,
		command: `python ${name}.py`,
		startToken: String((pid + index * 10) * 7),
		cpu: 1.5,
		memoryBytes: 52_428_800,
		uptimeSeconds: 3725,
		holdsLock: index === 0 && verdict === 'live',
	}));
	return {
		name,
		role,
		account,
		enabled: true,
		state,
		level,
		instances,
		lock: verdict === null ? null : {
			name,
			verdict,
			reason: verdict === 'live' ? `PID ${pid} holds it` : `PID ${pid} is gone`,
			pid,
			account,
			hostname: 'deck-host',
			createdAt: at,
			heartbeatAt: null,
			token: 3,
			format: 'v1',
			child: null,
			orphaned: false,
			proof: verdict === 'live' ? 'start-token' : null,
			ageSeconds: 600,
			path: `/fleet/.locks/${name}.lock`,
		},
		processes,
		restarts: 0,
		health: null,
		plannedStop: null,
	};
}

export interface AccountOptions {
	level?: Level;
	brain?: ComponentOptions;
	watchdog?: ComponentOptions;
	/** Broker health: omitted means configured and ok; null means no status source. */
	connection?: HealthLevelView['state'] | null;
	stale?: boolean;
	drift?: AccountView['drift'];
}

export function accountView(id: string, number: string, options: AccountOptions = {}): AccountView {
	const {level = 'ok', connection = 'ok', stale = false, drift = []} = options;
	return {
		id,
		number,
		enabled: true,
		level,
		components: [
			componentView(`WATCHDOG_${id}`, 'watchdog', id, {pid: 30_000 + number.length, ...options.watchdog}),
			componentView(`BRAIN_${id}`, 'brain', id, {pid: 20_000 + number.length, ...options.brain}),
		],
		health: connection === null ? null : {
			service: health('ok'),
			connection: health(connection),
			broker: health('ok'),
			stale,
			asOf: at,
			latencyMs: 38,
			error: null,
		},
		drift,
		positions: connection === null ? null : {bot: 2, broker: 2},
	};
}

/** The five accounts of the incident report, ATLAS running three brains. */
export function incidentFleet(): FleetSnapshot {
	const accounts = [
		accountView('BG_INSTANT', '366604'),
		accountView('BG_CHALLENGE', '365060', {level: 'warn', connection: 'degraded'}),
		accountView('ATLAS', '212000584', {
			level: 'crit',
			brain: {state: 'duplicate', level: 'crit', instances: 3, pid: 19_248},
			drift: [{class: 'closed-externally', status: 'confirmed', positionId: 5011, symbol: 'BTCUSD', message: 'closed by SL, -23.00'}],
		}),
		accountView('GL_3', '107245', {watchdog: {state: 'stale-lock', level: 'crit', instances: 0, verdict: 'stale-dead'}, level: 'crit'}),
		accountView('FTMO', '1521063483', {connection: null}),
	];
	return fleet(accounts);
}

export function fleet(accounts: AccountView[], level: Level = 'crit'): FleetSnapshot {
	return {
		schema: 1,
		generatedAt: at,
		host: 'deck-host',
		level,
		health: {service: health('ok'), connection: health('degraded'), broker: health('ok')},
		config: '/fleet/fleetdeck.config.json',
		locksDir: '/fleet/.locks',
		accounts,
		services: [componentView('quantum_server', 'service', null, {pid: 8000})],
		locks: [],
		problems: [],
	};
}

/** `count` healthy accounts, for layout limits and the benchmark. */
export function largeFleet(count: number): FleetSnapshot {
	return fleet(Array.from({length: count}, (_, index) => accountView(`ACCT_${String(index).padStart(3, '0')}`, String(100_000 + index))), 'ok');
}

export function journalEvent(id: number, message: string, level: JournalEvent['level'] = 'info'): JournalEvent {
	return {id, at, host: 'deck-host', kind: 'lock.stale', account: 'GL_3', component: 'WATCHDOG_GL_3', pid: 30_006, level, message, detail: {}};
}

export function plan(kind: ActionKind, scope: Scope, steps: PlanStep[], destructive = kind !== 'launch'): Plan {
	return {kind, scope, destructive, steps, summary: `${kind} ${steps.map(step => stepLabel(step)).join(', ') || 'nothing'}; open trades are not touched`};
}

export function stopStep(id: string, component: string, pid: number): PlanStep {
	return {
		id,
		kind: 'stop',
		target: {component, account: 'ATLAS', pid, startToken: String(pid * 7), pids: [pid], why: 'component', lock: component, stopSignal: 'SIGTERM', stopTimeoutSeconds: 30},
	};
}

export function launchStep(id: string, component: string): PlanStep {
	return {id, kind: 'launch', target: {component, account: 'ATLAS', staleLock: null}};
}

/** A controller that records every call; each execution finishes when the test says so. */
export class FakeController implements Controller {
	readonly planned: Array<{kind: ActionKind; scope: Scope}> = [];
	readonly executed: Plan[] = [];
	progress: ((progress: StepProgress) => void) | undefined;
	running: Deferred<ActionResult> | undefined;

	constructor(private readonly planFor: (kind: ActionKind, scope: Scope) => Plan = defaultPlan) {}

	async plan(kind: ActionKind, scope: Scope): Promise<Plan> {
		this.planned.push({kind, scope});
		return this.planFor(kind, scope);
	}

	async execute(plan: Plan, onProgress?: (progress: StepProgress) => void): Promise<ActionResult> {
		this.executed.push(plan);
		this.progress = onProgress;
		this.running = deferred<ActionResult>();
		return this.running.promise;
	}

	/** Finish the running execution with every step done. */
	finish(ok = true): void {
		const plan = this.executed.at(-1);
		if (!plan || !this.running) {
			throw new Error('FakeController.finish: nothing is executing');
		}

		this.running.resolve({
			kind: plan.kind,
			ok,
			summary: ok ? `${plan.kind} finished` : `${plan.kind} failed`,
			steps: plan.steps.map(step => ({id: step.id, label: stepLabel(step), status: ok ? 'done' : 'failed', message: ok ? 'ok' : 'PID still there'})),
		});
	}
}

function defaultPlan(kind: ActionKind, scope: Scope): Plan {
	return kind === 'launch'
		? plan(kind, scope, [launchStep('1', 'WATCHDOG_ATLAS'), launchStep('2', 'BRAIN_ATLAS')])
		: plan(kind, scope, [stopStep('1', 'BRAIN_ATLAS', 19_248), stopStep('2', 'WATCHDOG_ATLAS', 19_301)]);
}
