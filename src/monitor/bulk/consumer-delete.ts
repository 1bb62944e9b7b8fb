/**
 * Delete a consumer without losing its entries. XGROUP DELCONSUMER drops the consumer's pending
 * entries with it, so a consumer that still holds entries is refused unless they are claimed to
 * another consumer first (`moveTo`). The claim repeats until the consumer holds nothing (a live
 * worker may still be reading), then DELCONSUMER; its reply says how many entries it dropped,
 * which must be 0 — anything else is reported.
 */
import { StreamscopeError } from '../../core/errors.js';
import { parseRule } from '../../core/pel-rule.js';
import { checkClaimTarget, claimEntries, listConsumers } from './ack-claim.js';
import { toBulkError, type BulkContext, type BulkResult, type BulkRunOptions } from './context.js';
import { scanPel } from './pel-scan.js';

export interface DeleteConsumerPlan {
  stream: string;
  group: string;
  consumer: string;
  pending: number;
  idleMs: number;
  moveTo: string | null;
}

/**
 * Who is told how to move the entries first: the CLI names its flag (`--move-to`), the monitor
 * what to do in the monitor (a CLI flag means nothing on the `:` line).
 */
export type RefusalAudience = 'cli' | 'monitor';

function howToMoveFirst(audience: RefusalAudience, consumer: string, other: string | null): string {
  if (audience === 'cli') return `--move-to <consumer>${other ? ` (e.g. --move-to ${other})` : ''}`;
  // No other consumer: a claim has no target, so what is left is ack or dead-letter.
  return other
    ? `:delconsumer ${consumer} to=${other}, or :mark consumer=${consumer} then c (claim) or d (dead-letter)`
    : `:mark consumer=${consumer} then a (ack) or d (dead-letter); no other consumer to claim them`;
}

/** Checks the consumer (and the move target) exist; refuses one holding entries without moveTo. */
export async function planDeleteConsumer(
  ctx: BulkContext,
  stream: string,
  group: string,
  consumer: string,
  moveTo: string | null,
  audience: RefusalAudience = 'cli',
): Promise<DeleteConsumerPlan> {
  const consumers = await listConsumers(ctx, stream, group);
  const c = consumers.find((x) => x.name === consumer);
  if (!c) {
    const names = consumers.map((x) => x.name).join(', ') || 'none';
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `no consumer "${consumer}" in group ${group} (consumers: ${names})`,
    );
  }
  if (moveTo !== null) {
    if (moveTo === consumer)
      throw new StreamscopeError('INVALID_ARGUMENT', 'the move target is the consumer itself');
    checkClaimTarget(consumers, moveTo, group);
  }
  if (c.pending > 0 && moveTo === null) {
    const other = consumers.filter((x) => x.name !== consumer).sort((a, b) => a.idleMs - b.idleMs);
    const first = audience === 'cli' ? 'Claim them to another consumer first' : 'Move them first';
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `consumer ${consumer} still holds ${c.pending} pending entries: deleting it would drop them. ${first}: ${howToMoveFirst(audience, consumer, other[0]?.name ?? null)}`,
    );
  }
  return { stream, group, consumer, pending: c.pending, idleMs: c.idleMs, moveTo };
}

export async function deleteConsumer(
  ctx: BulkContext,
  plan: DeleteConsumerPlan,
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  const { stream, group, consumer } = plan;
  const rule = parseRule(`consumer=${consumer}`);
  if (!rule.ok) throw new StreamscopeError('INVALID_ARGUMENT', rule.error);
  const total: BulkResult = {
    requested: plan.pending,
    done: 0,
    vanished: 0,
    cancelled: false,
    error: null,
    detail: { moved: [] as string[] },
  };
  const moved = total.detail.moved as string[];
  // Up to 5 rounds: a live worker may read new entries while we claim.
  for (let round = 0; plan.moveTo !== null && round < 5; round++) {
    const ids = (await scanPel(ctx, stream, group, rule.rule)).map((e) => e.id);
    if (ids.length === 0) break;
    const r = await claimEntries(ctx, stream, group, plan.moveTo, ids, options);
    moved.push(...(r.detail.claimed as string[]));
    total.done += r.done;
    total.vanished += r.vanished;
    if (r.error || r.cancelled) {
      total.error = r.error;
      total.cancelled = r.cancelled;
      return total; // the consumer is kept: it may still hold entries
    }
  }
  // Still holding entries (a live worker kept reading): keep the consumer, say so.
  const left = await scanPel(ctx, stream, group, rule.rule, { limit: 1 });
  if (left.length > 0) {
    total.error = new StreamscopeError(
      'INVALID_ARGUMENT',
      `${consumer} still holds entries after 5 claim rounds (is it alive?); not deleted`,
    );
    return total;
  }
  try {
    const dropped = Number(await ctx.client.xgroup('DELCONSUMER', stream, group, consumer));
    total.detail.deleted = true;
    total.detail.dropped = dropped;
    if (dropped > 0)
      total.error = new StreamscopeError(
        'REDIS',
        `${dropped} entries arrived for ${consumer} after the last claim and were dropped with it`,
      );
  } catch (err) {
    total.error = toBulkError(ctx, err);
  }
  return total;
}
