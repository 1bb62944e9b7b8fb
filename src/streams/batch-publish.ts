/**
 * Batch publish (EventPersistence.persistEvents): many events, pipelined, each still in its own
 * MULTI (type stream + global stream), so every event keeps persistEvent's guarantee — it lands
 * in both streams or in neither — while the batch costs a round trip per chunk, not per event.
 *
 * When entries fail: every input is validated and encoded before anything is sent, so a bad input
 * throws with nothing written. An event whose MULTI fails on the server (a key of another type)
 * has its other half undone, as in persistEvent; the other events of the batch are independent
 * transactions and are written regardless. After the whole batch a PublishBatchError is thrown
 * that lists, per input, the entry ID written or the error. If the connection drops, the events
 * whose EXEC reply never arrived count as failed, although the server may have applied some of
 * them (as with any lost reply): retrying them publishes at least once.
 */
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

export interface PublishBatchOptions {
  /**
   * Events per pipeline, default 500 (2,000 commands, ~1 MB of ~400-byte events). Chunks are
   * sent while the previous one is in flight, at most `inFlight` at a time (default 4).
   */
  chunkSize?: number;
  inFlight?: number;
}

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

interface Encoded {
  key: string;
  typeFields: string[];
  globalFields: string[];
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
  const encoded: Encoded[] = inputs.map((input) => {
    const json = encodeEventJson(completeEvent(input));
    return {
      key: ctx.keys.typeStream(input.eventType),
      typeFields: typeStreamFields(json),
      globalFields: globalStreamFields(json, input.eventType),
    };
  });
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
  const global = ctx.keys.globalStream;
  // ioredis supports MULTI…EXEC inside a pipeline (a nested exec() queues EXEC), but its
  // ChainableCommander type does not declare multi().
  const pipeline = ctx.client.pipeline() as ReturnType<PersistenceContext['client']['pipeline']> & {
    multi(): unknown;
  };
  for (let i = start; i < end; i++) {
    const e = encoded[i];
    pipeline.multi();
    pipeline.xadd(e.key, '*', ...e.typeFields);
    pipeline.xadd(global, '*', ...e.globalFields);
    pipeline.exec();
  }
  let replies: [Error | null, unknown][];
  try {
    // Four replies per event: OK (MULTI), QUEUED, QUEUED, and EXEC's [type ID, global ID].
    replies = (await pipeline.exec()) ?? [];
  } catch (err) {
    for (let i = start; i < end; i++) failures.push({ index: i, error: toError(ctx, err) });
    return;
  }
  const undo: Promise<void>[] = [];
  const perKey = new Map<string, number>();
  for (let i = start; i < end; i++) {
    const [execErr, result] = replies[(i - start) * 4 + 3] ?? [null, null];
    const e = encoded[i];
    if (execErr || !Array.isArray(result)) {
      const why = execErr ?? new StreamscopeError('REDIS', 'the publish transaction was discarded');
      failures.push({ index: i, error: toError(ctx, why) });
      continue;
    }
    const [typeResult, globalResult] = result as unknown[];
    if (typeResult instanceof Error || globalResult instanceof Error) {
      // Same repair as persistEvent: remove the half that was written.
      if (!(globalResult instanceof Error)) undo.push(undoXadd(ctx, global, String(globalResult)));
      if (!(typeResult instanceof Error)) undo.push(undoXadd(ctx, e.key, String(typeResult)));
      const key = typeResult instanceof Error ? e.key : global;
      failures.push({
        index: i,
        error: publishError(ctx, key, typeResult instanceof Error ? typeResult : globalResult),
      });
      continue;
    }
    ids[i] = String(typeResult);
    perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
  }
  await Promise.all(undo);
  const written = [...perKey.values()].reduce((a, b) => a + b, 0);
  await Promise.all([
    ...[...perKey].map(([key, n]) => trimmer.published(ctx, key, 1, n)),
    written > 0 ? trimmer.published(ctx, global, 2, written) : Promise.resolve(),
  ]);
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
