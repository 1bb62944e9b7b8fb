/**
 * One exported entry as one NDJSON line:
 *   {"id":"…","stream":"…","fields":{"event":"…","type":"…"},"event":{…}|null}
 * `fields` is written in Redis's field order (the JSON text is built here, so integer-like field
 * names are not reordered and repeated names are kept). A value that is valid UTF-8 is a JSON
 * string of exactly those bytes; any other value is `{"base64":"…"}` of its raw bytes — never
 * re-encoded, never replaced by U+FFFD. `event` is the decoded seed event, or null: a view for
 * convenience (JSON cannot hold all of it: an integer beyond 2^53 is its digits as a string,
 * `NaN`/`Infinity` are null); `fields` is the exact copy.
 */
import { isUtf8 } from 'node:buffer';
import { decodeEvent, setOwn } from './codec.js';
import { bigintSafeReplacer } from './python-json.js';
import { bytesToText } from './bytes.js';

function rawJson(buf: Buffer): string {
  return isUtf8(buf)
    ? JSON.stringify(buf.toString('utf8'))
    : `{"base64":"${buf.toString('base64')}"}`;
}

/** `flat` is [field, value, field, value…] as Redis returned them (Buffers). */
export function entryLine(stream: string, id: string, flat: readonly Buffer[]): string {
  let fields = '';
  const text: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    // Field names are shown as text (`\xNN` for invalid bytes); values keep their bytes.
    const name = bytesToText(flat[i]);
    fields += `${fields ? ',' : ''}${JSON.stringify(name)}:${rawJson(flat[i + 1])}`;
    if (!Object.hasOwn(text, name)) setOwn(text, name, bytesToText(flat[i + 1]));
  }
  const event = decodeEvent(text);
  return `{"id":${JSON.stringify(id)},"stream":${JSON.stringify(stream)},"fields":{${fields}},"event":${eventJson(event)}}\n`;
}

/** The same line from already-decoded text fields (the monitor's buffers hold text, not bytes). */
export function entryLineFromText(
  stream: string,
  id: string,
  fields: Readonly<Record<string, string>>,
): string {
  const parts = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{"id":${JSON.stringify(id)},"stream":${JSON.stringify(stream)},"fields":{${parts.join(',')}},"event":${eventJson(decodeEvent({ ...fields }))}}\n`;
}

/** The decoded event as JSON; a bigint (which JSON.stringify refuses) as its decimal digits. */
function eventJson(event: unknown): string {
  return JSON.stringify(event, bigintSafeReplacer);
}
