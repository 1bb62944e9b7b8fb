/**
 * Dead-letter streams read as bytes, for redrive (the original fields must be re-published
 * exactly) and for `streamscope dlq list`. Layout (recovery.ts, dead-letter.ts): six `dlq_*`
 * pairs, then the original entry's fields, or `dlq_deleted 1` for a tombstone.
 */
import type { Redis } from 'ioredis';
import { isClusterClient, masterNodes } from '../../streams/cluster.js';
import { toBulkError, type BulkContext } from './context.js';

export const DLQ_META_PAIRS = 6;

export interface RawDeadLetter {
  /** ID in the dead-letter stream. */
  id: string;
  originalStream: string;
  originalId: string;
  group: string;
  consumer: string;
  reason: string;
  deliveries: number | null;
  /** The original fields exactly as stored (name, value, …); null for a tombstone. */
  fields: Buffer[] | null;
}

export function parseRawDeadLetter(id: string, flat: readonly Buffer[]): RawDeadLetter {
  const meta: Record<string, string> = {};
  const n = Math.min(flat.length, DLQ_META_PAIRS * 2);
  for (let i = 0; i + 1 < n; i += 2) meta[flat[i].toString()] = flat[i + 1].toString();
  const rest = flat.slice(DLQ_META_PAIRS * 2);
  const tombstone = rest.length === 2 && rest[0].toString() === 'dlq_deleted';
  const count = meta.dlq_delivery_count;
  return {
    id,
    originalStream: meta.dlq_stream ?? '',
    originalId: meta.dlq_original_id ?? '',
    group: meta.dlq_group ?? '',
    consumer: meta.dlq_consumer ?? '',
    reason: meta.dlq_reason ?? '',
    deliveries: count === undefined || count === 'unknown' ? null : Number(count),
    fields: tombstone ? null : [...rest],
  };
}

/**
 * Every `<prefix>dlq:*` stream (SCAN … TYPE stream, never KEYS), sorted by name. On a Redis
 * Cluster every master is scanned (a SCAN sees one node's keys only).
 */
export async function listDeadLetterStreams(ctx: BulkContext): Promise<string[]> {
  const pattern = ctx.keys.deadLetterScanPattern;
  const found = new Set<string>();
  const nodes = isClusterClient(ctx.client) ? masterNodes(ctx.client) : [ctx.client];
  try {
    for (const node of nodes) await scanNode(node, pattern, found);
  } catch (err) {
    throw toBulkError(ctx, err);
  }
  return [...found].sort();
}

async function scanNode(node: Redis, pattern: string, found: Set<string>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await node.call(
      'SCAN',
      cursor,
      'MATCH',
      pattern,
      'COUNT',
      1000,
      'TYPE',
      'stream',
    )) as [string, string[]];
    cursor = String(next);
    for (const k of keys) found.add(String(k));
  } while (cursor !== '0');
}

/** Dead letters by ID (missing ones are left out), or all of them (`ids` null), oldest first. */
export async function readRawDeadLetters(
  ctx: BulkContext,
  dlqKey: string,
  ids: readonly string[] | null,
  pageSize = 1000,
): Promise<RawDeadLetter[]> {
  const out: RawDeadLetter[] = [];
  try {
    if (ids) {
      for (let i = 0; i < ids.length; i += pageSize) {
        const p = ctx.client.pipeline();
        for (const id of ids.slice(i, i + pageSize)) p.xrangeBuffer(dlqKey, id, id);
        for (const [err, reply] of (await p.exec()) ?? []) {
          if (err) throw err;
          const e = (reply as [Buffer, Buffer[]][])[0];
          if (e) out.push(parseRawDeadLetter(e[0].toString(), e[1]));
        }
      }
      return out;
    }
    let start = '-';
    for (;;) {
      const page = (await ctx.client.xrangeBuffer(dlqKey, start, '+', 'COUNT', pageSize)) as [
        Buffer,
        Buffer[],
      ][];
      for (const [id, flat] of page) out.push(parseRawDeadLetter(id.toString(), flat));
      if (page.length < pageSize) return out;
      start = `(${page[page.length - 1][0].toString()}`;
    }
  } catch (err) {
    throw toBulkError(ctx, err);
  }
}
