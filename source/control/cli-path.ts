import {fileURLToPath} from 'node:url';

/** The CLI script supervisors are started with: this build's `cli.js`. */
export const cliPath = fileURLToPath(new URL('../cli.js', import.meta.url));
