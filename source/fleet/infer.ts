import type {Role} from '../config/types.js';
import {compileMatch, escapePattern, type Matcher} from '../procs/matcher.js';
import type {ComponentSpec} from './component.js';

/**
 * Without a config, a lock named BRAIN_ATLAS stands for a component whose processes run
 * `BRAIN_ATLAS.py` (or .js, .exe …) or `fleetdeck run BRAIN_ATLAS`. The name must stand as a
 * whole path segment, so `tail -f logs/BRAIN_ATLAS.log` is not mistaken for a copy of the bot.
 */
export function inferredMatch(name: string): Matcher {
	// RE2 has no lookahead: the whitespace after the name is consumed instead of looked at, which
	// finds the same command lines (only whether there is a match counts, not where it ends).
	return compileMatch(String.raw`(?:^|[\s/\\])${escapePattern(name)}(?:\.(?:py|pyw|js|mjs|cjs|ts|sh|exe|rb|pl))?(?:\s|$)`, {ignoreCase: true});
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
