import {healthStates, type HealthState} from './types.js';

type Levels = {service: HealthState; connection: HealthState; broker: HealthState};

/**
 * The three health levels of a sample packed into one small integer (two bits each: service,
 * connection, broker), so a week of samples every poll stays a few bytes a row.
 */
export function packLevels(levels: Levels): number {
	return (code(levels.service) << 4) | (code(levels.connection) << 2) | code(levels.broker);
}

export function unpackLevels(packed: number): Levels {
	return {service: state(packed >> 4), connection: state(packed >> 2), broker: state(packed)};
}

function code(level: HealthState): number {
	const index = healthStates.indexOf(level);
	return index === -1 ? 0 : index;
}

function state(bits: number): HealthState {
	return healthStates[bits & 0b11] ?? 'unknown';
}
