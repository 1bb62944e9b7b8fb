/**
 * One archived stream entry as one NDJSON line: `{"id":"<ms>-<seq>","fields":[f, v, f, v…]}`.
 * Fields stay a flat list in Redis order (names may repeat). A name or value that is valid UTF-8
 * is a JSON string (a JSON round trip gives back the same bytes); any other byte string is
 * `{"base64":"…"}`, the marker. Pure: Buffers in, Buffers out, never decoded as events.
 */
import { StreamscopeError } from './errors.js';
import { isUtf8 } from 'node:buffer';
import { isStreamId } from './stream-id.js';

export interface ArchivedEntry {
  id: string;
  /** Flat [field, value, field, value…] as Redis stores them. */
  fields: Buffer[];
}

type Cell = string | { base64: string };

function cell(b: Buffer): Cell {
  return isUtf8(b) ? b.toString('utf8') : { base64: b.toString('base64') };
}

export function encodeArchiveLine(id: string, fields: readonly Buffer[]): string {
  return `${JSON.stringify({ id, fields: fields.map(cell) })}\n`;
}

function bytes(c: unknown): Buffer | null {
  if (typeof c === 'string') return Buffer.from(c, 'utf8');
  if (c && typeof c === 'object' && typeof (c as { base64?: unknown }).base64 === 'string')
    return Buffer.from((c as { base64: string }).base64, 'base64');
  return null;
}

/** Parse one line (without its newline); throws a short reason when it is not an archive record. */
export function decodeArchiveLine(line: string): ArchivedEntry {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new StreamscopeError('ARCHIVE', 'not JSON');
  }
  const rec = o as { id?: unknown; fields?: unknown };
  if (typeof rec?.id !== 'string' || !isStreamId(rec.id) || !rec.id.includes('-'))
    throw new StreamscopeError('ARCHIVE', 'no valid "id"');
  if (!Array.isArray(rec.fields) || rec.fields.length % 2 !== 0)
    throw new StreamscopeError('ARCHIVE', '"fields" is not a flat list of name, value pairs');
  const fields: Buffer[] = [];
  for (const c of rec.fields) {
    const b = bytes(c);
    if (!b) throw new StreamscopeError('ARCHIVE', 'a field is neither a string nor {"base64": …}');
    fields.push(b);
  }
  return { id: rec.id, fields };
}
