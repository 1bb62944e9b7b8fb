/**
 * Undo a journal record where Redis allows it:
 *   claim      → claim each entry back to its previous owner (only entries the target still holds)
 *   setid      → back to the recorded position and entries-read
 *   deadletter → redrive the dead letters it created
 *   redrive    → move the copies back to the dead-letter stream (copy + XDEL in one MULTI)
 * ack, dlq-delete and delconsumer cannot be undone; an undo is not undone; a record is undone once.
 */
import { BULK_KINDS, type BulkKind } from '../../core/bulk-kinds.js';
import { StreamscopeError } from '../../core/errors.js';
import { parseRule } from '../../core/pel-rule.js';
import type { Journal, JournalRecord } from '../journal.js';
import { claimEntries } from './ack-claim.js';
import { runBatches } from './batches.js';
import { checkReplies, describeResult, type BulkContext, type BulkResult } from './context.js';
import { deadLetterMeta } from './dead-letter.js';
import { scanPel } from './pel-scan.js';
import { planRedrive, type ActionPlan } from './plans.js';
import type { RedriveCopy } from './redrive.js';
import { applyPosition, type GroupPosition } from './setid.js';

function refuse(message: string): never {
  throw new StreamscopeError('INVALID_ARGUMENT', message);
}

function undoPlan(
  record: JournalRecord,
  p: Omit<ActionPlan, 'kind' | 'undoOf' | 'stream' | 'group' | 'beforeDetail'>,
): ActionPlan {
  return {
    kind: 'undo',
    stream: record.stream,
    group: record.group,
    beforeDetail: null,
    undoOf: record.id,
    ...p,
  };
}

async function undoClaim(ctx: BulkContext, record: JournalRecord, detail: Record<string, unknown>) {
  const stream = record.stream!;
  const group = record.group!;
  const target = String((record.before as { target?: string }).target);
  const owners = (detail.owners ?? {}) as Record<string, string[]>;
  const claimed = new Set((detail.claimed ?? []) as string[]);
  const rule = parseRule(`consumer=${target}`);
  if (!rule.ok) refuse(rule.error);
  const held = new Set((await scanPel(ctx, stream, group, rule.rule)).map((e) => e.id));
  const back: [string, string[]][] = [];
  let moved = 0;
  for (const [owner, ids] of Object.entries(owners)) {
    if (owner === target) continue;
    const still = ids.filter((id) => claimed.has(id) && held.has(id));
    if (still.length > 0) back.push([owner, still]);
    moved += still.length;
  }
  const gone = claimed.size - moved;
  back.sort((a, b) => b[1].length - a[1].length);
  const ids = back.flatMap(([, list]) => list);
  return undoPlan(record, {
    ids,
    before: { target },
    preview: {
      summary: `undo ${record.id}: claim ${moved} entries of ${stream} (${group}) back from ${target} to their previous owners`,
      details: [
        `to: ${back.map(([o, l]) => `${o} (${l.length})`).join(', ') || 'nobody'}`,
        ...(gone > 0 ? [`${gone} are no longer held by ${target} and stay where they are`] : []),
      ],
      count: moved,
      undoable: false,
      undoNote: BULK_KINDS.undo.undoNote,
    },
    run: async (o) => {
      const total: BulkResult = {
        requested: moved,
        done: 0,
        vanished: 0,
        cancelled: false,
        error: null,
        detail: {},
      };
      for (const [owner, list] of back) {
        const r = await claimEntries(ctx, stream, group, owner, list, o);
        total.done += r.done;
        total.vanished += r.vanished;
        total.error = r.error;
        total.cancelled = r.cancelled;
        if (r.error || r.cancelled) break;
      }
      return total;
    },
    describe: (r) => describeResult('claimed back', r, ' to their previous owners'),
  });
}

function undoSetId(ctx: BulkContext, record: JournalRecord) {
  const { from, to } = record.before as { from: GroupPosition; to: GroupPosition };
  const er = (v: number | null) => (v === null ? 'unknown' : String(v));
  return undoPlan(record, {
    ids: [],
    before: { from: to, to: from },
    preview: {
      summary: `undo ${record.id}: setid ${record.group} on ${record.stream} back to ${from.lastDeliveredId} (entries-read ${er(from.entriesRead)})`,
      details: ['pending entries are unaffected'],
      count: 1,
      undoable: false,
      undoNote: BULK_KINDS.undo.undoNote,
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
        await applyPosition(ctx, record.stream!, record.group!, from);
        r.done = 1;
      } catch (err) {
        r.error = err as StreamscopeError;
      }
      return r;
    },
    describe: (r) =>
      r.error
        ? `undo failed: ${r.error.message}`
        : `group ${record.group} back at ${from.lastDeliveredId}`,
  });
}

function withoutRedrivenFrom(flat: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    if (flat[i].toString('latin1') !== 'redriven_from') out.push(flat[i], flat[i + 1]);
  return out;
}

function undoRedrive(ctx: BulkContext, record: JournalRecord, detail: Record<string, unknown>) {
  const dlqKey = record.stream!;
  const copies = Object.values((detail.copies ?? {}) as Record<string, RedriveCopy>);
  return undoPlan(record, {
    ids: copies.map((c) => c.newId),
    before: { dlqKey },
    preview: {
      summary: `undo ${record.id}: move ${copies.length} redriven copies back to ${dlqKey}`,
      details: [
        'each copy is dead-lettered again (same fields) and deleted from its stream, in one MULTI',
      ],
      count: copies.length,
      undoable: false,
      undoNote: BULK_KINDS.undo.undoNote,
    },
    run: (o) =>
      runBatches(ctx, copies, 100, o ?? {}, async (batch) => {
        const read = ctx.client.pipeline();
        for (const c of batch) read.xrangeBuffer(c.stream, c.newId, c.newId);
        const found = checkReplies((await read.exec()) as [Error | null, unknown][] | null);
        const tx = ctx.client.multi();
        let n = 0;
        batch.forEach((c, i) => {
          const entry = (found[i][1] as [Buffer, Buffer[]][])[0];
          if (!entry) return;
          const meta = deadLetterMeta({ ...c, stream: c.stream });
          tx.xadd(dlqKey, '*', ...meta, ...withoutRedrivenFrom(entry[1]));
          tx.xdel(c.stream, c.newId);
          n++;
        });
        if (n > 0) checkReplies((await tx.exec()) as [Error | null, unknown][] | null);
        return { done: n, vanished: batch.length - n };
      }),
    describe: (r) => describeResult('moved back', r, ` to ${dlqKey}`),
  });
}

export async function planUndo(
  ctx: BulkContext,
  journal: Journal,
  id: string,
): Promise<ActionPlan> {
  const { records } = await journal.list();
  const record = records.find((r) => r.id === id);
  if (!record)
    refuse(
      `no journal record ${JSON.stringify(id)} in ${journal.path} (streamscope journal lists them)`,
    );
  const kind = record.verb as BulkKind;
  const info = BULK_KINDS[kind];
  if (!info) refuse(`journal record ${id} is a "${record.verb}", which undo does not know`);
  if (!info.undoable) refuse(`${record.verb} cannot be undone: ${info.undoNote ?? 'not undoable'}`);
  const earlier = records.find((r) => r.undoOf === id && r.outcome.done > 0);
  if (earlier) refuse(`journal record ${id} was already undone by ${earlier.id}`);
  if (record.outcome.done === 0) refuse(`journal record ${id} changed nothing; nothing to undo`);
  const { detail } = await journal.load(record);
  switch (kind) {
    case 'claim':
      return undoClaim(ctx, record, detail ?? {});
    case 'setid':
      return undoSetId(ctx, record);
    case 'deadletter': {
      const created = (detail?.deadLetters ?? {}) as Record<string, string>;
      const dlqKey = String(detail?.dlqKey ?? (record.before as { dlqKey?: string })?.dlqKey ?? '');
      const plan = await planRedrive(ctx, { dlqKey, ids: Object.values(created), undoOf: id });
      plan.preview.summary = `undo ${id}: ${plan.preview.summary}`;
      return { ...plan, kind: 'undo' };
    }
    case 'redrive':
      return undoRedrive(ctx, record, detail ?? {});
    default:
      refuse(`${record.verb} cannot be undone`);
  }
}
