/**
 * `json.dumps(obj, default=str)` as Python writes it with default settings: `", "` and `": "`
 * separators, `ensure_ascii=True` (non-ASCII and DEL as \uXXXX, astral characters as surrogate
 * pairs), insertion order, `NaN`/`Infinity`/`-Infinity`, floats in `repr()` form (`1e-07`), and
 * `Date` as `str(datetime)` (`2026-01-02 03:04:05+00:00`). Used so that what we write is
 * byte-compatible with the origin's producers.
 *
 * Speed: strings go through the native JSON.stringify (which already escapes exactly what
 * Python escapes below U+007F) and are only rewritten when they hold non-ASCII; containers are
 * concatenated in one pass without intermediate arrays (bench/encoder.ts measures the ratio).
 */

/** Characters JSON.stringify leaves alone but Python's ensure_ascii escapes. */
const NEEDS_ESCAPE = /[\u007f-\uffff]/;
const NEEDS_ESCAPE_ALL = /[\u007f-\uffff]/g;
/** Anything but printable ASCII without `"` and `\\`. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

function escapeUnicode(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A JSON string literal exactly as Python's `json.dumps` (ensure_ascii) writes it. */
export function pythonString(s: string): string {
  // Plain printable ASCII (most keys and values) needs no escaping: one native regex test, no
  // copy. Everything else takes JSON.stringify and the ensure_ascii rewrite.
  if (!NOT_PLAIN.test(s)) return `"${s}"`;
  const j = JSON.stringify(s);
  return NEEDS_ESCAPE.test(j) ? j.replace(NEEDS_ESCAPE_ALL, escapeUnicode) : j;
}

/**
 * A number as Python writes it. Integral values are written as integers (JavaScript cannot tell
 * `1` from `1.0`; a decoded event keeps its original text, see codec.ts). Other values in
 * `repr(float)` form: the same shortest digits as JavaScript, but Python switches to an exponent
 * below 1e-4 (JavaScript below 1e-6) and writes at least two exponent digits (`1e-07`).
 */
export function pythonNumber(n: number): string {
  if (Number.isInteger(n)) return n === 0 ? '0' : String(n);
  if (n !== n) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const abs = n < 0 ? -n : n;
  const s = abs < 1e-4 ? n.toExponential() : String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return `${s.slice(0, e)}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/**
 * Python's `str(datetime)` of the same instant in UTC: `2026-01-02 03:04:05+00:00`, with
 * `.ffffff` only when the microseconds are not zero (a Date has milliseconds: µs = ms × 1000).
 * An invalid Date has no Python counterpart and is written as `null`.
 */
export function pythonDatetimeStr(d: Date): string | null {
  const t = d.getTime();
  if (t !== t) return null;
  const iso = d.toISOString(); // 2026-01-02T03:04:05.678Z (years 0…9999)
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${String(ms * 1000).padStart(6, '0')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac}+00:00`;
}

/** Encoded `"key": ` prefixes: event payloads repeat the same few keys (bounded, so memory is too). */
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 4096;

function keyPrefix(k: string): string {
  let p = keyCache.get(k);
  if (p === undefined) {
    p = `${pythonString(k)}: `;
    if (keyCache.size < KEY_CACHE_MAX) keyCache.set(k, p);
  }
  return p;
}

function dumpObject(obj: Record<string, unknown>): string {
  return `{${pythonJsonMembers(obj)}}`;
}

/**
 * The inside of `pythonJsonDumps(obj)` without the braces (`"a": 1, "b": 2`), so that a caller
 * can append members without building a merged object first.
 */
export function pythonJsonMembers(obj: Record<string, unknown>): string {
  let out = '';
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = obj[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += out === '' ? keyPrefix(k) : `, ${keyPrefix(k)}`;
    out += pythonJsonDumps(v);
  }
  return out;
}

function dumpArray(arr: readonly unknown[]): string {
  if (arr.length === 0) return '[]';
  let out = `[${pythonJsonDumps(arr[0])}`;
  for (let i = 1; i < arr.length; i++) out += `, ${pythonJsonDumps(arr[i])}`;
  return `${out}]`;
}

/**
 * Encode like Python. `undefined`, functions and symbols are left out of objects (`null` in
 * arrays, like JSON.stringify); `bigint` is written as an integer; a `Date` as `str(datetime)`.
 */
export function pythonJsonDumps(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return pythonString(value);
    case 'number':
      return pythonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return dumpArray(value);
      if (value instanceof Date) {
        const s = pythonDatetimeStr(value);
        return s === null ? 'null' : pythonString(s);
      }
      return dumpObject(value as Record<string, unknown>);
    }
    default:
      return 'null';
  }
}

/**
 * A JSON.stringify replacer for showing decoded payloads (which may hold `bigint`, which
 * JSON.stringify refuses): a bigint becomes its decimal digits as a string, losslessly.
 */
export function bigintSafeReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
