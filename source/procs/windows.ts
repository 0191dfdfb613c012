import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import type {ProcessInfo} from './types.js';

const execFileAsync = promisify(execFile);

/*
 * ps-list has no command lines on Windows, so the table comes from Win32_Process, in one
 * PowerShell call per poll. Stdout is switched to UTF-8 first: the console's OEM code page would
 * mangle non-ASCII command lines and paths.
 */
const tableScript = '[Console]::OutputEncoding = [Text.Encoding]::UTF8; '
	+ 'Get-CimInstance Win32_Process | Select ProcessId,ParentProcessId,Name,CommandLine,CreationDate | ConvertTo-Json -Compress';

/** The process table on Windows (`cpu`/`memoryBytes` null; `uid` is always null there). */
export async function readWindowsProcessTable(): Promise<ProcessInfo[]> {
	const {stdout} = await execFileAsync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', tableScript], {
		windowsHide: true,
		maxBuffer: 64 * 1024 * 1024,
		timeout: 30_000,
	});
	return parseWin32Processes(stdout);
}

/**
 * Parse `Get-CimInstance Win32_Process | Select … | ConvertTo-Json` output: an array, or a single
 * object when there is one row. A null CommandLine (a process we may not inspect, or a system
 * process) gives an empty argv. The start token is the creation time in epoch ms.
 */
export function parseWin32Processes(json: string): ProcessInfo[] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch (error) {
		throw new Error(`Win32_Process output is not JSON (${(error as Error).message}): ${JSON.stringify(json.slice(0, 80))}`, {cause: error});
	}

	const rows = Array.isArray(parsed) ? parsed : [parsed];
	return rows.map((row: unknown, index): ProcessInfo => {
		if (typeof row !== 'object' || row === null) {
			throw new Error(`Win32_Process row ${index}: expected an object, got ${JSON.stringify(row)}`);
		}

		const fields = row as Record<string, unknown>;
		const commandLine = fields['CommandLine'];
		const argv = typeof commandLine === 'string' ? splitCommandLine(commandLine) : [];
		const startedAt = parseCreationDate(fields['CreationDate']);
		return {
			pid: integerField(fields, 'ProcessId', index),
			ppid: integerField(fields, 'ParentProcessId', index),
			name: typeof fields['Name'] === 'string' ? fields['Name'] : '',
			argv,
			command: argv.join(' '),
			startToken: startedAt === null ? null : String(startedAt),
			startedAt,
			uid: null,
			cpu: null,
			memoryBytes: null,
		};
	});
}

/**
 * A Win32_Process CreationDate as epoch ms, in any form ConvertTo-Json produces: `/Date(ms)/`
 * (Windows PowerShell 5.1), a DMTF datetime `yyyymmddHHMMSS.ffffff±UUU` (UUU = minutes from UTC),
 * ISO 8601 (PowerShell 7), or 5.1's `{value, DateTime}` wrapper. Null when absent or unreadable.
 */
export function parseCreationDate(value: unknown): number | null {
	if (typeof value === 'object' && value !== null && 'value' in value) {
		return parseCreationDate(value.value);
	}

	if (typeof value !== 'string') {
		return null;
	}

	const dotNet = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
	if (dotNet?.[1]) {
		return Number(dotNet[1]);
	}

	const dmtf = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(value);
	if (dmtf) {
		const [year, month, day, hour, minute, second, micros, sign, offset] = dmtf.slice(1);
		const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.floor(Number(micros) / 1000));
		return local - (sign === '-' ? -1 : 1) * Number(offset) * 60_000;
	}

	const iso = Date.parse(value);
	return Number.isNaN(iso) ? null : iso;
}

function integerField(fields: Record<string, unknown>, name: string, index: number): number {
	const value = fields[name];
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
		throw new Error(`Win32_Process row ${index}: ${name} is ${JSON.stringify(value)}, expected a non-negative integer`);
	}

	return value;
}

/**
 * Split a Windows command line on whitespace outside double quotes, keeping the quotes, so that
 * `"C:\Program Files\Python\python.exe" bot.py` is two arguments and argv joined by spaces still
 * reads as the command line the operator's `match` pattern was written against.
 */
function splitCommandLine(line: string): string[] {
	const argv: string[] = [];
	let current = '';
	let quoted = false;
	for (const char of line) {
		if (char === '"') {
			quoted = !quoted;
		} else if (!quoted && /\s/.test(char)) {
			if (current !== '') {
				argv.push(current);
			}

			current = '';
			continue;
		}

		current += char;
	}

	if (current !== '') {
		argv.push(current);
	}

	return argv;
}
