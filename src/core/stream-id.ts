/** Stream entry IDs (`<ms>-<seq>`): parse, compare, convert. Pure. */

export interface ParsedId {
  ms: bigint;
  seq: bigint;
}

const ID_RE = /^(\d+)(?:-(\d+))?$/;

export function isStreamId(value: string): boolean {
  return ID_RE.test(value);
}

export function parseStreamId(id: string): ParsedId {
  const m = ID_RE.exec(id);
  if (!m) throw new Error(`not a stream ID: ${JSON.stringify(id)}`);
  return { ms: BigInt(m[1]), seq: BigInt(m[2] ?? '0') };
}

/** -1, 0 or 1, like a sort comparator. */
export function compareStreamIds(a: string, b: string): number {
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
  return `${ms}-${seq + 1n}`;
}

/** The ID immediately before `id`, or null for `0-0`. */
export function previousStreamId(id: string): string | null {
  const { ms, seq } = parseStreamId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-18446744073709551615`;
  return null;
}
