/**
 * Every exit code a fleetdeck command returns, in one table (README "exit codes", DESIGN.md §2).
 * It sits at the bottom of the tree and imports nothing, so the commands, the CLI and the
 * supervisor in `control/` all name their codes from here.
 *
 * The first four are the monitoring-plugin convention, keyed by level name, so a level indexes
 * the table directly (`exitCode[snapshot.level]`): Nagios, Icinga and cron `||` read them as they
 * are. The level→code map in the vocabulary must stay equal to them.
 */
export const exitCode = {
	/** OK; for a command that acts: everything it set out to do was done. */
	ok: 0,
	/** WARNING. */
	warn: 1,
	/** CRITICAL. */
	crit: 2,
	/** UNKNOWN: something could not be verified, or the command failed before it could tell. */
	unknown: 3,
	/**
	 * An action (launch, shutdown, stop-duplicates, locks clear-*) did not fully succeed: a target
	 * not confirmed gone, a launch refused or failed, a lock not removed, a confirmation declined.
	 * The same number as WARNING: those commands are not monitoring checks.
	 */
	failed: 1,
	/** EX_USAGE: a bad command line or config file. */
	usage: 64,
	/** EX_SOFTWARE: the deck stopped on an error, or the demo could not clean up after itself. */
	software: 70,
	/** EX_TEMPFAIL: `fleetdeck run` refused because a live process holds the lock. */
	lockHeld: 75,
} as const;

/** The shell convention for a process ended by signal number `signal`: 128 + n. */
export function signalExitCode(signal: number): number {
	return 128 + signal;
}
