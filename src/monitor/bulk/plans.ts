/**
 * Plans for the bulk actions: read what the action would touch (the whole PEL for a rule, the
 * dead letters, the group's position), describe it as a preview, and carry the before-state undo
 * needs. A plan changes nothing until `run`; the CLI and the monitor show the same preview and
 * call the same `run`.
 */
import { BULK_KINDS, type ActionPreview, type BulkKind } from '../../core/bulk-kinds.js';
import { StreamscopeError } from '../../core/errors.js';
import { describeRule, type PelRule } from '../../core/pel-rule.js';
import type { SetIdTarget } from '../../core/setid-target.js';
import type { ConsumerInfo, PendingEntry } from '../../core/types.js';
import {
  ackEntries,
  checkClaimTarget,
  claimEntries,
  defaultClaimTarget,
  listConsumers,
} from './ack-claim.js';
import {
  describeResult,
  type BulkContext,
  type BulkResult,
  type BulkRunOptions,
} from './context.js';
import { deadLetterEntries, deadLetterKey } from './dead-letter.js';
import { readRawDeadLetters } from './dead-letters-raw.js';
import { deleteConsumer, planDeleteConsumer, type RefusalAudience } from './consumer-delete.js';
import { scanPel } from './pel-scan.js';
import { deleteDeadLetters, redriveDeadLetters } from './redrive.js';
import { applyPosition, describeSetIdPlan, planSetId } from './setid.js';

export interface ActionPlan {
  kind: BulkKind;
  stream: string | null;
  group: string | null;
  preview: ActionPreview;
  /** The IDs it acts on (entry IDs, or dead-letter IDs for redrive / dlq delete). */
  ids: string[];
  /** Position-like before-state (setid), the claim target… kept inline in the journal line. */
  before: Record<string, unknown> | null;
  /** Per-ID before-state (previous owners), kept with the IDs (side file over 1,000). */
  beforeDetail: Record<string, unknown> | null;
  /** The journal ID this plan undoes. */
  undoOf?: string;
  run(options?: BulkRunOptions): Promise<BulkResult>;
  /** The outcome in one line. */
  describe(result: BulkResult): string;
}

function preview(kind: BulkKind, summary: string, details: string[], count: number): ActionPreview {
  const k = BULK_KINDS[kind];
  return { summary, details, count, undoable: k.undoable, undoNote: k.undoNote };
}

/** `dead-1 (500), w2 (3)`: who holds the entries, most first, at most 5 names. */
export function holdersText(entries: readonly PendingEntry[]): string {
  const by = new Map<string, number>();
  for (const e of entries) by.set(e.consumer, (by.get(e.consumer) ?? 0) + 1);
  const sorted = [...by].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 5).map(([c, n]) => `${c} (${n})`);
  if (sorted.length > 5) shown.push(`${sorted.length - 5} more`);
  return shown.join(', ') || 'nobody';
}

function ownersOf(entries: readonly PendingEntry[]): Record<string, string[]> {
  const owners: Record<string, string[]> = {};
  for (const e of entries) (owners[e.consumer] ??= []).push(e.id);
  return owners;
}

interface PelArgs {
  stream: string;
  group: string;
  rule: PelRule;
}

function entriesOf(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;
}

/**
 * A consumer the rule names must be one of the group's: a typo (`--consumer dead1`) would match
 * nothing and end in "nothing to do", which a script cannot tell from a drained PEL. The `:` line
 * refuses the same name before it gets here.
 */
async function checkRuleConsumers(
  ctx: BulkContext,
  a: PelArgs,
  known?: readonly ConsumerInfo[],
): Promise<void> {
  const named = a.rule.terms.flatMap((t) => (t.kind === 'consumer' ? [t.name] : []));
  if (named.length === 0) return;
  const consumers = known ?? (await listConsumers(ctx, a.stream, a.group));
  const missing = named.find((n) => !consumers.some((c) => c.name === n));
  if (missing === undefined) return;
  const names = consumers.map((c) => c.name).join(', ') || 'none';
  throw new StreamscopeError(
    'INVALID_ARGUMENT',
    `no consumer "${missing}" in group ${a.group} (consumers: ${names})`,
  );
}

export async function planAck(ctx: BulkContext, a: PelArgs): Promise<ActionPlan> {
  await checkRuleConsumers(ctx, a);
  const entries = await scanPel(ctx, a.stream, a.group, a.rule);
  const ids = entries.map((e) => e.id);
  return {
    kind: 'ack',
    stream: a.stream,
    group: a.group,
    ids,
    before: { rule: describeRule(a.rule) },
    beforeDetail: null,
    preview: preview(
      'ack',
      `ack ${entriesOf(ids.length)} of ${a.stream} in group ${a.group} (rule: ${describeRule(a.rule)})`,
      [`held by: ${holdersText(entries)}`],
      ids.length,
    ),
    run: (o) => ackEntries(ctx, a.stream, a.group, ids, o),
    describe: (r) => describeResult('acknowledged', r, ` in ${a.group}`),
  };
}

export async function planClaim(
  ctx: BulkContext,
  a: PelArgs & { to: string | null },
): Promise<ActionPlan> {
  const consumers = await listConsumers(ctx, a.stream, a.group);
  await checkRuleConsumers(ctx, a, consumers);
  const entries = await scanPel(ctx, a.stream, a.group, a.rule);
  const holders = new Set(entries.map((e) => e.consumer));
  let to = a.to;
  let why = '--to';
  if (to === null) {
    to = defaultClaimTarget(consumers, holders);
    why = 'the most recently active consumer holding none of them';
    if (to === null)
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `no other consumer in group ${a.group} to claim for; name one with --to <consumer>`,
      );
  }
  checkClaimTarget(consumers, to, a.group);
  const ids = entries.map((e) => e.id);
  const target = to;
  return {
    kind: 'claim',
    stream: a.stream,
    group: a.group,
    ids,
    before: { rule: describeRule(a.rule), target },
    beforeDetail: { owners: ownersOf(entries) },
    preview: preview(
      'claim',
      `claim ${entriesOf(ids.length)} of ${a.stream} in group ${a.group} for ${target} (rule: ${describeRule(a.rule)})`,
      [`held by: ${holdersText(entries)}`, `target: ${target} (${why})`],
      ids.length,
    ),
    run: (o) => claimEntries(ctx, a.stream, a.group, target, ids, o),
    describe: (r) => describeResult('claimed', r, ` for ${target}`),
  };
}

export async function planDeadLetter(
  ctx: BulkContext,
  a: PelArgs & { reason: string },
): Promise<ActionPlan> {
  await checkRuleConsumers(ctx, a);
  const entries = await scanPel(ctx, a.stream, a.group, a.rule);
  const ids = entries.map((e) => e.id);
  const dlq = deadLetterKey(ctx.keys, a.stream);
  return {
    kind: 'deadletter',
    stream: a.stream,
    group: a.group,
    ids,
    before: { rule: describeRule(a.rule), reason: a.reason, dlqKey: dlq },
    beforeDetail: { owners: ownersOf(entries) },
    preview: preview(
      'deadletter',
      `dead-letter ${entriesOf(ids.length)} of ${a.stream} in group ${a.group} to ${dlq} (rule: ${describeRule(a.rule)})`,
      [
        `held by: ${holdersText(entries)}`,
        `each is copied (exact bytes, reason "${a.reason}") and acknowledged in one MULTI per batch`,
      ],
      ids.length,
    ),
    run: (o) => deadLetterEntries(ctx, a.stream, a.group, ids, a.reason, o),
    describe: (r) => describeResult('dead-lettered', r, ` to ${dlq}`),
  };
}

export async function planConsumerDelete(
  ctx: BulkContext,
  a: {
    stream: string;
    group: string;
    consumer: string;
    moveTo: string | null;
    /** Whose words a refusal uses (default the CLI's). */
    audience?: RefusalAudience;
  },
): Promise<ActionPlan> {
  const p = await planDeleteConsumer(ctx, a.stream, a.group, a.consumer, a.moveTo, a.audience);
  const move = p.pending > 0 ? `, after claiming its ${entriesOf(p.pending)} to ${p.moveTo}` : '';
  return {
    kind: 'delconsumer',
    stream: a.stream,
    group: a.group,
    ids: [],
    before: { consumer: a.consumer, pending: p.pending, idleMs: p.idleMs, moveTo: p.moveTo },
    beforeDetail: null,
    preview: preview(
      'delconsumer',
      `delete consumer ${a.consumer} of group ${a.group} on ${a.stream}${move}`,
      [`${a.consumer}: ${p.pending} pending, idle ${Math.round(p.idleMs / 1000)} s`],
      1,
    ),
    run: async (o) => {
      const r = await deleteConsumer(ctx, p, o);
      // The count is the consumer itself; the moved entries are in detail.moved.
      return { ...r, requested: 1, done: r.detail.deleted ? 1 : 0, vanished: 0 };
    },
    describe: (r) => {
      const moved = (r.detail.moved as string[] | undefined)?.length ?? 0;
      const head = r.detail.deleted
        ? `deleted consumer ${a.consumer}`
        : `${a.consumer} not deleted`;
      const tail = moved > 0 ? `; ${moved} entries claimed to ${p.moveTo}` : '';
      return `${head}${tail}${r.error ? `; ${r.error.message}` : ''}${r.cancelled ? '; cancelled' : ''}`;
    },
  };
}

export async function planGroupSetId(
  ctx: BulkContext,
  a: { stream: string; group: string; target: SetIdTarget },
): Promise<ActionPlan> {
  const p = await planSetId(ctx, a.stream, a.group, a.target);
  const text = describeSetIdPlan(p);
  return {
    kind: 'setid',
    stream: a.stream,
    group: a.group,
    ids: [],
    before: { from: p.from, to: p.to },
    beforeDetail: null,
    preview: {
      ...preview('setid', text.summary, text.details, p.direction === 'none' ? 0 : 1),
      data: { plan: p },
    },
    run: async () => {
      const r: BulkResult = {
        requested: 1,
        done: 0,
        vanished: 0,
        cancelled: false,
        error: null,
        detail: {},
      };
      try {
        await applyPosition(ctx, a.stream, a.group, p.to);
        r.done = 1;
      } catch (err) {
        r.error = err as StreamscopeError;
      }
      return r;
    },
    describe: (r) =>
      r.error
        ? `setid failed: ${r.error.message}; the group stays at ${p.from.lastDeliveredId}`
        : `group ${a.group} now at ${p.to.lastDeliveredId} (entries-read ${p.to.entriesRead ?? 'unknown'})`,
  };
}

async function dlqIds(ctx: BulkContext, dlqKey: string, ids: readonly string[] | null) {
  const letters = await readRawDeadLetters(ctx, dlqKey, ids);
  return { letters, missing: ids ? ids.length - letters.length : 0 };
}

export async function planRedrive(
  ctx: BulkContext,
  a: { dlqKey: string; ids: readonly string[] | null; ratePerSec?: number; undoOf?: string },
): Promise<ActionPlan> {
  const { letters, missing } = await dlqIds(ctx, a.dlqKey, a.ids);
  const live = letters.filter((l) => l.fields !== null);
  const targets = [...new Set(live.map((l) => l.originalStream))];
  const ids = live.map((l) => l.id);
  const details = [
    `to: ${targets.join(', ') || 'nothing'} (original fields byte-for-byte + redriven_from)`,
  ];
  if (letters.length > live.length)
    details.push(`${letters.length - live.length} tombstones (deleted while pending) are skipped`);
  if (missing > 0) details.push(`${missing} of the given IDs are not in ${a.dlqKey}`);
  if (a.ratePerSec) details.push(`at most ${a.ratePerSec}/s`);
  return {
    kind: 'redrive',
    stream: a.dlqKey,
    group: null,
    ids,
    before: { dlqKey: a.dlqKey },
    beforeDetail: null,
    undoOf: a.undoOf,
    preview: preview(
      'redrive',
      `redrive ${entriesOf(ids.length)} from ${a.dlqKey} to their original stream, deleting each dead letter in the same MULTI`,
      details,
      ids.length,
    ),
    run: (o) => redriveDeadLetters(ctx, a.dlqKey, ids, { ...o, ratePerSec: a.ratePerSec }),
    describe: (r) => describeResult('redrove', r, ` from ${a.dlqKey}`),
  };
}

export async function planDlqDelete(
  ctx: BulkContext,
  a: { dlqKey: string; ids: readonly string[] | null },
): Promise<ActionPlan> {
  const { letters, missing } = await dlqIds(ctx, a.dlqKey, a.ids);
  const ids = letters.map((l) => l.id);
  return {
    kind: 'dlq-delete',
    stream: a.dlqKey,
    group: null,
    ids,
    before: { dlqKey: a.dlqKey },
    beforeDetail: null,
    preview: preview(
      'dlq-delete',
      `delete ${entriesOf(ids.length)} from ${a.dlqKey}`,
      missing > 0 ? [`${missing} of the given IDs are not in ${a.dlqKey}`] : [],
      ids.length,
    ),
    run: (o) => deleteDeadLetters(ctx, a.dlqKey, ids, o),
    describe: (r) => describeResult('deleted', r, ` from ${a.dlqKey}`),
  };
}

export { deadLetterKey };
