export {HelpOverlay, type HelpOverlayProps} from './help-overlay.js';
export {helpLines} from './help-lines.js';
export {useHelpOverlayState} from './use-help-overlay-state.js';
export {useHelpOverlayKeys} from './use-help-overlay-keys.js';
