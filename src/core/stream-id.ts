/** Stream entry IDs (`<ms>-<seq>`): parse, compare, convert. Pure. */
import { StreamscopeError } from './errors.js';

export interface ParsedId {
  ms: bigint;
  seq: bigint;
}

/** Largest sequence number of a stream ID (2^64 − 1): `<ms>-MAX_SEQ` is the last ID of that millisecond. */
export const MAX_SEQ = '18446744073709551615';

const ID_RE = /^(\d+)(?:-(\d+))?$/;

export function isStreamId(value: string): boolean {
  return ID_RE.test(value);
}

export function parseStreamId(id: string): ParsedId {
  const m = ID_RE.exec(id);
  if (!m) throw new StreamscopeError('INVALID_ARGUMENT', `not a stream ID: ${JSON.stringify(id)}`);
  return { ms: BigInt(m[1]), seq: BigInt(m[2] ?? '0') };
}

/**
 * Where the `-` of a canonical ID is (its length when it has none): digits only, no leading
 * zero, as Redis writes IDs. -1 for anything else.
 */
function canonicalDash(s: string): number {
  const n = s.length;
  let dash = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 45 /* - */) {
      if (dash >= 0 || i === 0 || i === n - 1) return -1;
      dash = i;
    } else if (c < 48 || c > 57) return -1;
  }
  const msEnd = dash < 0 ? n : dash;
  if (n === 0 || (s.charCodeAt(0) === 48 && msEnd > 1)) return -1;
  if (dash >= 0 && s.charCodeAt(dash + 1) === 48 && n - dash > 2) return -1;
  return msEnd;
}

/** Compare the digit runs a[as, ae) and b[bs, be) (an empty run is `0`) as numbers. */
function compareRuns(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const la = Math.max(1, ae - as);
  const lb = Math.max(1, be - bs);
  if (la !== lb) return la < lb ? -1 : 1;
  for (let i = 0; i < la; i++) {
    const ca = as + i < ae ? a.charCodeAt(as + i) : 48;
    const cb = bs + i < be ? b.charCodeAt(bs + i) : 48;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

/**
 * THE stream-ID order: -1, 0 or 1, like a sort comparator (`5` is `5-0`). IDs as Redis writes
 * them are compared digit by digit without BigInt or allocation (this runs inside sorts of tens
 * of thousands of entries); others (leading zeros) are parsed. Throws on a string that is not an ID.
 */
export function compareStreamIds(a: string, b: string): number {
  const da = canonicalDash(a);
  const db = da < 0 ? -1 : canonicalDash(b);
  if (da >= 0 && db >= 0)
    return (
      compareRuns(a, 0, da, b, 0, db) ||
      compareRuns(a, Math.min(a.length, da + 1), a.length, b, Math.min(b.length, db + 1), b.length)
    );
  const pa = parseStreamId(a);
  const pb = parseStreamId(b);
  if (pa.ms !== pb.ms) return pa.ms < pb.ms ? -1 : 1;
  if (pa.seq !== pb.seq) return pa.seq < pb.seq ? -1 : 1;
  return 0;
}

/** Milliseconds since the epoch encoded in an ID (its time part). */
export function streamIdToMs(id: string): number {
  return Number(parseStreamId(id).ms);
}

/** The smallest ID at or after `ms`. */
export function msToStreamId(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

/** The ID immediately after `id` (for exclusive ranges on servers without `(`). */
export function nextStreamId(id: string): string {
  const { ms, seq } = parseStreamId(id);
  // A time bound ends in the largest sequence (`<ms>-18446744073709551615`); one past it is the
  // next millisecond — Redis refuses a sequence beyond 2^64 − 1 ("Invalid stream ID specified").
  if (seq >= BigInt(MAX_SEQ)) return `${ms + 1n}-0`;
  return `${ms}-${seq + 1n}`;
}

/** The ID immediately before `id`, or null for `0-0`. */
export function previousStreamId(id: string): string | null {
  const { ms, seq } = parseStreamId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-18446744073709551615`;
  return null;
}
