/**
 * Bulk ack and claim. XACK takes up to 1,000 IDs per call (ACK_BATCH); XCLAIM … JUSTID the same,
 * so a claim is a reassignment, not a delivery (delivery counts stay). An ID that is no longer
 * pending is counted as vanished. XACK answers 0 for a group that does not exist, so a short
 * batch is followed by a check that the group is still there: a group deleted mid-bulk stops the
 * run with NOGROUP instead of being counted as 10,000 vanished entries.
 */
import { StreamscopeError } from '../../core/errors.js';
import type { ConsumerInfo } from '../../core/types.js';
import { parseXinfoConsumers } from '../../core/parse-info.js';
import { runBatches } from './batches.js';
import { toBulkError, type BulkContext, type BulkResult, type BulkRunOptions } from './context.js';

/** IDs per XACK / XCLAIM call (the bound: at most 1,000). */
export const ACK_BATCH = 1000;

async function assertGroupExists(ctx: BulkContext, stream: string, group: string): Promise<void> {
  // XPENDING's summary form answers NOGROUP for a missing stream or group.
  await ctx.client.call('XPENDING', stream, group);
}

export function ackEntries(
  ctx: BulkContext,
  stream: string,
  group: string,
  ids: readonly string[],
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  return runBatches(ctx, ids, ACK_BATCH, options, async (batch) => {
    const n = Number(await ctx.client.xack(stream, group, ...batch));
    if (n < batch.length) await assertGroupExists(ctx, stream, group);
    return { done: n, vanished: batch.length - n };
  });
}

export async function claimEntries(
  ctx: BulkContext,
  stream: string,
  group: string,
  target: string,
  ids: readonly string[],
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  const claimed: string[] = [];
  const result = await runBatches(ctx, ids, ACK_BATCH, options, async (batch) => {
    // min-idle-time 0: the user chose these entries; XCLAIM skips IDs that are not pending.
    const reply = (await ctx.client.call(
      'XCLAIM',
      stream,
      group,
      target,
      0,
      ...batch,
      'JUSTID',
    )) as unknown[];
    for (const id of reply) claimed.push(String(id));
    return { done: reply.length, vanished: batch.length - reply.length };
  });
  result.detail.claimed = claimed;
  return result;
}

/** The group's consumers (XINFO CONSUMERS); NOGROUP as a StreamscopeError. */
export async function listConsumers(
  ctx: BulkContext,
  stream: string,
  group: string,
): Promise<ConsumerInfo[]> {
  try {
    return parseXinfoConsumers(await ctx.client.call('XINFO', 'CONSUMERS', stream, group));
  } catch (err) {
    throw toBulkError(ctx, err);
  }
}

/**
 * The default claim target: the most recently active consumer (smallest idle) that holds none of
 * the selected entries. Null when there is no such consumer.
 */
export function defaultClaimTarget(
  consumers: readonly ConsumerInfo[],
  holders: ReadonlySet<string>,
): string | null {
  const others = consumers.filter((c) => !holders.has(c.name));
  if (others.length === 0) return null;
  return [...others].sort((a, b) => a.idleMs - b.idleMs)[0].name;
}

/**
 * The target must be an existing consumer of the group: XCLAIM would create a new one silently,
 * and a typo would hide the entries under a name nobody reads. Throws INVALID_ARGUMENT naming the
 * consumers that exist.
 */
export function checkClaimTarget(
  consumers: readonly ConsumerInfo[],
  target: string,
  group: string,
): void {
  if (consumers.some((c) => c.name === target)) return;
  const names = consumers.map((c) => c.name).join(', ') || 'none';
  throw new StreamscopeError(
    'INVALID_ARGUMENT',
    `no consumer "${target}" in group ${group} (consumers: ${names}); claim targets an existing consumer`,
  );
}
