/**
 * Binary-safe text: Redis values are bytes, the UI shows strings. Valid UTF-8 decodes as is;
 * each byte that is not part of a valid UTF-8 sequence becomes the visible text `\xNN`, so
 * nothing is silently replaced by U+FFFD and two different values never look the same
 * because of decoding. (Control characters stay: the UI sanitizer makes those visible.)
 */
import { isUtf8 } from 'node:buffer';

const HEX = '0123456789abcdef';

function escapeByte(b: number): string {
  return `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i];
  if (b < 0x80) return 1;
  let n: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > buf.length) return 0;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = buf[i + k];
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid UTF-8.
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Slow path, only for values that are not valid UTF-8. */
function escapeInvalid(buf: Buffer): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < buf.length) {
    const n = sequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > start) out += buf.toString('utf8', start, i);
    out += escapeByte(buf[i]);
    i += 1;
    start = i;
  }
  if (start < buf.length) out += buf.toString('utf8', start);
  return out;
}

/** Bytes → string; invalid UTF-8 bytes become `\xNN` (fast path: one validity check). */
export function bytesToText(buf: Buffer): string {
  return isUtf8(buf) ? buf.toString('utf8') : escapeInvalid(buf);
}

/** A flat [f, v, f, v…] Buffer array → field map; also returns the total byte size. */
export function fieldsFromBuffers(flat: readonly Buffer[]): {
  fields: Record<string, string>;
  bytes: number;
} {
  const fields: Record<string, string> = {};
  let bytes = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const f = flat[i];
    const v = flat[i + 1];
    bytes += f.length + v.length;
    fields[bytesToText(f)] = bytesToText(v);
  }
  return { fields, bytes };
}
