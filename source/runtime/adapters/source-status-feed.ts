import {checkServiceHealth, fetchSnapshot} from '../../broker/index.js';
import type {StatusFeed} from '../ports/status-feed.js';

/**
 * The status feed every fleetdeck uses today: each account's snapshot over HTTP or from a status
 * file (`broker/sources.ts`: deadlines, size caps, secrets kept out of every message), each
 * service's health URL by one GET.
 */
export const sourceStatusFeed: StatusFeed = {
	fetch: fetchSnapshot,
	checkService: checkServiceHealth,
};
