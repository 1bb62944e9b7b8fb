/**
 * A publish in the `spread` layout on a Redis Cluster: the type stream and the global stream
 * live on different slots (often different masters), so they cannot share a MULTI. The event is
 * written in two ordered commands — the type stream first (the record consumers act on), then
 * the global stream — each retried while the cluster is briefly unavailable (a failover, a slot
 * moving). NOT atomic: a process that dies between the two, or a global write that keeps failing,
 * leaves a type-stream entry with no global copy; `streamscope status --check-global` finds those.
 * A retried XADD whose first reply was lost can write the entry twice (at-least-once).
 */
import { StreamscopeError } from '../core/errors.js';
import { abortableSleep, toError, type PersistenceContext } from './context.js';
import { backoffDelay } from './connection.js';
import { publishError } from './publish-undo.js';

export interface SpreadRetry {
  /** Attempts per command. Default 8 (~6 s with the default backoff: a replica promotion). */
  attempts?: number;
  /** First backoff, ms (doubles, with jitter, capped at 2000). Default 100. */
  baseMs?: number;
}

/** Errors that go away on their own: a node down or failing over, a slot moving, a timeout. */
export function isTransient(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? err);
  return /CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|MASTERDOWN|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|timed? ?out|Too many Cluster redirections|isn't writeable|All nodes failed|Failed to refresh slots/i.test(
    msg,
  );
}

async function withRetry<T>(op: () => Promise<T>, o: SpreadRetry): Promise<T> {
  const attempts = Math.max(1, o.attempts ?? 8);
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await abortableSleep(backoffDelay(attempt, o.baseMs ?? 100, 2000));
    }
  }
}

/** Returns the type-stream entry ID. */
export async function publishSpread(
  ctx: PersistenceContext,
  typeKey: string,
  typeFields: string[],
  globalFields: string[],
  retry: SpreadRetry = {},
): Promise<string> {
  let typeId: string;
  try {
    typeId = String(await withRetry(() => ctx.client.xadd(typeKey, '*', ...typeFields), retry));
  } catch (err) {
    throw publishError(ctx, typeKey, err);
  }
  try {
    await withRetry(() => ctx.client.xadd(ctx.keys.globalStream, '*', ...globalFields), retry);
  } catch (err) {
    // Take the type-stream half back, so the publish failed as a whole where it can.
    const undone = await ctx.client.xdel(typeKey, typeId).then(
      (n) => n === 1,
      () => false,
    );
    const e = publishError(ctx, ctx.keys.globalStream, err);
    if (undone) throw e;
    throw new StreamscopeError(
      toError(ctx, err).code,
      `${e.message} The type-stream entry ${typeKey} ${typeId} was written and could not be removed: streamscope status --check-global lists it.`,
    );
  }
  return typeId;
}

export interface SpreadEvent {
  key: string;
  typeFields: string[];
  globalFields: string[];
}

/**
 * persistEvents in the spread layout: each event through publishSpread, `concurrency` at a time
 * (a pipeline cannot span the masters). IDs in input order, null for the failed ones.
 */
export async function publishSpreadBatch(
  ctx: PersistenceContext,
  events: readonly SpreadEvent[],
  concurrency = 16,
): Promise<{ ids: (string | null)[]; failures: { index: number; error: StreamscopeError }[] }> {
  const ids: (string | null)[] = new Array<string | null>(events.length).fill(null);
  const failures: { index: number; error: StreamscopeError }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const i = next++;
      const e = events[i];
      try {
        ids[i] = await publishSpread(ctx, e.key, e.typeFields, e.globalFields);
      } catch (err) {
        failures.push({
          index: i,
          error: err instanceof StreamscopeError ? err : toError(ctx, err),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  failures.sort((a, b) => a.index - b.index);
  return { ids, failures };
}
