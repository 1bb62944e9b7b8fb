/**
 * Re-encoding a value that was decoded from JSON text, keeping the original bytes of whatever
 * did not change. JavaScript loses some of what Python writes — `1.0` and `1` are the same
 * number, `1e-07` prints as `1e-7`, integer-like keys move to the front of an object — so an
 * event read from a stream and written back must not be re-encoded from its values alone.
 *
 * The rule, applied recursively from the top:
 *  - a value equal to the one parsed from the original text is written as that text, verbatim
 *    (so an unchanged event gives the same bytes, whoever produced them);
 *  - a changed object keeps the original order of the keys it still has; a new key goes right
 *    after the key that precedes it in the JavaScript object (a new payload field of an event
 *    lands among the payload, before the metadata); a changed array is matched index by index;
 *  - anything new or changed is encoded fresh by python-json.ts (integral numbers as integers).
 * Equality: numbers by value (`1.0` equals `1`; NaN equals NaN; -0 differs from 0), bigints by
 * value, strings, booleans and null exactly; objects by their set of keys and members.
 */
import type { JsonNode } from './python-json-parse.js';
import { pythonJsonDumps, pythonString } from './python-json.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Own keys whose values an encoder writes (undefined, functions and symbols are skipped). */
function writtenKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => {
    const v = obj[k];
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  });
}

/** Original keys still present, in their order, each followed by the new keys that follow it in `current`. */
function mergedKeyOrder(
  original: readonly string[],
  current: readonly string[],
  members: ReadonlyMap<string, unknown>,
): string[] {
  const after = new Map<string | null, string[]>();
  let previous: string | null = null;
  for (const k of current) {
    if (members.has(k)) previous = k;
    else {
      const list = after.get(previous) ?? [];
      list.push(k);
      after.set(previous, list);
    }
  }
  const present = new Set(current);
  const out = [...(after.get(null) ?? [])];
  for (const k of original) {
    if (!present.has(k)) continue;
    out.push(k, ...(after.get(k) ?? []));
  }
  return out;
}

/** Does `value` equal what `node` was parsed as? */
export function equalsNode(value: unknown, node: JsonNode): boolean {
  switch (node.kind) {
    case 'value': {
      const v = node.value;
      if (typeof v === 'number') return typeof value === 'number' && Object.is(value, v);
      return value === v;
    }
    case 'array':
      return (
        Array.isArray(value) &&
        value.length === node.items.length &&
        node.items.every((item, i) => equalsNode(value[i], item))
      );
    case 'object': {
      if (!isPlainObject(value)) return false;
      const keys = writtenKeys(value);
      if (keys.length !== node.keys.length) return false;
      for (const k of keys) {
        const member = node.members.get(k);
        if (member === undefined || !equalsNode(value[k], member)) return false;
      }
      return true;
    }
  }
}

/** Encode `value`, reusing `raw`'s text (which `node` was parsed from) for everything unchanged. */
export function encodeAgainst(value: unknown, node: JsonNode | undefined, raw: string): string {
  if (node === undefined) return pythonJsonDumps(value);
  if (equalsNode(value, node)) return raw.slice(node.start, node.end);
  if (node.kind === 'object' && isPlainObject(value)) {
    const order = mergedKeyOrder(node.keys, writtenKeys(value), node.members);
    const parts = order.map(
      (k) => `${pythonString(k)}: ${encodeAgainst(value[k], node.members.get(k), raw)}`,
    );
    return `{${parts.join(', ')}}`;
  }
  if (node.kind === 'array' && Array.isArray(value)) {
    const parts = value.map((v, i) => encodeAgainst(v, node.items[i], raw));
    return `[${parts.join(', ')}]`;
  }
  return pythonJsonDumps(value);
}
