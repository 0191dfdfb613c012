export {StatusBar, statusLines, type StatusBarProps} from './status-bar.js';
