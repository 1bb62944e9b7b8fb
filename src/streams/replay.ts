/**
 * The range replay engine (CLI `streamscope replay` and the monitor's `R` dialog run this one):
 * entries of a plan (replay-plan.ts) are copied with their raw field bytes untouched — read as
 * Buffers, written as the same Buffers — to a sandbox prefix or the same stream, paced by
 * ReplayControl, in one MULTI per batch so a type-stream copy and its global copy land together
 * (on a Redis Cluster: one MULTI per slot and batch, see slotTransaction).
 * A group target writes nothing: it only creates the group just before the range.
 */
import type { Redis } from 'ioredis';
import { createKeySpace, DLQ_SEGMENT, GLOBAL_STREAM_SUFFIX, type KeySpace } from '../core/keys.js';
import { streamIdToMs } from '../core/stream-id.js';
import { dueOffsetMs, type ReplaySpeed } from '../core/replay-range.js';
import { StreamscopeError } from '../core/errors.js';
import type { ArchivedEntry } from '../core/archive-record.js';
import { fieldValue, withoutFields } from './range-reader.js';
import { planEntries, type ReplayPlan } from './replay-plan.js';
import { progressOf, ReplayControl, type ReplayProgress } from './replay-control.js';
import { slotTransaction } from './cluster.js';

/** Field added to copies in the same stream: the original entry's ID. */
export const REPLAYED_FROM = 'replayed_from';

/** Options of runReplay / replayRange: pace, control, progress. */
export interface ReplayRunOptions {
  /** Default `max`. A number: the original inter-arrival times divided by it. */
  speed?: ReplaySpeed;
  /** Pause / resume / step / cancel from outside (the TUI's keys). */
  control?: ReplayControl;
  signal?: AbortSignal;
  /** Called after each written batch (and once at the end). */
  onProgress?: (p: ReplayProgress) => void;
  /** From the preview: the total, and the last ID (for the ETA at N×). */
  total?: number;
  lastId?: string | null;
  /** Entries per MULTI at most. Default 500. */
  batchSize?: number;
}

/** What a replay did. */
export interface ReplayResult {
  /** Entries replayed (copied, or covered by the new group). */
  replayed: number;
  /** XADDs sent (a type-stream entry makes two: its copy and the global copy). */
  written: number;
  firstId: string | null;
  lastId: string | null;
  elapsedMs: number;
  cancelled: boolean;
  /** For a group target. */
  groupCreatedAt: string | null;
}

type Copy = [key: string, fields: Buffer[]];

/** The XADDs for one entry under the plan's target (shared by prefix and same-stream replays). */
export function copiesOf(live: KeySpace, plan: ReplayPlan, e: ArchivedEntry): Copy[] {
  const same = plan.target.kind === 'same';
  const to = plan.target.kind === 'prefix' ? createKeySpace(plan.target.prefix) : live;
  const tag = (f: Buffer[]) => (same ? [...f, Buffer.from(REPLAYED_FROM), Buffer.from(e.id)] : f);
  const base = same ? withoutFields(e.fields, [REPLAYED_FROM]) : e.fields;
  if (plan.sourceType) {
    const type = Buffer.from(plan.sourceType);
    return [
      [to.typeStream(plan.sourceType), tag(base)],
      [to.globalStream, tag([...withoutFields(base, ['type']), Buffer.from('type'), type])],
    ];
  }
  if (plan.sourceKey === live.globalStream) {
    const out: Copy[] = [[to.globalStream, tag(base)]];
    const t = fieldValue(base, 'type')?.toString('utf8');
    if (t && t !== GLOBAL_STREAM_SUFFIX && !t.startsWith(DLQ_SEGMENT))
      out.push([to.typeStream(t), tag(withoutFields(base, ['type']))]);
    return out;
  }
  return [[to.streamNamed(plan.stream), tag(base)]];
}

/** Run a planned replay: copies carry the original field bytes (never re-encoded), paced by `speed`. */
export async function runReplay(
  client: Redis,
  live: KeySpace,
  plan: ReplayPlan,
  options: ReplayRunOptions = {},
): Promise<ReplayResult> {
  const started = Date.now();
  const result: ReplayResult = {
    replayed: 0,
    written: 0,
    firstId: null,
    lastId: null,
    elapsedMs: 0,
    cancelled: false,
    groupCreatedAt: null,
  };
  if (plan.target.kind === 'group') {
    await createGroup(client, plan);
    result.groupCreatedAt = plan.groupStartId;
    result.replayed = options.total ?? 0;
    result.elapsedMs = Date.now() - started;
    return result;
  }
  const speed = options.speed ?? 'max';
  const control = options.control ?? new ReplayControl();
  const batchSize = options.batchSize ?? 500;
  const lastMs = options.lastId ? streamIdToMs(options.lastId) : null;
  let batch: ArchivedEntry[] = [];
  let firstMs = 0;
  let lastDue = 0;
  const report = () => {
    const at = result.lastId ? streamIdToMs(result.lastId) : firstMs;
    const remaining = lastMs === null ? null : Math.max(0, lastMs - at);
    options.onProgress?.(
      progressOf(control, result.replayed, options.total ?? null, result.lastId, speed, remaining),
    );
  };
  // One MULTI may be in flight while the next page is read (same connection: order is kept).
  let inflight: Promise<void> | null = null;
  const drain = async () => {
    const p = inflight;
    inflight = null;
    await p;
  };
  const flush = async () => {
    await drain();
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    // One MULTI per slot (cluster.ts): a type-stream copy and its global copy share it in the
    // hash-tag layout; in the spread layout (or an unbraced sandbox) they are two transactions,
    // the type streams' first — ordered, but not atomic together, like a spread publish.
    const tx = slotTransaction(client);
    let n = 0;
    for (const e of sent)
      for (const [key, fields] of copiesOf(live, plan, e)) {
        tx.xadd(key, '*', ...fields);
        n++;
      }
    inflight = tx.exec().then((out) => {
      const failed = out.find(([err]) => err)?.[0];
      if (failed) throw failed ?? new StreamscopeError('REDIS', 'the replay MULTI was discarded');
      result.replayed += sent.length;
      result.written += n;
      result.lastId = sent[sent.length - 1].id;
      report();
    });
    inflight.catch(() => {}); // handled by the next drain(); not an unhandled rejection meanwhile
    // Paced or paused: the caller waits next, so let the progress be exact now.
    if (speed !== 'max' || control.paused) await drain();
  };
  for await (const e of planEntries(client, plan)) {
    const ms = streamIdToMs(e.id);
    if (result.firstId === null && batch.length === 0) {
      firstMs = ms;
      result.firstId = e.id;
    }
    const due = dueOffsetMs(ms, firstMs, speed);
    const free = speed === 'max' && !control.paused;
    if (!free) {
      if (batch.length > 0 && (control.paused || control.msUntil(due) > 0)) await flush();
      if (!(await control.waitTurn(due, lastDue, options.signal))) {
        result.cancelled = true;
        break;
      }
    } else if (control.cancelled || options.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    batch.push(e);
    lastDue = due;
    if (batch.length >= batchSize || control.paused) await flush();
  }
  if (!result.cancelled) await flush();
  batch = [];
  await drain();
  result.elapsedMs = Date.now() - started;
  report();
  return result;
}

async function createGroup(client: Redis, plan: ReplayPlan): Promise<void> {
  const target = plan.target as { group: string };
  try {
    await client.call('XGROUP', 'CREATE', plan.sourceKey, target.group, plan.groupStartId ?? '0');
  } catch (err) {
    if (/BUSYGROUP/.test(String((err as Error).message)))
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `group "${target.group}" already exists on ${plan.sourceKey}: choose a new name`,
      );
    throw err;
  }
}
