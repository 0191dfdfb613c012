import type {Role} from '../config/types.js';
import type {ComponentSpec} from './component.js';

function escapeRegExp(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}

/**
 * Without a config, a lock named BRAIN_ATLAS stands for a component whose processes run
 * `BRAIN_ATLAS.py` (or .js, .exe …) or `fleetdeck run BRAIN_ATLAS`. The name must stand as a
 * whole path segment, so `tail -f logs/BRAIN_ATLAS.log` is not mistaken for a copy of the bot.
 */
export function inferredMatch(name: string): RegExp {
	return new RegExp(String.raw`(?:^|[\s/\\])${escapeRegExp(name)}(?:\.(?:py|pyw|js|mjs|cjs|ts|sh|exe|rb|pl))?(?=\s|$)`, 'i');
}

export function inferredRole(name: string): Role {
	if (/^brain/i.test(name)) {
		return 'brain';
	}

	if (/watchdog/i.test(name)) {
		return 'watchdog';
	}

	return 'other';
}

export function inferredSpec(name: string, account: string | null): ComponentSpec {
	return {name, role: account === null ? 'service' : inferredRole(name), account, enabled: true, match: inferredMatch(name), inferred: true};
}
