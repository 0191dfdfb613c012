export {ProgressView} from './progress-view.js';
export {progressLines, type ProgressInput} from './progress-lines.js';
