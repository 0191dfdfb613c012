/** The seams between the core and the world (DESIGN.md §2); each port lives in its own file under ports/. */
export * from './ports/process-platform.js';
