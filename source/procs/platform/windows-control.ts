import {execFile} from 'node:child_process';
import {parseWin32Processes} from '../windows.js';
import type {ProcessProbe} from '../types.js';
import type {ProcessSignals, SignalOutcome} from '../../runtime/ports/process-platform.js';

/*
 * Windows has no graceful signals. The stop path is: a cooperative close request (`taskkill
 * /PID`, which posts WM_CLOSE to the process's windows), then CTRL_BREAK to the console process
 * group the supervisor created for its child, then `taskkill /T /F` (the whole tree, forced).
 * Identity is the creation time, in epoch ms, as the process table reports it.
 */

/** One program run, as an argv array (never a shell string). */
export interface WindowsCommand {
	file: string;
	args: string[];
}

const powershell = (script: string): WindowsCommand => ({file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', script]});

/** Look one process up in Win32_Process (identity: its creation time). */
export function identityCommand(pid: number): WindowsCommand {
	return powershell(`Get-CimInstance Win32_Process -Filter "ProcessId=${pid}" | Select ProcessId,ParentProcessId,Name,CommandLine,CreationDate | ConvertTo-Json -Compress`);
}

/** `identityCommand`'s output as a probe: no row is proof the PID is gone. */
export function parseIdentity(pid: number, stdout: string): ProcessProbe {
	if (stdout.trim() === '') {
		return {state: 'gone', pid};
	}

	try {
		const [found] = parseWin32Processes(stdout).filter(row => row.pid === pid);
		if (!found) {
			return {state: 'gone', pid};
		}

		// Windows owners are SIDs, not uids: the lockfile-owner check does not apply here.
		return {state: 'alive', pid, startToken: found.startToken, command: found.command === '' ? null : found.command, startedAt: found.startedAt, uid: null};
	} catch (error) {
		return {state: 'unknown', pid, reason: (error as Error).message};
	}
}

/**
 * The graceful requests, in order: a close request, then (for a process that leads a console
 * process group, as the supervisor's child does) CTRL_BREAK to that group.
 */
export function requestStopCommands(pid: number, leadsGroup: boolean): WindowsCommand[] {
	const commands: WindowsCommand[] = [{file: 'taskkill.exe', args: ['/PID', String(pid)]}];
	if (leadsGroup) {
		commands.push(powershell([
			'Add-Type -Namespace Fleetdeck -Name Console -MemberDefinition \'',
			'[DllImport("kernel32.dll")] public static extern bool FreeConsole();',
			'[DllImport("kernel32.dll")] public static extern bool AttachConsole(uint p);',
			'[DllImport("kernel32.dll")] public static extern bool SetConsoleCtrlHandler(System.IntPtr h, bool add);',
			'[DllImport("kernel32.dll")] public static extern bool GenerateConsoleCtrlEvent(uint e, uint g);\';',
			`[Fleetdeck.Console]::FreeConsole() | Out-Null; if (-not [Fleetdeck.Console]::AttachConsole(${pid})) { exit 2 };`,
			'[Fleetdeck.Console]::SetConsoleCtrlHandler([System.IntPtr]::Zero, $true) | Out-Null;',
			`if (-not [Fleetdeck.Console]::GenerateConsoleCtrlEvent(1, ${pid})) { exit 3 }`,
		].join(' ')));
	}

	return commands;
}

/** The forced stop: the process and, with `tree`, every descendant. */
export function forceKillCommand(pid: number, tree: boolean): WindowsCommand {
	return {file: 'taskkill.exe', args: [...(tree ? ['/T'] : []), '/F', '/PID', String(pid)]};
}

/** taskkill exits 128 when there is no such process; any other failure is a failure. */
export function taskkillOutcome(exitCode: number | null, stderr: string): SignalOutcome {
	if (exitCode === 0) {
		return {result: 'sent'};
	}

	if (exitCode === 128 || /not found/i.test(stderr)) {
		return {result: 'gone'};
	}

	return {result: 'failed', reason: stderr.trim() || `exit code ${exitCode ?? 'unknown'}`};
}

function run(command: WindowsCommand): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(command.file, command.args, {windowsHide: true, timeout: 30_000}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
			resolve({code, stdout, stderr});
		});
	});
}

export const windowsControl: ProcessSignals = {
	async probe(pid) {
		const {code, stdout, stderr} = await run(identityCommand(pid));
		return code === 0 ? parseIdentity(pid, stdout) : {state: 'unknown', pid, reason: stderr.trim() || `powershell exit code ${code ?? 'unknown'}`};
	},
	leadsGroup() {
		// Windows has no process-group ids to read; the supervisor starts every child in a new group.
		return null;
	},
	async requestStop(pid) {
		let outcome: SignalOutcome = {result: 'failed', reason: 'no stop request was sent'};
		for (const command of requestStopCommands(pid, true)) {
			const {code, stderr} = await run(command);
			const result = command.file === 'taskkill.exe' ? taskkillOutcome(code, stderr) : code === 0 ? {result: 'sent' as const} : undefined;
			if (result?.result === 'gone') {
				return result;
			}

			if (result?.result === 'sent') {
				outcome = result;
			}
		}

		return outcome;
	},
	async forceKill(pid, group) {
		const {code, stderr} = await run(forceKillCommand(pid, group));
		return taskkillOutcome(code, stderr);
	},
	signalGroup(pid, signal) {
		// The supervisor's own child: Node maps SIGKILL/SIGTERM to TerminateProcess here.
		try {
			process.kill(pid, signal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM');
			return {result: 'sent'};
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			return code === 'ESRCH' ? {result: 'gone'} : {result: 'failed', reason: code ?? String(error)};
		}
	},
	groupAlive() {
		return false;
	},
};
