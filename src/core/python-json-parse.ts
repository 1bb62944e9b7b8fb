/**
 * Reading what Python's `json.dumps` writes, losslessly:
 *  - `NaN`, `Infinity`, `-Infinity` (not JSON, but Python writes them for floats) → numbers;
 *  - integers outside ±(2^53 − 1) → `bigint` (JSON.parse would round 9007199254740993 to …992);
 *  - a syntax tree with each value's text span, so an unchanged value can be written back with
 *    its original bytes (`1.0`, `1e-07`, key order) — see codec.ts's re-encoding.
 *
 * `parsePythonJson` is the slow, exact path; codec.ts uses JSON.parse when the text cannot hold
 * anything JSON.parse would get wrong.
 */

/** A parsed value and where its text is: `raw.slice(start, end)`. */
export type JsonNode =
  | { kind: 'value'; start: number; end: number; value: string | number | bigint | boolean | null }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | {
      kind: 'object';
      start: number;
      end: number;
      /** Keys in the order they were written (a repeated key keeps its first position). */
      keys: string[];
      /** Key → node (the last value of a repeated key, as Python's dict). */
      members: Map<string, JsonNode>;
    };

export class PythonJsonSyntaxError extends SyntaxError {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    const node = this.value();
    this.skipWs();
    if (this.pos !== this.text.length) this.fail('unexpected text after the value');
    // The document's span includes the whitespace around the value, so that an unchanged
    // event is written back with it (reencode.ts copies an unchanged node's span).
    node.start = 0;
    node.end = this.text.length;
    return node;
  }

  private fail(what: string): never {
    throw new PythonJsonSyntaxError(`${what} at position ${this.pos}`);
  }

  private skipWs(): void {
    WS.lastIndex = this.pos;
    WS.exec(this.text);
    this.pos = WS.lastIndex;
  }

  private literal(word: string, value: number | boolean | null, start: number): JsonNode {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return { kind: 'value', start, end: this.pos, value };
  }

  private value(): JsonNode {
    this.skipWs();
    const start = this.pos;
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(start);
      case '[':
        return this.array(start);
      case '"':
        return { kind: 'value', start, value: this.string(), end: this.pos };
      case 't':
        return this.literal('true', true, start);
      case 'f':
        return this.literal('false', false, start);
      case 'n':
        return this.literal('null', null, start);
      case 'N':
        return this.literal('NaN', NaN, start);
      case 'I':
        return this.literal('Infinity', Infinity, start);
      case undefined:
        return this.fail('unexpected end of text');
      default:
        if (c === '-' && this.text.startsWith('-Infinity', this.pos))
          return this.literal('-Infinity', -Infinity, start);
        return this.number(start);
    }
  }

  private number(start: number): JsonNode {
    NUMBER.lastIndex = start;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('unexpected character');
    const token = m[0];
    this.pos = start + token.length;
    let value: number | bigint = Number(token);
    if (!Number.isSafeInteger(value) && /^-?\d+$/.test(token)) value = BigInt(token);
    return { kind: 'value', start, end: this.pos, value };
  }

  private string(): string {
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const q = this.text.indexOf('"', i);
      if (q < 0) {
        this.pos = this.text.length;
        this.fail('unterminated string');
      }
      // A quote preceded by an odd number of backslashes is escaped.
      let b = q - 1;
      while (this.text.charCodeAt(b) === 0x5c) b--;
      if ((q - 1 - b) % 2 === 0) {
        this.pos = q + 1;
        break;
      }
      escaped = true;
      i = q + 1;
    }
    const token = this.text.slice(start, this.pos);
    if (!escaped && token.indexOf('\\') < 0) {
      // No escapes: only raw control characters (invalid, as in Python's strict mode) matter.
      if (/[\u0000-\u001f]/.test(token)) this.fail('control character in string');
      return token.slice(1, -1);
    }
    try {
      return JSON.parse(token) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid string');
    }
  }

  private array(start: number): JsonNode {
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', start, end: this.pos, items };
    }
    for (;;) {
      items.push(this.value());
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return { kind: 'array', start, end: this.pos, items };
      if (c !== ',') {
        this.pos--;
        this.fail('expected , or ]');
      }
    }
  }

  private object(start: number): JsonNode {
    this.pos++; // {
    const keys: string[] = [];
    const members = new Map<string, JsonNode>();
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', start, end: this.pos, keys, members };
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('expected a key');
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos++] !== ':') {
        this.pos--;
        this.fail('expected :');
      }
      const node = this.value();
      if (!members.has(key)) keys.push(key);
      members.set(key, node);
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return { kind: 'object', start, end: this.pos, keys, members };
      if (c !== ',') {
        this.pos--;
        this.fail('expected , or }');
      }
    }
  }
}

/** Parse to a tree with text spans. Throws PythonJsonSyntaxError. */
export function parsePythonJsonTree(text: string): JsonNode {
  return new Parser(text).parseDocument();
}

/** The plain value of a node (objects in JavaScript's key order; see codec.ts for the original order). */
export function nodeValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'value':
      return node.value;
    case 'array':
      return node.items.map(nodeValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of node.keys) {
        // Plain assignment of "__proto__" would set the prototype instead of a key.
        Object.defineProperty(out, k, {
          value: nodeValue(node.members.get(k)!),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/** Parse what Python's `json.dumps` writes (NaN, Infinity, big integers as bigint). Throws PythonJsonSyntaxError. */
export function parsePythonJson(text: string): unknown {
  return nodeValue(parsePythonJsonTree(text));
}

/**
 * Parse like parsePythonJson, fast: JSON.parse first (native), and the exact parser only when
 * JSON.parse refuses the text (NaN, Infinity) or produced an integral number beyond 2^53 (which
 * may have been an integer it rounded). Scanning the text for such numbers up front cost 15–75%
 * of a JSON.parse; walking the parsed value costs a few percent.
 */
export function parsePythonJsonFast(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (text.includes('NaN') || text.includes('Infinity')) return parsePythonJson(text);
    throw err;
  }
  return mayBeRounded(value) ? parsePythonJson(text) : value;
}

/** Does `value` hold an integral number outside ±(2^53 − 1)? */
function mayBeRounded(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isSafeInteger(value) && Number.isInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (mayBeRounded(value[i])) return true;
    return false;
  }
  for (const k in value) if (mayBeRounded((value as Record<string, unknown>)[k])) return true;
  return false;
}
