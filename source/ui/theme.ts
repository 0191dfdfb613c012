import {healthStateLevels, levels, levelWords, type ComponentState, type HealthState, type Level, type VerdictCode} from '../vocabulary.js';

/**
 * What a piece of text means; the theme turns it into a colour, or into nothing without colour.
 * Every level is a tone of its own, so a new level has no colour or symbol until it is given one.
 */
export type Tone = Level | 'muted' | 'accent' | 'plain';

/** Whether a tone is a level (and so has a severity), rather than a plain style. */
export function isLevelTone(tone: Tone): tone is Level {
	return (levels as readonly Tone[]).includes(tone);
}

/** A state as the operator reads it: a symbol and a word, coloured by tone where colour is on. */
export interface Badge {
	symbol: string;
	word: string;
	tone: Tone;
}

export interface Theme {
	/** False with NO_COLOR or --no-color: no colour, bold or inverse at all. */
	color: boolean;
	/** False when the locale is not UTF-8: every symbol is ASCII. */
	unicode: boolean;
	/** The Ink colour of a tone; undefined without colour. */
	paint(tone: Tone): string | undefined;
	level(level: Level): Badge;
	health(state: HealthState): Badge;
	component(state: ComponentState): Badge;
	verdict(code: VerdictCode): Badge;
	symbols: {
		selected: string;
		ellipsis: string;
		separator: string;
		rule: string;
		spinner: readonly string[];
		spark: readonly string[];
		up: string;
		down: string;
	};
}

const colours: Record<Tone, string | undefined> = {ok: 'green', warn: 'yellow', crit: 'red', unknown: 'gray', muted: 'gray', accent: 'cyan', plain: undefined};

// Every table below is keyed by a vocabulary type: a new level, state or verdict fails to compile
// until it has its tone and symbol here. A health state takes the tone of the level it counts as.

const componentTones: Record<ComponentState, Tone> = {
	running: 'ok',
	stopped: 'crit',
	duplicate: 'crit',
	unlocked: 'warn',
	'stale-lock': 'crit',
	orphaned: 'warn',
	starting: 'warn',
	backoff: 'warn',
	'crash-loop': 'crit',
	remote: 'unknown',
	unknown: 'unknown',
};

const verdictTones: Record<VerdictCode, Tone> = {
	live: 'ok',
	'stale-dead': 'crit',
	'stale-reused': 'crit',
	'stale-rebooted': 'crit',
	'stale-unreadable': 'crit',
	writing: 'warn',
	remote: 'unknown',
	'remote-expired': 'warn',
	unknown: 'unknown',
};

interface SymbolSet {
	tone: Record<Tone, string>;
	component: Record<ComponentState, string>;
	symbols: Theme['symbols'];
}

const unicodeSymbols: SymbolSet = {
	tone: {ok: '✔', warn: '▲', crit: '✖', unknown: '?', muted: '·', accent: '•', plain: ' '},
	component: {
		running: '●',
		stopped: '○',
		duplicate: '◆',
		unlocked: '◇',
		'stale-lock': '✖',
		orphaned: '◌',
		starting: '◔',
		backoff: '◔',
		'crash-loop': '✖',
		remote: '◎',
		unknown: '?',
	},
	symbols: {
		selected: '›',
		ellipsis: '…',
		separator: '·',
		rule: '─',
		spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
		spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
		up: '↑',
		down: '↓',
	},
};

const asciiSymbols: SymbolSet = {
	tone: {ok: '+', warn: '!', crit: 'x', unknown: '?', muted: '.', accent: '*', plain: ' '},
	component: {
		running: '*',
		stopped: 'o',
		duplicate: '#',
		unlocked: '~',
		'stale-lock': 'x',
		orphaned: '%',
		starting: '^',
		backoff: '^',
		'crash-loop': 'X',
		remote: '@',
		unknown: '?',
	},
	symbols: {
		selected: '>',
		ellipsis: '~',
		separator: '|',
		rule: '-',
		spinner: ['|', '/', '-', '\\'],
		spark: ['_', '.', '-', '=', '+', '*', '#'],
		up: 'Up',
		down: 'Down',
	},
};

export interface ThemeOptions {
	color: boolean;
	unicode: boolean;
}

export function createTheme({color, unicode}: ThemeOptions): Theme {
	const set = unicode ? unicodeSymbols : asciiSymbols;
	const badge = (tone: Tone, word: string, symbol = set.tone[tone]): Badge => ({symbol, word, tone});
	return {
		color,
		unicode,
		paint: tone => (color ? colours[tone] : undefined),
		level: level => badge(level, levelWords[level]),
		health: state => badge(healthStateLevels[state], state),
		component: state => badge(componentTones[state], state, set.component[state]),
		verdict: code => badge(verdictTones[code], code),
		symbols: set.symbols,
	};
}

/** NO_COLOR (any non-empty value, no-color.org) or `--no-color` turns colour off. */
export function colorWanted(env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
	return !noColorFlag && !env['NO_COLOR'];
}

/** POSIX locale precedence: LC_ALL, then LC_CTYPE, then LANG; UTF-8 only when it says so. */
export function unicodeLocale(env: NodeJS.ProcessEnv): boolean {
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
	return /utf-?8/i.test(locale);
}
