/**
 * Bulk dead-letter: copy each entry's exact bytes to `<prefix>dlq:<type>` with the `dlq_*` fields
 * recovery.ts writes (so readDeadLetters and the dead-letters pane read both alike), and XACK it,
 * in ONE MULTI per batch: an entry is never acknowledged without its copy. Just before the MULTI
 * the batch's IDs are checked with XPENDING, so an entry a worker acked meanwhile is counted as
 * vanished, not copied. An entry deleted from its stream while pending leaves a tombstone
 * (`dlq_deleted 1`), as recovery does.
 */
import type { KeySpace } from '../../core/keys.js';
import { runBatches } from './batches.js';
import { checkReplies, type BulkContext, type BulkResult, type BulkRunOptions } from './context.js';

/** Entries per MULTI (each carries a payload, so fewer than an XACK's 1,000 IDs). */
export const DEAD_LETTER_BATCH = 200;

export const DEFAULT_DEAD_LETTER_REASON = 'dead-lettered by hand (streamscope deadletter)';

/** `<prefix>dlq:<type>` for a type stream, `<prefix>dlq:all` for the global stream (as recovery.ts). */
export function deadLetterKey(keys: KeySpace, stream: string): string {
  return keys.deadLetterStreamOf(stream);
}

/** The dlq_* pairs, in the order readDeadLetters expects (six pairs, then the original fields). */
export function deadLetterMeta(m: {
  originalId: string;
  stream: string;
  group: string;
  consumer: string;
  reason: string;
  deliveries: number | null;
}): string[] {
  return [
    'dlq_original_id',
    m.originalId,
    'dlq_stream',
    m.stream,
    'dlq_group',
    m.group,
    'dlq_consumer',
    m.consumer,
    'dlq_reason',
    m.reason,
    'dlq_delivery_count',
    m.deliveries === null ? 'unknown' : String(m.deliveries),
  ];
}

export async function deadLetterEntries(
  ctx: BulkContext,
  stream: string,
  group: string,
  ids: readonly string[],
  reason: string,
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  const dlqKey = deadLetterKey(ctx.keys, stream);
  /** original ID → dead-letter entry ID (undo redrives these). */
  const created: Record<string, string> = {};
  const result = await runBatches(ctx, ids, DEAD_LETTER_BATCH, options, async (batch) => {
    const check = ctx.client.pipeline();
    for (const id of batch) {
      check.call('XPENDING', stream, group, id, id, 1);
      check.xrangeBuffer(stream, id, id);
    }
    const replies = checkReplies((await check.exec()) as [Error | null, unknown][] | null);
    const tx = ctx.client.multi();
    const live: string[] = [];
    batch.forEach((id, i) => {
      const row = (replies[2 * i][1] as unknown[][])[0];
      if (!row) return; // acked (or claimed and acked) meanwhile
      const original = replies[2 * i + 1][1] as [Buffer, Buffer[]][];
      const meta = deadLetterMeta({
        originalId: id,
        stream,
        group,
        consumer: String(row[1]),
        reason,
        deliveries: Number(row[3]),
      });
      const body = original.length > 0 ? original[0][1] : ['dlq_deleted', '1'];
      tx.xadd(dlqKey, '*', ...meta, ...body);
      live.push(id);
    });
    if (live.length === 0) return { done: 0, vanished: batch.length };
    tx.xack(stream, group, ...live);
    const out = checkReplies((await tx.exec()) as [Error | null, unknown][] | null);
    live.forEach((id, i) => (created[id] = String(out[i][1])));
    return { done: live.length, vanished: batch.length - live.length };
  });
  result.detail.deadLetters = created;
  result.detail.dlqKey = dlqKey;
  return result;
}
