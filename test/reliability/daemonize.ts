/**
 * A bot that daemonizes (run as a child process, not a test file):
 *
 *   node daemonize.js PIDFILE CMD…
 *
 * starts CMD in a new session (its own process group, no terminal), writes the daemon's PID to
 * PIDFILE and exits 0 at once, the way `python bot.py --daemon` or a double fork leaves a
 * grandchild behind its exited parent.
 */
import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';

const [pidFile = '', file = '', ...args] = process.argv.slice(2);
const daemon = spawn(file, args, {detached: true, stdio: 'ignore'});
writeFileSync(pidFile, String(daemon.pid));
daemon.unref();
