/**
 * The seams of the runtime (DESIGN.md §2, docs/architecture.md): each port is an interface the
 * runtime is wired with, and each has one or more implementations in `adapters/` (and per OS for
 * the process platform, in `procs/platform/`). One export line per port, so each can be added on its own.
 */
export * from './ports/process-platform.js';
export * from './ports/lock-store.js';
export * from './ports/status-feed.js';
export * from './ports/event-sink.js';
