/**
 * One exported entry as one NDJSON line:
 *   {"id":"…","stream":"…","fields":{"event":"…","type":"…"},"event":{…}|null}
 * `fields` is written in Redis's field order (the JSON text is built here, so integer-like field
 * names are not reordered and repeated names are kept). A value that is valid UTF-8 is a JSON
 * string of exactly those bytes; any other value is `{"base64":"…"}` of its raw bytes — never
 * re-encoded, never replaced by U+FFFD. `event` is the decoded seed event, or null.
 */
import { isUtf8 } from 'node:buffer';
import { decodeEvent } from './codec.js';
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
    if (!(name in text)) text[name] = bytesToText(flat[i + 1]);
  }
  const event = decodeEvent(text);
  return `{"id":${JSON.stringify(id)},"stream":${JSON.stringify(stream)},"fields":{${fields}},"event":${JSON.stringify(event)}}\n`;
}

/** The same line from already-decoded text fields (the monitor's buffers hold text, not bytes). */
export function entryLineFromText(
  stream: string,
  id: string,
  fields: Readonly<Record<string, string>>,
): string {
  const parts = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{"id":${JSON.stringify(id)},"stream":${JSON.stringify(stream)},"fields":{${parts.join(',')}},"event":${JSON.stringify(decodeEvent({ ...fields }))}}\n`;
}
