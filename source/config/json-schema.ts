import * as z from 'zod';
import {configSchema} from './schema.js';

/**
 * JSON Schema (draft 2020-12) of `fleetdeck.config.json` for editors. It describes the file as
 * written (defaults make keys optional); rules a JSON Schema cannot say (regex validity, unique
 * names, one of url/file) are checked only by `parseConfig`.
 */
export function configJsonSchema(): Record<string, unknown> {
	return {
		...z.toJSONSchema(configSchema, {target: 'draft-2020-12', io: 'input', unrepresentable: 'any'}),
		title: 'fleetdeck configuration',
		description: 'fleetdeck.config.json: the components, services and broker accounts fleetdeck watches (DESIGN.md §3).',
	};
}
