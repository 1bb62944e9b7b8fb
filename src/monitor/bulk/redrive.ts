/**
 * Redrive: re-publish a dead letter's original fields byte-for-byte to its original stream, plus
 * `redriven_from <dead-letter ID>` (a stream entry takes extra fields; the seed decoder reads only
 * `event`), and delete the dead letter in the same MULTI — so an entry is in exactly one place.
 * Only the original stream: the global stream already holds the first copy, and a second one
 * would be delivered again to groups that handled it. Tombstones (nothing to re-publish) are
 * skipped and counted.
 */
import { runBatches } from './batches.js';
import { checkReplies, type BulkContext, type BulkResult, type BulkRunOptions } from './context.js';
import { readRawDeadLetters } from './dead-letters-raw.js';

/** Dead letters per MULTI. */
export const REDRIVE_BATCH = 100;

export interface RedriveCopy {
  /** Where the copy went and its new ID there (undo deletes it). */
  stream: string;
  newId: string;
  originalId: string;
  group: string;
  consumer: string;
  reason: string;
  deliveries: number | null;
}

function withoutField(flat: readonly Buffer[], name: string): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    if (flat[i].toString('latin1') !== name) out.push(flat[i], flat[i + 1]);
  return out;
}

export async function redriveDeadLetters(
  ctx: BulkContext,
  dlqKey: string,
  ids: readonly string[],
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  const copies: Record<string, RedriveCopy> = {};
  let tombstones = 0;
  const result = await runBatches(ctx, ids, REDRIVE_BATCH, options, async (batch) => {
    const letters = (await readRawDeadLetters(ctx, dlqKey, batch)).filter((l) => {
      if (l.fields === null || l.originalStream === '') tombstones++;
      return l.fields !== null && l.originalStream !== '';
    });
    if (letters.length === 0) return { done: 0, vanished: batch.length };
    const tx = ctx.client.multi();
    for (const l of letters) {
      const body = withoutField(l.fields!, 'redriven_from');
      tx.xadd(l.originalStream, '*', ...body, 'redriven_from', l.id);
    }
    tx.xdel(dlqKey, ...letters.map((l) => l.id));
    const out = checkReplies((await tx.exec()) as [Error | null, unknown][] | null);
    letters.forEach((l, i) => {
      copies[l.id] = {
        stream: l.originalStream,
        newId: String(out[i][1]),
        originalId: l.originalId,
        group: l.group,
        consumer: l.consumer,
        reason: l.reason,
        deliveries: l.deliveries,
      };
    });
    return { done: letters.length, vanished: batch.length - letters.length };
  });
  result.detail.copies = copies;
  result.detail.tombstones = tombstones;
  return result;
}

/** `dlq delete`: XDEL in batches; IDs already gone are counted as vanished. */
export function deleteDeadLetters(
  ctx: BulkContext,
  dlqKey: string,
  ids: readonly string[],
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  return runBatches(ctx, ids, 1000, options, async (batch) => {
    const n = Number(await ctx.client.xdel(dlqKey, ...batch));
    return { done: n, vanished: batch.length - n };
  });
}
