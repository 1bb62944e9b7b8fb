/**
 * What a range replay will do, checked before anything is written: the source stream, the range,
 * the target (a sandbox prefix, the same stream, or a new consumer group) and the entries it
 * covers (counted exactly by XRANGE), optionally continuing into archived days. Bad requests fail
 * with one line (from > to is caught by parseRange; here: unknown stream, sandbox prefix equal to
 * the live one, an existing group, --types with a group).
 */
import type { Redis } from 'ioredis';
import { createKeySpace, DLQ_SEGMENT, GLOBAL_STREAM_SUFFIX, type KeySpace } from '../core/keys.js';
import {
  compareStreamIds,
  nextStreamId,
  previousStreamId,
  streamIdToMs,
} from '../core/stream-id.js';
import { dayOfStreamId, type ReplayTarget } from '../core/replay-range.js';
import { StreamscopeError } from '../core/errors.js';
import type { ArchivedEntry } from '../core/archive-record.js';
import { fieldValue, readRange } from './range-reader.js';
import { dayOfFile, listDayFiles, readArchiveFile } from './archive-files.js';
import { countHistoryRange } from './history-count.js';

/** Where a replay goes (the type lives in core/, shared with the monitor's command request). */
export type { ReplayTarget };

/** What to replay: a stream, an ID range, a target, optional type filter and archive. */
export interface ReplayRequest {
  /** An event type, `all` (the global stream) or `dlq:<type>`. */
  stream: string;
  /** Full stream IDs, inclusive (core/replay-range.ts parseRange). */
  from: string;
  to: string;
  target: ReplayTarget;
  /** Only these event types (by the global stream's `type` field). */
  types?: readonly string[];
  /** Archive root: entries older than the stream's first entry are read from there. */
  archiveDir?: string;
}

/** A checked ReplayRequest with its source and target keys resolved. */
export interface ReplayPlan extends ReplayRequest {
  sourceKey: string;
  /** The event type of a type stream (null for the global and dead-letter streams). */
  sourceType: string | null;
  /** Keys that receive copies (empty for a group). */
  targetKeys: string[];
  /** For a group: the ID it is created at (the one just before `from`). */
  groupStartId: string | null;
}

/** An entry to replay; `fromArchive` when it was read from an archive file. */
export type PlanEntry = ArchivedEntry & { fromArchive?: boolean };

/** What a replay will move (counted before anything is written). */
export interface ReplayPreview {
  count: number;
  bytes: number;
  /** Of those, read from archive files. */
  fromArchive: number;
  firstId: string | null;
  lastId: string | null;
  /** Original time between the first and last entry, ms. */
  spanMs: number;
  /**
   * A group target only: the entries after `to` that the new group will deliver too (Redis has
   * no way to stop a group at an ID; `estimated` past 1,000,000, like the history count).
   */
  afterRange?: { count: number; estimated: boolean };
}

function sourceKeyOf(keys: KeySpace, stream: string): { key: string; type: string | null } {
  if (stream === GLOBAL_STREAM_SUFFIX) return { key: keys.globalStream, type: null };
  if (stream.startsWith(DLQ_SEGMENT)) return { key: keys.streamNamed(stream), type: null };
  return { key: keys.typeStream(stream), type: stream };
}

/** Check a replay request (range, target, source) and resolve its keys; writes nothing. */
export async function planReplay(
  client: Redis,
  keys: KeySpace,
  req: ReplayRequest,
): Promise<ReplayPlan> {
  const bad = (m: string) => new StreamscopeError('INVALID_ARGUMENT', m);
  if (compareStreamIds(req.from, req.to) > 0)
    throw bad(`--from ${req.from} is after --to ${req.to}: the range is empty`);
  const { key, type } = sourceKeyOf(keys, req.stream);
  const exists = Number(await client.exists(key)) === 1;
  const archived = req.archiveDir ? (await listDayFiles(req.archiveDir, key)).length > 0 : false;
  if (!exists && !archived)
    throw bad(
      `unknown stream "${req.stream}": no key ${key}${req.archiveDir ? ' and no archive of it' : ''} (streamscope status lists the streams)`,
    );
  const plan: ReplayPlan = {
    ...req,
    sourceKey: key,
    sourceType: type,
    targetKeys: [],
    groupStartId: null,
  };
  const t = req.target;
  if (t.kind === 'prefix') {
    if (t.prefix === keys.prefix)
      throw bad(`the sandbox prefix "${t.prefix}" is the live prefix: choose another one`);
    if (t.prefix.length === 0) throw bad('the sandbox prefix is empty');
    const sb = createKeySpace(t.prefix);
    plan.targetKeys = copyKeys(sb, req.stream, type, req.types);
    if (plan.targetKeys.includes(key)) throw bad(`the sandbox prefix would write into ${key}`);
  } else if (t.kind === 'same') {
    plan.targetKeys = copyKeys(keys, req.stream, type, req.types);
  } else {
    if (req.types?.length)
      throw bad('--types does not apply to --new-group: a group reads every entry of the stream');
    if (!exists) throw bad(`a group needs the stream itself: ${key} does not exist`);
    const groups = (await client.call('XINFO', 'GROUPS', key)) as unknown[][];
    if (groups.some((g) => String(g[1]) === t.group))
      throw bad(`group "${t.group}" already exists on ${key}: choose a new name`);
    plan.groupStartId = previousStreamId(req.from) ?? '0';
    plan.targetKeys = [];
  }
  return plan;
}

/** The keys a copy of the source goes to: a type stream's copies also go to the global stream. */
function copyKeys(
  to: KeySpace,
  stream: string,
  type: string | null,
  types?: readonly string[],
): string[] {
  if (type) return [to.typeStream(type), to.globalStream];
  if (stream === GLOBAL_STREAM_SUFFIX) {
    const named = types?.length ? types.map((t) => to.typeStream(t)) : [`${to.prefix}<type>`];
    return [to.globalStream, ...named];
  }
  return [to.streamNamed(stream)];
}

/** The entries of the plan in ID order: archived days first (those before the stream's first entry), then the stream. */
export async function* planEntries(client: Redis, plan: ReplayPlan): AsyncGenerator<PlanEntry> {
  const keep = typeFilter(plan);
  if (plan.archiveDir) {
    const head = (await client.xrange(plan.sourceKey, '-', '+', 'COUNT', 1)) as [string, unknown][];
    const firstLive = head[0]?.[0] ?? null;
    const fromDay = dayOfStreamId(plan.from);
    for (const file of await listDayFiles(plan.archiveDir, plan.sourceKey)) {
      if ((dayOfFile(file) ?? '') < fromDay) continue;
      for await (const e of readArchiveFile(file)) {
        if (compareStreamIds(e.id, plan.from) < 0) continue;
        if (compareStreamIds(e.id, plan.to) > 0) return;
        if (firstLive && compareStreamIds(e.id, firstLive) >= 0) break;
        if (keep(e)) yield { ...e, fromArchive: true };
      }
    }
  }
  for await (const e of readRange(client, plan.sourceKey, plan.from, plan.to)) if (keep(e)) yield e;
}

function typeFilter(plan: ReplayPlan): (e: ArchivedEntry) => boolean {
  const types = plan.types?.length ? new Set(plan.types) : null;
  if (!types) return () => true;
  if (plan.sourceType) return () => types.has(plan.sourceType!);
  return (e) => {
    const t = fieldValue(e.fields, 'type');
    return t !== null && types.has(t.toString('utf8'));
  };
}

/** Count what the plan covers (exact: every entry is read once, values are not kept). */
export async function previewReplay(client: Redis, plan: ReplayPlan): Promise<ReplayPreview> {
  const p: ReplayPreview = {
    count: 0,
    bytes: 0,
    fromArchive: 0,
    firstId: null,
    lastId: null,
    spanMs: 0,
  };
  for await (const e of planEntries(client, plan)) {
    p.count++;
    if (e.fromArchive) p.fromArchive++;
    for (const f of e.fields) p.bytes += f.length;
    p.firstId ??= e.id;
    p.lastId = e.id;
  }
  if (p.firstId && p.lastId) p.spanMs = streamIdToMs(p.lastId) - streamIdToMs(p.firstId);
  if (plan.target.kind === 'group')
    p.afterRange = await countAfter(client, plan.sourceKey, plan.to);
  return p;
}

/** Entries of `key` after `to` (a group created before the range delivers them as well). */
export async function countAfter(
  client: Redis,
  key: string,
  to: string,
): Promise<{ count: number; estimated: boolean }> {
  const tail = (await client.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, unknown][];
  const last = tail[0]?.[0];
  if (!last || compareStreamIds(to, last) >= 0) return { count: 0, estimated: false };
  const c = await countHistoryRange(client, key, nextStreamId(to), last);
  return { count: c.count, estimated: c.estimated };
}
