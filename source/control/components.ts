import type {BackoffConfig, ComponentConfig, FleetConfig} from '../config/types.js';

/** The backoff a component gets when the config does not describe it (DESIGN.md §6 defaults). */
export const defaultBackoff: BackoffConfig = {
	initialSeconds: 1,
	maxSeconds: 60,
	factor: 2,
	resetAfterSeconds: 60,
	crashLoopFailures: 5,
	crashLoopWindowSeconds: 300,
};

/** Every configured component: services first, then each account's, with the account's `enabled` applied. */
export function allComponents(config: FleetConfig): ComponentConfig[] {
	return [
		...config.services,
		...config.accounts.flatMap(account => account.components.map(component => ({...component, enabled: component.enabled && account.enabled}))),
	];
}

export function findComponent(config: FleetConfig, name: string): ComponentConfig | undefined {
	return allComponents(config).find(component => component.name === name);
}
