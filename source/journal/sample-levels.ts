import {healthStates, type HealthLayer, type HealthState} from '../vocabulary.js';

type Levels = Record<HealthLayer, HealthState>;

/**
 * Each health state's two-bit code in the samples table. These codes are on disk, so they are
 * fixed here rather than taken from the vocabulary's order: reordering `healthStates` must not
 * reinterpret a week of stored samples. A fifth state needs a wider packing (and a migration).
 */
const sampleCodes: Record<HealthState, 0 | 1 | 2 | 3> = {unknown: 0, ok: 1, degraded: 2, down: 3};

const statesByCode = new Map<number, HealthState>(healthStates.map(state => [sampleCodes[state], state]));

/**
 * The three health levels of a sample packed into one small integer (two bits each: service,
 * connection, broker), so a week of samples every poll stays a few bytes a row.
 */
export function packLevels(levels: Levels): number {
	return (sampleCodes[levels.service] << 4) | (sampleCodes[levels.connection] << 2) | sampleCodes[levels.broker];
}

export function unpackLevels(packed: number): Levels {
	return {service: state(packed >> 4), connection: state(packed >> 2), broker: state(packed)};
}

function state(bits: number): HealthState {
	return statesByCode.get(bits & 0b11) ?? 'unknown';
}
