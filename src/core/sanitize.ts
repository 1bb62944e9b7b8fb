/**
 * THE sanitizer: every string that came from Redis passes here before it reaches the terminal.
 * Control characters and escape sequences are made visible, never executed:
 *   C0 controls and DEL  → \xNN   (\n \r \t keep their familiar names)
 *   C1 controls (U+0080–U+009F, e.g. 8-bit CSI U+009B) → \xNN
 *   lone UTF-16 surrogates → \uDXXX
 *   bidi overrides/isolates and line/paragraph separators (could reorder or break the
 *   screen) → \uXXXX
 * A backslash is left alone, so `\xNN` escapes the tail wrote for invalid UTF-8 stay readable.
 * `multiline` keeps \n as a real line break (the detail view), everything else still escaped.
 */

// One character class of everything that needs work; the fast path is a single test.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex2(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface SanitizeOptions {
  /** Keep \n as a line break (other controls still escaped). Default false. */
  multiline?: boolean;
}

export function sanitize(input: string, options: SanitizeOptions = {}): string {
  if (!UNSAFE.test(input)) return input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    const code = input.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + input[i + 1];
        i++;
      } else out += hex4(code);
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += hex4(code);
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (ch === '\n' && options.multiline) out += '\n';
      else out += NAMED[ch] ?? hex2(code);
      continue;
    }
    if (
      code === 0x061c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += hex4(code);
      continue;
    }
    out += ch;
  }
  return out;
}
