import type {ProcessPlatform} from '../../runtime/ports/process-platform.js';
import {linuxPlatform} from './linux.js';
import {posixPlatform} from './posix.js';
import {windowsPlatform} from './windows.js';

/** The process platform of this OS (or of `platform`): Linux `/proc`, Windows, or ps-list elsewhere. */
export function processPlatform(platform: NodeJS.Platform = process.platform): ProcessPlatform {
	switch (platform) {
		case 'linux':
		case 'android': {
			return linuxPlatform;
		}

		case 'win32': {
			return windowsPlatform;
		}

		default: {
			return posixPlatform;
		}
	}
}
