/**
 * Batch publish (EventPersistence.persistEvents): many events, one server-side script call per
 * chunk, each event still all-or-nothing (type stream + global stream), so every event keeps
 * persistEvent's guarantee — it lands in both streams or in neither — while the batch costs one
 * command per chunk, not four per event. Where scripts are refused (an ACL without @scripting),
 * the same chunks go as pipelines of one MULTI per event, with the same guarantee.
 *
 * When entries fail: every input is validated and encoded before anything is sent, so a bad input
 * throws with nothing written. An event whose write fails on the server (a key of another type)
 * has its other half undone, as in persistEvent; the other events of the batch are independent
 * transactions and are written regardless. After the whole batch a PublishBatchError is thrown
 * that lists, per input, the entry ID written or the error. If the connection drops, the events
 * whose EXEC reply never arrived count as failed, although the server may have applied some of
 * them (as with any lost reply): retrying them publishes at least once.
 */
import { createHash } from 'node:crypto';
import type { EventInput } from '../core/types.js';
import {
  completeEvent,
  encodeEventJson,
  globalStreamFields,
  typeStreamFields,
} from '../core/codec.js';
import { StreamscopeError } from '../core/errors.js';
import { toError, type PersistenceContext } from './context.js';
import type { PublishTrimmer } from './publish-trim.js';
import { publishError, undoXadd } from './publish-undo.js';

/** Options of persistEvents. */
export interface PublishBatchOptions {
  /**
   * Events per script call (or per MULTI pipeline where scripts are refused), default 500 (~1 MB
   * of ~400-byte events). Chunks are sent while the previous one is in flight, at most
   * `inFlight` at a time (default 4).
   */
  chunkSize?: number;
  inFlight?: number;
}

/** One event persistEvents could not write, and why. */
export interface PublishFailure {
  /** Position in the input array. */
  index: number;
  error: StreamscopeError;
}

/** Some events of a batch were not published; `ids[i]` is null exactly for those. */
export class PublishBatchError extends StreamscopeError {
  readonly ids: readonly (string | null)[];
  readonly failures: readonly PublishFailure[];
  constructor(ids: (string | null)[], failures: PublishFailure[]) {
    const first = failures[0].error;
    super(
      first.code,
      `${failures.length} of ${ids.length} events were not published (the other ${ids.length - failures.length} were); first, event ${failures[0].index}: ${first.message}`,
      { cause: first },
    );
    this.name = 'PublishBatchError';
    this.ids = ids;
    this.failures = failures;
  }
}

/** One event ready to send: its type stream, its wire JSON, its type (the global entry's field). */
interface Encoded {
  key: string;
  json: string;
  eventType: string;
}

const DEFAULT_CHUNK = 500;
const DEFAULT_IN_FLIGHT = 4;

export async function publishBatch(
  ctx: PersistenceContext,
  trimmer: PublishTrimmer,
  inputs: readonly EventInput[],
  options: PublishBatchOptions = {},
): Promise<string[]> {
  const chunkSize = positive(options.chunkSize, DEFAULT_CHUNK, 'chunkSize');
  const inFlight = positive(options.inFlight, DEFAULT_IN_FLIGHT, 'inFlight');
  // Encode everything first: an invalid input (bad type, unserialisable payload) throws here,
  // before a single entry is written.
  const encoded: Encoded[] = inputs.map((input) => ({
    key: ctx.keys.typeStream(input.eventType),
    json: encodeEventJson(completeEvent(input)),
    eventType: input.eventType,
  }));
  const ids: (string | null)[] = new Array<string | null>(encoded.length).fill(null);
  const failures: PublishFailure[] = [];
  const chunks: Promise<void>[] = [];
  let running: Promise<void>[] = [];
  for (let start = 0; start < encoded.length; start += chunkSize) {
    if (running.length >= inFlight) {
      await running[0];
      running = running.slice(1);
    }
    const chunk = sendChunk(ctx, trimmer, encoded, start, chunkSize, ids, failures);
    running.push(chunk);
    chunks.push(chunk);
  }
  await Promise.all(chunks);
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw new PublishBatchError(ids, failures);
  }
  return ids as string[];
}

async function sendChunk(
  ctx: PersistenceContext,
  trimmer: PublishTrimmer,
  encoded: readonly Encoded[],
  start: number,
  size: number,
  ids: (string | null)[],
  failures: PublishFailure[],
): Promise<void> {
  const end = Math.min(encoded.length, start + size);
  const outcomes = scriptsRefused.has(ctx.client)
    ? null
    : await chunkByScript(ctx, encoded, start, end);
  const settled = outcomes ?? (await chunkByMulti(ctx, encoded, start, end));
  const perKey = new Map<string, number>();
  for (let i = start; i < end; i++) {
    const outcome = settled[i - start];
    if (typeof outcome === 'string') {
      ids[i] = outcome;
      perKey.set(encoded[i].key, (perKey.get(encoded[i].key) ?? 0) + 1);
    } else failures.push({ index: i, error: outcome });
  }
  const global = ctx.keys.globalStream;
  const written = [...perKey.values()].reduce((a, b) => a + b, 0);
  await Promise.all([
    ...[...perKey].map(([key, n]) => trimmer.published(ctx, key, 1, n)),
    written > 0 ? trimmer.published(ctx, global, 2, written) : Promise.resolve(),
  ]);
}

/** Per event of a chunk: its type-stream entry ID, or why it wrote nothing. */
type Outcome = string | StreamscopeError;

/**
 * The fast path: one EVALSHA per chunk. The script XADDs each event to its type stream and the
 * global stream and, when the second half fails, removes the first (as publish-undo.ts does), so
 * per-event all-or-nothing holds; the chunk as a whole is also atomic towards other clients (a
 * script runs alone). It costs one command per chunk instead of four per event (MULTI, XADD,
 * XADD, EXEC), which is what kept the pipelined MULTIs at ~7% of the server's XADD ceiling.
 * Returns null when the server refuses scripts (ACL, scripting disabled): the caller falls back
 * to the MULTI pipeline and this client is not asked again.
 */
async function chunkByScript(
  ctx: PersistenceContext,
  encoded: readonly Encoded[],
  start: number,
  end: number,
): Promise<Outcome[] | null> {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const args: (string | number)[] = [];
  for (let i = start; i < end; i++) {
    const e = encoded[i];
    let k = keyIndex.get(e.key);
    if (k === undefined) {
      keys.push(e.key);
      k = keys.length;
      keyIndex.set(e.key, k);
    }
    // The script writes typeStreamFields(json) and globalStreamFields(json, eventType).
    args.push(k, e.json, e.eventType);
  }
  keys.push(ctx.keys.globalStream);
  let reply: unknown;
  try {
    reply = await evalPublishScript(ctx, keys, args);
  } catch (err) {
    if (refusesScripts(err)) {
      scriptsRefused.add(ctx.client);
      return null;
    }
    const error = toError(ctx, err);
    return new Array<Outcome>(end - start).fill(error);
  }
  const replies = Array.isArray(reply) ? (reply as unknown[]) : [];
  const outcomes: Outcome[] = [];
  for (let i = start; i < end; i++) {
    const r = replies[i - start];
    if (typeof r === 'string') outcomes.push(r);
    else if (Array.isArray(r)) outcomes.push(publishError(ctx, ctx.keys.globalStream, r[0]));
    else if (r instanceof Error) outcomes.push(publishError(ctx, encoded[i].key, r));
    else outcomes.push(new StreamscopeError('REDIS', 'the publish script gave no reply for it'));
  }
  return outcomes;
}

/**
 * KEYS: the chunk's distinct type streams, then the global stream (last). ARGV: three values per
 * event — the index of its type stream in KEYS, the event JSON, the event type. Reply, per event:
 * the type-stream ID; an error reply when the type-stream XADD failed (nothing written); or
 * {error} when the global XADD failed (the type-stream entry was removed again, and its stream
 * too if that XADD had created it).
 */
const PUBLISH_SCRIPT = `
local g = KEYS[#KEYS]
local out = {}
local function undo(key, id)
  redis.call('XDEL', key, id)
  if redis.call('XLEN', key) ~= 0 then return end
  local info = redis.call('XINFO', 'STREAM', key)
  local added, groups
  for i = 1, #info, 2 do
    if info[i] == 'entries-added' then added = info[i + 1] end
    if info[i] == 'groups' then groups = info[i + 1] end
  end
  if added == 1 and groups == 0 then redis.call('DEL', key) end
end
for i = 1, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  local id = redis.pcall('XADD', key, '*', 'event', ARGV[i + 1])
  if type(id) == 'table' and id.err then
    out[#out + 1] = id
  else
    local gid = redis.pcall('XADD', g, '*', 'event', ARGV[i + 1], 'type', ARGV[i + 2])
    if type(gid) == 'table' and gid.err then
      undo(key, id)
      out[#out + 1] = { gid }
    else
      out[#out + 1] = id
    end
  end
end
return out`;
const PUBLISH_SHA = createHash('sha1').update(PUBLISH_SCRIPT).digest('hex');

/** Clients whose server refused the script once: they publish batches with MULTIs. */
const scriptsRefused = new WeakSet<object>();

async function evalPublishScript(
  ctx: PersistenceContext,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await ctx.client.evalsha(PUBLISH_SHA, keys.length, ...keys, ...args);
  } catch (err) {
    // First use on this server (or after SCRIPT FLUSH / a failover): EVAL also caches it.
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return ctx.client.eval(PUBLISH_SCRIPT, keys.length, ...keys, ...args);
  }
}

function refusesScripts(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const m = err.message;
  return (
    (m.startsWith('NOPERM') && /eval|script/i.test(m)) ||
    /unknown command .?(evalsha|eval)/i.test(m) ||
    m.startsWith('NOSCRIPT')
  );
}

/** The fallback: a pipeline of one MULTI per event (four replies each). */
async function chunkByMulti(
  ctx: PersistenceContext,
  encoded: readonly Encoded[],
  start: number,
  end: number,
): Promise<Outcome[]> {
  const global = ctx.keys.globalStream;
  // ioredis supports MULTI…EXEC inside a pipeline (a nested exec() queues EXEC), but its
  // ChainableCommander type does not declare multi().
  const pipeline = ctx.client.pipeline() as ReturnType<PersistenceContext['client']['pipeline']> & {
    multi(): unknown;
  };
  for (let i = start; i < end; i++) {
    const e = encoded[i];
    pipeline.multi();
    pipeline.xadd(e.key, '*', ...typeStreamFields(e.json));
    pipeline.xadd(global, '*', ...globalStreamFields(e.json, e.eventType));
    pipeline.exec();
  }
  let replies: [Error | null, unknown][];
  try {
    // Four replies per event: OK (MULTI), QUEUED, QUEUED, and EXEC's [type ID, global ID].
    replies = (await pipeline.exec()) ?? [];
  } catch (err) {
    return new Array<Outcome>(end - start).fill(toError(ctx, err));
  }
  const undo: Promise<void>[] = [];
  const outcomes: Outcome[] = [];
  for (let i = start; i < end; i++) {
    const [execErr, result] = replies[(i - start) * 4 + 3] ?? [null, null];
    const e = encoded[i];
    if (execErr || !Array.isArray(result)) {
      const why = execErr ?? new StreamscopeError('REDIS', 'the publish transaction was discarded');
      outcomes.push(toError(ctx, why));
      continue;
    }
    const [typeResult, globalResult] = result as unknown[];
    if (typeResult instanceof Error || globalResult instanceof Error) {
      // Same repair as persistEvent: remove the half that was written.
      if (!(globalResult instanceof Error)) undo.push(undoXadd(ctx, global, String(globalResult)));
      if (!(typeResult instanceof Error)) undo.push(undoXadd(ctx, e.key, String(typeResult)));
      const key = typeResult instanceof Error ? e.key : global;
      outcomes.push(
        publishError(ctx, key, typeResult instanceof Error ? typeResult : globalResult),
      );
      continue;
    }
    outcomes.push(String(typeResult));
  }
  await Promise.all(undo);
  return outcomes;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `persistEvents: ${name} must be a whole number ≥ 1, got ${String(value)}`,
    );
  return value;
}
