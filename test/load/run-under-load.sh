#!/usr/bin/env bash
# The suite beside 4 busy loops: on a 2-core machine every test then gets a fraction of a core, so
# a test that depends on wall-clock speed (a fixed sleep, a timed loop, a holder that dies after a
# minute) fails here first. Runs the README's test command (after `npm ci`: `npm test`); the loops
# always end with it, and Ctrl-C or a TERM also ends the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
loops=()
tests=''
stop_loops() {
	if [ ${#loops[@]} -gt 0 ]; then
		kill "${loops[@]}" 2>/dev/null || true
		wait "${loops[@]}" 2>/dev/null || true
		loops=()
	fi
}
# The test run leads its own process group (setsid), so one signal reaches npm, the test runner
# and every test's children.
stop_tests() {
	if [ -n "$tests" ]; then
		kill -TERM -- "-$tests" 2>/dev/null || true
		wait "$tests" 2>/dev/null || true
		tests=''
	fi
}
trap stop_loops EXIT
trap 'stop_tests; stop_loops; exit 130' INT
trap 'stop_tests; stop_loops; exit 143' TERM
for _ in 1 2 3 4; do
	node -e 'for (;;) {}' &
	loops+=($!)
done
echo "run-under-load: 4 busy loops (PIDs ${loops[*]}) on $(nproc) cores" >&2
started=$SECONDS
# In the background, so that a signal to this script is handled at once, not after the run.
setsid npm test &
tests=$!
status=0
wait "$tests" || status=$?
tests=''
echo "run-under-load: npm test exited $status after $((SECONDS - started)) s" >&2
exit "$status"
