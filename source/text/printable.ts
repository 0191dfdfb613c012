/**
 * Text for a terminal. Lock names, reasons, account fields, commands, broker answers and journal
 * messages come from files and processes anyone on the host can shape: a lockfile named
 * `x\e]52;c;…\a.lock` must not write the operator's clipboard (OSC 52), `\e]0;…\a` must not retitle
 * the window, `\e[2J` must not clear the screen, a newline must not forge a table row and a
 * right-to-left override must not make `BRAIN_ATLAS` read as something else. Every such character
 * is shown as a visible escape instead, so the operator still sees that something odd is there.
 */

const named: Readonly<Record<number, string>> = {
	0x09: String.raw`\t`,
	0x0A: String.raw`\n`,
	0x0D: String.raw`\r`,
};

/**
 * C0 controls (ESC starts every CSI/OSC/DCS sequence), DEL, C1 controls (U+009B is a one-character
 * CSI, U+009D an OSC), the bidi embeddings/overrides U+202A–U+202E and isolates U+2066–U+2069, and
 * lone surrogates (half a character, which terminals draw unpredictably).
 */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Fast path: nothing but printable ASCII, which is most text the deck draws. */
const plainAscii = /^[\u0020-\u007E]*$/;

function escape(character: string): string {
	const code = character.codePointAt(0) ?? 0;
	const name = named[code];
	if (name !== undefined) {
		return name;
	}

	return code <= 0xFF ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character, bidi override/isolate and lone surrogate shown as an escape
 * (`\x1b`, `\n`, `\r`, `\t`, `\x9b`, `\u202e`, `\ud800`). The result is safe to write to a terminal
 * and escaping it again changes nothing.
 */
export function printable(text: string): string {
	return plainAscii.test(text) ? text : text.replaceAll(unsafe, escape);
}
