/**
 * The `replay-range` command kind: replay a range of any stream (the history view's `R`, the `:`
 * line's `replay`) through the library's replay engine (streams/replay.ts) — the same engine, the
 * same preview wording and the same journal line as `streamscope replay`. Copies carry the
 * original raw field bytes (read as Buffers, written as the same Buffers, never decoded).
 * Pause / resume / step come from the commands port's `control` (one ReplayControl per run).
 */
import type { Redis } from 'ioredis';
import type { CommandRequest } from '../core/command-kinds.js';
import type { ActionPreview } from '../core/bulk-kinds.js';
import { StreamscopeError } from '../core/errors.js';
import type { KeySpace } from '../core/keys.js';
import {
  formatSpeed,
  type ReplayRangeSpec,
  type ReplaySpeed,
  type ReplayTarget,
} from '../core/replay-range.js';
import {
  countAfter,
  planReplay,
  previewReplay,
  type ReplayPlan,
  type ReplayPreview,
} from '../streams/replay-plan.js';
import { runReplay, type ReplayResult } from '../streams/replay.js';
import type { ReplayControl } from '../streams/replay-control.js';
import type { JournalOutcome } from './journal.js';
import type { CommandJournal } from './journal-commands.js';
import { bulkContext, PartialRunError } from './bulk/executors.js';
import { toBulkError } from './bulk/context.js';
import type { ExecContext } from './commands.js';

const entries = (n: number): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;

/**
 * What a new group delivers past the range: Redis cannot stop a group at an ID, so the preview
 * says how many entries after `to` it will deliver too (the library's consumers stop at the range's
 * end with `until`; `streamscope replay` prints the ID, monitor/replay-group-hint.ts).
 */
function afterText(pv: ReplayPreview): string {
  const a = pv.afterRange;
  const n = a && a.count > 0 ? `${a.estimated ? '~' : ''}${entries(a.count)}` : null;
  return n
    ? `, then the ${n} after it and any added later (Redis cannot stop a group at the range's end; the library's consumers stop there with until)`
    : ' (the range reaches the end: entries added later are delivered too)';
}

/** Where the copies go, in words (the keys, or the group). */
export function replayWhere(plan: ReplayPlan): string {
  return plan.target.kind === 'group'
    ? `a new group "${plan.target.group}" on ${plan.sourceKey} at ${plan.groupStartId}`
    : plan.targetKeys.join(' + ');
}

/**
 * What a planned replay will do, as the CLI's preview and the monitor's dialog show it: the
 * count and bytes (exact, read by XRANGE), the span, the warning for the live stream, the time
 * it takes at N×, and that it cannot be undone.
 */
export function describeReplayPreview(
  plan: ReplayPlan,
  pv: ReplayPreview,
  speed: ReplaySpeed,
): ActionPreview {
  const t = plan.target;
  return {
    summary:
      t.kind === 'group'
        ? `create group "${t.group}" on ${plan.sourceKey} just before ${plan.from}: it will deliver the ${entries(pv.count)} of the range${afterText(pv)}`
        : `replay ${entries(pv.count)} of ${plan.sourceKey} to ${replayWhere(plan)} at ${formatSpeed(speed)}`,
    details: [
      `range ${pv.firstId ?? plan.from} .. ${pv.lastId ?? plan.to}, span ${(pv.spanMs / 1000).toFixed(1)} s, ${pv.bytes.toLocaleString('en-US')} bytes`,
      ...(pv.fromArchive > 0
        ? [`${entries(pv.fromArchive)} from the archive in ${plan.archiveDir}`]
        : []),
      ...(t.kind === 'same'
        ? ['WARNING: copies go into the live stream: its consumers will process them again']
        : []),
      ...(speed !== 'max' && t.kind !== 'group'
        ? [`takes about ${(pv.spanMs / 1000 / speed).toFixed(1)} s`]
        : []),
    ],
    count: pv.count,
    undoable: false,
    undoNote:
      t.kind === 'group'
        ? `delete it with XGROUP DESTROY ${plan.sourceKey} ${t.group}`
        : 'copies stay; a sandbox can be deleted key by key',
  };
}

/** The outcome line of a finished (or cancelled) replay, as the CLI and the monitor say it. */
export function describeReplayResult(plan: ReplayPlan, res: ReplayResult, total: number): string {
  const t = plan.target;
  if (t.kind === 'group')
    return `created group "${t.group}" on ${plan.sourceKey} at ${res.groupCreatedAt}`;
  const secs = `${(res.elapsedMs / 1000).toFixed(1)} s`;
  if (res.cancelled)
    return `replay cancelled: copied ${entries(res.replayed)} of ${total.toLocaleString('en-US')} to ${replayWhere(plan)} in ${secs} (the copies stay)`;
  return `replayed ${entries(res.replayed)} of ${total.toLocaleString('en-US')} to ${replayWhere(plan)} in ${secs}`;
}

/** The journal line's `before` of a range replay (the CLI's and the monitor's are the same). */
export function replayJournalBefore(
  range: { from: string; to: string },
  target: ReplayTarget,
  speed: ReplaySpeed,
  types: readonly string[] | null,
  via: 'cli' | 'monitor',
): Record<string, unknown> {
  return { from: range.from, to: range.to, target, speed, types, via };
}

function specOf(request: CommandRequest): ReplayRangeSpec {
  if (!request.replay)
    throw new StreamscopeError('INVALID_ARGUMENT', 'replay-range needs a range and a target');
  return request.replay;
}

async function planOf(
  client: Redis,
  keys: KeySpace,
  spec: ReplayRangeSpec,
  archiveDir: string | undefined,
): Promise<ReplayPlan> {
  return planReplay(client, keys, {
    stream: spec.stream,
    from: spec.from,
    to: spec.to,
    target: spec.target,
    // The history view's rows past retention (--archive) are replayed from the same files.
    ...(archiveDir ? { archiveDir } : {}),
  });
}

/** The dialog's preview: plan (refusals are one line) and count, writing nothing. */
export async function previewReplayRange(
  request: CommandRequest,
  ctx: Pick<ExecContext, 'client' | 'keys' | 'archiveDir'>,
): Promise<ActionPreview> {
  const spec = specOf(request);
  const plan = await planOf(ctx.client, ctx.keys, spec, ctx.archiveDir);
  const pv = await previewReplay(ctx.client, plan);
  // The dialog asks once whatever the target; its "new group" choice shows what follows the range.
  const after = pv.afterRange ?? (await countAfter(ctx.client, plan.sourceKey, plan.to));
  return {
    ...describeReplayPreview(plan, pv, spec.speed),
    data: {
      firstId: pv.firstId,
      lastId: pv.lastId,
      spanMs: pv.spanMs,
      bytes: pv.bytes,
      afterCount: after.count,
      afterEstimated: after.estimated,
    },
  };
}

async function journalReplay(
  j: CommandJournal | null,
  plan: ReplayPlan | null,
  spec: ReplayRangeSpec,
  count: number,
  outcome: JournalOutcome,
): Promise<string | null> {
  if (!j) return null;
  try {
    const r = await j.journal.append({
      server: j.server,
      user: j.user,
      verb: 'replay',
      stream: plan?.sourceKey ?? spec.stream,
      group: spec.target.kind === 'group' ? spec.target.group : null,
      count,
      ids: [],
      before: replayJournalBefore(spec, spec.target, spec.speed, null, 'monitor'),
      outcome,
      secrets: j.secrets,
    });
    return r.id;
  } catch (err) {
    j.lastError = `could not write the journal ${j.journal.path}: ${(err as Error).message}`;
    return null;
  }
}

/**
 * The executor: plan, count (or take the dialog's count), replay with pace and control, one
 * journal line whatever the end (done, cancelled, failed). `total` is what the range held.
 */
export async function replayRangeExecutor(
  request: CommandRequest,
  ctx: ExecContext,
  control: ReplayControl | undefined,
): Promise<{
  affected: number;
  detail: string;
  journaled: true;
  total: number;
  cancelled: boolean;
}> {
  const spec = specOf(request);
  let plan: ReplayPlan | null = null;
  let total = 0;
  let done = 0;
  try {
    plan = await planOf(ctx.client, ctx.keys, spec, ctx.archiveDir);
    const pv = await previewReplay(ctx.client, plan);
    total = pv.count;
    const res = await runReplay(ctx.client, ctx.keys, plan, {
      speed: spec.speed,
      signal: ctx.run.signal,
      control,
      total,
      lastId: pv.lastId,
      onProgress: (p) => {
        done = p.done;
        ctx.run.onProgress?.({
          done: p.done,
          total,
          ratePerSec: p.ratePerSec,
          etaMs: p.etaMs,
          paused: p.paused,
        });
      },
    });
    const summary = describeReplayResult(plan, res, total);
    const id = await journalReplay(ctx.journal, plan, spec, total, {
      ok: true,
      cancelled: res.cancelled,
      done: res.replayed,
      vanished: 0,
      summary,
    });
    return {
      affected: res.replayed,
      detail: id && res.replayed > 0 ? `${summary} (journal ${id})` : summary,
      journaled: true,
      total,
      cancelled: res.cancelled,
    };
  } catch (err) {
    if (err instanceof PartialRunError) throw err;
    // One line, server redacted and secrets scrubbed (a StreamscopeError keeps its own words).
    const e = err instanceof StreamscopeError ? err : toBulkError(bulkContext(ctx), err);
    const { message, code } = e;
    const summary =
      done > 0
        ? `replay stopped after ${entries(done)} of ${total.toLocaleString('en-US')}: ${message}`
        : message;
    await journalReplay(ctx.journal, plan, spec, total, {
      ok: false,
      cancelled: false,
      done,
      vanished: 0,
      summary: `failed: ${summary}`,
      errorCode: code,
    });
    throw new PartialRunError(code, summary, done, err, true);
  }
}
