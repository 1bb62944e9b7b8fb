/**
 * Redis Cluster key → hash slot (CRC16/XMODEM of the key, or of its hash tag, mod 16384), as the
 * cluster specification defines it. Pure: the library uses it to group keys by slot before a
 * multi-key command (XREADGROUP over several streams, MULTI), so none can fail with CROSSSLOT.
 */

export const SLOT_COUNT = 16384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/**
 * The part of the key that is hashed: the text between the first `{` and the first `}` after
 * it, when that is non-empty; otherwise the whole key.
 */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key) ?? key, 'utf8')) % SLOT_COUNT;
}

/** Keys grouped by slot, in first-seen order (each group may go into one multi-key command). */
export function groupBySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const g = groups.get(slot);
    if (g) g.push(key);
    else groups.set(slot, [key]);
  }
  return [...groups.values()];
}
