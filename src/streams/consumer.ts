/**
 * The consumer-group loop behind `consumeEvents`: at-least-once delivery with
 *  1. its own pending entries first (`XREADGROUP … 0`), so a consumer restarted under the same
 *     name finishes what it had been given (entries deleted meanwhile come back as `[id, nil]`
 *     and are recorded as dead-letter tombstones);
 *  2. then new entries (`>`) on a connection of its own with a finite BLOCK;
 *  3. every `claimEveryMs`, entries idle longer than `claimIdleMs` (failed deliveries, dead
 *     consumers) are reclaimed with XAUTOCLAIM; over `maxDeliveries` they are dead-lettered.
 *
 * Group policy (NOGROUP): when the stream or the group is deleted while we consume, the group is
 * recreated with `XGROUP CREATE <key> <group> <groupStartId> MKSTREAM` — by default at ID 0, the
 * seed's policy: a (re)created group processes the retained backlog, so nothing retained is
 * skipped and handlers must be idempotent. Every episode (a run of failures with one cause, see
 * core/retry.ts) starts its backoff afresh: the first attempt comes within `retryBaseMs` (250 ms),
 * later ones back off with jitter up to `retryMaxMs`; one log line per episode. While the server
 * is away the backoff sleep ends as soon as a client is ready again, and after any reconnect the
 * consumer re-reads its own PEL first (an ack that failed during the outage is redelivered at
 * once, not after claimIdleMs).
 *
 * Errors that retrying cannot fix by itself (NOPERM: the ACL changed; WRONGTYPE: the key was
 * replaced by another type) are retried too, in case someone repairs them, but after
 * `giveUpAttempts` consecutive attempts the iterator throws that StreamscopeError.
 */
import type { Redis } from 'ioredis';
import type { Delivery } from '../core/types.js';
import { decodeFields } from '../core/codec.js';
import { parseEntry, type RawEntry } from '../core/parse-info.js';
import { abortableSleep, RetryEpisodes } from '../core/retry.js';
import { toError, type PersistenceContext } from './context.js';
import { streamsOfReadReply } from './connection.js';
import {
  claimIdle,
  deadLetter,
  DEAD_LETTER_REASON,
  settleClaimed,
  makeDelivery,
} from './recovery.js';
import { StreamscopeError } from '../core/errors.js';
import { validateIdempotency, type IdempotencyOptions } from './idempotency.js';
import { assertValidEventType, GLOBAL_STREAM_SUFFIX, InvalidEventTypeError } from '../core/keys.js';
import { compareStreamIds } from '../core/stream-id.js';
import { boundedStep, ownPendingUpTo, readGroupOnce, untilId } from './consume-until.js';

/** Options of consumeEvents, consumeEventBatches and the bus's startConsumer; every one has a default. */
export interface ConsumeOptions {
  /**
   * Skip events this group already completed: a delivery whose event_id was acked within
   * `ttlMs` is acknowledged without being handed out, and a copy another consumer is handling is
   * held back (idempotency.ts). ack() writes the done mark and the XACK in one MULTI. The same
   * for consumeEventBatches: a batch's ack() writes its marks and the XACK in one MULTI per stream.
   */
  idempotency?: IdempotencyOptions;
  /** XREADGROUP BLOCK, ms. Finite by design (a DEL does not wake a blocked reader). Default 1000. */
  blockMs?: number;
  /** Entries per read. Default 10. */
  count?: number;
  /** Stops the loop promptly: the blocking connection is closed, not waited out. */
  signal?: AbortSignal;
  /** Reclaim entries pending at least this long, ms. Must exceed your longest handler. Default 60000; 0 disables. */
  claimIdleMs?: number;
  /** How often to look for such entries, ms. Default min(claimIdleMs, 5000). */
  claimEveryMs?: number;
  /** Backoff after an error (NOGROUP, lost connection): first delay and cap, ms. Defaults 250 and 10000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A NOPERM or WRONGTYPE that persists this many consecutive attempts ends the iterator with that StreamscopeError. Default 8 (≈ 20–40 s with the default backoff). */
  giveUpAttempts?: number;
  /**
   * Stop at this stream ID (`<ms>-<seq>`, or `<ms>` for the whole millisecond): only entries with
   * an ID ≤ until are handed out — own pending ones first, new ones in order, idle ones reclaimed
   * and dead-lettered as usual — and the iterator ends (returns) once the group has finished that
   * part of every stream: nothing ≤ until is left unread (the group delivered `until` or later, or
   * the stream holds an entry after `until`, so no entry ≤ until can be added any more) and none of
   * it is still pending. Pending entries of the range — this consumer's unacknowledged deliveries,
   * another consumer's in-flight or abandoned ones — are waited for and reclaimed after
   * `claimIdleMs`; with `claimIdleMs: 0` nothing reclaims them, so the iterator does not wait for
   * them. One ID for every stream of the call (stream IDs are times, so it is one point in time);
   * each stream stops there on its own.
   *
   * Nothing after `until` is read into the group by this consumer: each read is limited (COUNT)
   * to what XRANGE finds left of the range, idle entries are claimed with XPENDING + XCLAIM up to
   * `until`, and while waiting for the range to fill, a plain XREAD (no group) watches the stream.
   * Entries after `until` already pending for this consumer (or fetched because another consumer
   * of the same group read at the same moment) are never handed out and stay pending — a group
   * made for a range (`streamscope replay --new-group`) is best destroyed when done. Also uses
   * XINFO, XRANGE, XREAD and XCLAIM (all in `+@stream`). Default: none (consume forever).
   */
  until?: string;
}

/** Errors that only a person can fix (see the module comment). */
const PERSISTENT = new Set(['NOPERM', 'WRONGTYPE']);
/** Errors that mean the connection went away: the sleep ends when it is back, the PEL is re-read. */
const CONNECTION_LOST = new Set(['UNREACHABLE', 'TIMEOUT', 'CLOSED']);

/**
 * Refuse what could only fail later inside the loop (an empty STREAMS list is `ERR syntax error`
 * on every read, forever): at least one valid event type, a consumer name, positive numbers.
 * Throws INVALID_ARGUMENT, or INVALID_EVENT_TYPE for a bad type.
 */
export function validateConsumeArgs(
  eventTypes: readonly string[],
  consumerName: string,
  options: ConsumeOptions = {},
): void {
  if (!Array.isArray(eventTypes) || eventTypes.length === 0) {
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `consumeEvents needs at least one event type, got ${JSON.stringify(eventTypes)}`,
    );
  }
  // `all`, the global stream, holds a copy of every type's events: alone or not at all.
  if (eventTypes.includes(GLOBAL_STREAM_SUFFIX) && eventTypes.length > 1)
    throw new InvalidEventTypeError(
      `consumeEvents: "${GLOBAL_STREAM_SUFFIX}" (the global stream, a copy of every type's events) must be the only stream, got ${JSON.stringify(eventTypes)}`,
    );
  for (const t of eventTypes) if (t !== GLOBAL_STREAM_SUFFIX) assertValidEventType(t);
  if (typeof consumerName !== 'string' || consumerName.length === 0) {
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `consumeEvents needs a non-empty consumer name, got ${JSON.stringify(consumerName)}`,
    );
  }
  validateIdempotency(options.idempotency);
  if (options.until !== undefined) untilId(options.until);
  for (const name of [
    'blockMs',
    'count',
    'claimIdleMs',
    'claimEveryMs',
    'retryBaseMs',
    'retryMaxMs',
    'giveUpAttempts',
  ] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `consumeEvents option ${name} must be a finite number ≥ 0, got ${String(v)}`,
      );
    }
  }
}

/** Create the group if missing (BUSYGROUP means it exists). */
export async function ensureGroup(ctx: PersistenceContext, key: string): Promise<void> {
  try {
    await ctx.client.call('XGROUP', 'CREATE', key, ctx.group, ctx.groupStartId, 'MKSTREAM');
  } catch (err) {
    if (/BUSYGROUP/.test(String((err as Error)?.message))) return;
    const e = toError(ctx, err);
    if (e.code === 'WRONGTYPE') {
      throw new StreamscopeError(
        'WRONGTYPE',
        `${key} exists but is not a stream, so it cannot be consumed. Rename or delete that key, or use another stream prefix.`,
      );
    }
    throw e;
  }
}

/**
 * consumeEvents' loop, one delivery at a time: the batches of consumeDeliveryBatches, flattened
 * (so both share every rule of the loop: PEL first, recovery, dead letters, NOGROUP).
 */
export async function* consume(
  ctx: PersistenceContext,
  streamKeys: readonly string[],
  consumerName: string,
  options: ConsumeOptions = {},
): AsyncGenerator<Delivery> {
  for await (const batch of consumeDeliveryBatches(ctx, streamKeys, consumerName, options)) {
    for (const d of batch) {
      if (options.signal?.aborted) return;
      yield d;
    }
  }
}

/**
 * The loop itself, yielding what one step produced as one batch (never empty): a page of the own
 * PEL, the entries one XAUTOCLAIM sweep reclaimed from one stream, or the decodable entries of
 * one XREADGROUP reply (undecodable ones are dead-lettered first).
 */
export async function* consumeDeliveryBatches(
  ctx: PersistenceContext,
  streamKeys: readonly string[],
  consumerName: string,
  options: ConsumeOptions = {},
): AsyncGenerator<Delivery[]> {
  const blockMs = Math.max(1, options.blockMs ?? 1000);
  const count = Math.max(1, options.count ?? 10);
  const claimIdleMs = options.claimIdleMs ?? 60000;
  const claimEveryMs = options.claimEveryMs ?? Math.min(claimIdleMs, 5000);
  const episodes = new RetryEpisodes({
    ...options,
    defaults: { retryBaseMs: 250, retryMaxMs: 10000 },
  });
  const giveUpAttempts = Math.max(1, options.giveUpAttempts ?? 8);
  const signal = options.signal;
  if (signal?.aborted) return;
  const until = options.until === undefined ? null : untilId(options.until);
  /** With `until`: the streams the group has read to `until` (sticky: IDs only grow). */
  const finished = new Set<string>();

  const blocking = ctx.newBlockingClient();
  // The grace ioredis gives a blocking command past its BLOCK before answering null (ms).
  const watchdogMs =
    ((blocking.options as { blockingTimeoutGrace?: number }).blockingTimeoutGrace ?? 5000) - 50;
  const onAbort = () => blocking.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  const cleanups: (() => void)[] = [];
  try {
    for (const key of streamKeys) await ensureGroup(ctx, key);
    try {
      await blocking.connect();
    } catch (err) {
      throw toError(ctx, err, { connecting: true });
    }
    // Own PEL first: stream key → last ID re-read (exclusive cursor for the next page).
    const pel = new Map(streamKeys.map((k) => [k, '0']));
    const rereadPel = () => streamKeys.forEach((k) => pel.set(k, '0'));
    // Any reconnect of either connection: acks may have failed meanwhile, so start from the PEL.
    blocking.on('ready', rereadPel);
    ctx.client.on('ready', rereadPel);
    cleanups.push(() => {
      blocking.off('ready', rereadPel);
      ctx.client.off('ready', rereadPel);
    });
    let lastSweep = Date.now();
    let regroup = false;
    while (!signal?.aborted) {
      try {
        if (regroup) {
          for (const key of streamKeys) await ensureGroup(ctx, key);
          regroup = false;
          finished.clear(); // a recreated group starts over at groupStartId
        }
        if (pel.size > 0) {
          const [key, after] = pel.entries().next().value as [string, string];
          const page = await readOwnPending(ctx, key, consumerName, after, count, until);
          if (page.lastId === null) pel.delete(key);
          else pel.set(key, page.lastId);
          if (signal?.aborted) return;
          if (page.deliveries.length > 0) yield page.deliveries;
          continue;
        }
        if (claimIdleMs > 0 && Date.now() - lastSweep >= claimEveryMs) {
          lastSweep = Date.now();
          for (const key of streamKeys) {
            const claimed = await claimIdle(ctx, key, consumerName, {
              minIdleMs: claimIdleMs,
              limit: count * 10,
              ...(until === null ? {} : { until }),
            });
            if (signal?.aborted) return;
            if (claimed.length > 0) yield claimed;
          }
        }
        const readStart = Date.now();
        /** ioredis' blocking watchdog answered null (see below): the connection is dead. */
        const watchdogFired = (reply: unknown, command: string) => {
          if (reply !== null || Date.now() - readStart < blockMs + watchdogMs) return;
          blocking.disconnect(true);
          throw new StreamscopeError(
            'TIMEOUT',
            `${ctx.display} did not answer ${command} within ${blockMs + watchdogMs} ms (BLOCK ${blockMs} ms): the connection is dead; reconnecting.`,
          );
        };
        if (until !== null) {
          const step = await boundedStep(ctx, blocking, streamKeys, consumerName, {
            until,
            count,
            blockMs,
            finished,
            waitForPending: claimIdleMs > 0,
          });
          if (step.waited) watchdogFired(step.reply, 'XREAD');
          episodes.succeed();
          if (step.done) return;
          if (step.idle) {
            await abortableSleep(Math.min(blockMs, claimEveryMs), signal);
            continue;
          }
          const batch = await deliveriesOf(ctx, consumerName, step.entries, signal);
          if (batch === null) return;
          if (batch.length > 0) yield batch;
          continue;
        }
        const reply = await blocking.call(
          'XREADGROUP',
          'GROUP',
          ctx.group,
          consumerName,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...streamKeys,
          ...streamKeys.map(() => '>'),
        );
        // ioredis' blocking watchdog answers null (as if BLOCK expired) on a half-open
        // connection and keeps the dead socket: drop it so the client reconnects.
        watchdogFired(reply, 'XREADGROUP');
        episodes.succeed();
        const batch = await deliveriesOf(
          ctx,
          consumerName,
          streamsOfReadReply(reply).map(([key, raw]) => [
            key,
            raw.map(parseEntry).filter((e): e is RawEntry => e !== null),
          ]),
          signal,
        );
        if (batch === null) return;
        if (batch.length > 0) yield batch;
      } catch (err) {
        if (signal?.aborted) return;
        const e = toError(ctx, err, { retrying: true });
        const { delayMs, started } = episodes.fail(e.code);
        if (started) {
          ctx.logger(
            e.code === 'NOGROUP'
              ? `consumer ${consumerName}: group ${ctx.group} or its stream was deleted; recreating it at ${ctx.groupStartId} (retained entries are processed again)`
              : `consumer ${consumerName}: ${e.message}${/retried/.test(e.message) ? '' : ' Retrying with backoff.'}`,
          );
        }
        if (PERSISTENT.has(e.code) && episodes.attempt >= giveUpAttempts) {
          ctx.logger(`consumer ${consumerName}: giving up after ${episodes.attempt} attempts`);
          throw e;
        }
        if (e.code === 'NOGROUP') regroup = true;
        if (CONNECTION_LOST.has(e.code)) rereadPel();
        await retrySleep(
          delayMs,
          signal,
          CONNECTION_LOST.has(e.code) ? [ctx.client, blocking] : [],
        );
      }
    }
  } finally {
    for (const cleanup of cleanups) cleanup();
    signal?.removeEventListener('abort', onAbort);
    blocking.disconnect();
  }
}

/**
 * The deliveries of new entries (delivered once so far), per stream; undecodable ones are
 * dead-lettered instead. Null when `signal` fired meanwhile.
 */
async function deliveriesOf(
  ctx: PersistenceContext,
  consumerName: string,
  read: readonly (readonly [string, readonly RawEntry[]])[],
  signal: AbortSignal | undefined,
): Promise<Delivery[] | null> {
  const batch: Delivery[] = [];
  for (const [key, entries] of read) {
    for (const entry of entries) {
      if (signal?.aborted) return null;
      const decoded = decodeFields(entry.fields);
      if (!decoded.ok) {
        await deadLetter(ctx, {
          streamKey: key,
          id: entry.id,
          consumer: consumerName,
          deliveryCount: 1,
          reason: DEAD_LETTER_REASON.undecodable(decoded.reason),
        });
        continue;
      }
      // Decoded once: the JSON parse is the biggest cost per entry (profile, issue 14).
      batch.push(makeDelivery(ctx, key, entry, 1, decoded));
    }
  }
  return batch;
}

/**
 * The backoff sleep of one failed attempt: ends early on abort, and when one of `clients` becomes
 * ready again (the server is back: no reason to wait out a delay grown during the outage).
 */
function retrySleep(ms: number, signal: AbortSignal | undefined, clients: Redis[]): Promise<void> {
  const wake = new AbortController();
  const onWake = () => wake.abort();
  signal?.addEventListener('abort', onWake, { once: true });
  for (const c of clients) c.on('ready', onWake);
  return abortableSleep(ms, wake.signal).finally(() => {
    signal?.removeEventListener('abort', onWake);
    for (const c of clients) c.off('ready', onWake);
  });
}

interface PelPage {
  deliveries: Delivery[];
  /** Last ID of the page, null when the PEL is exhausted. */
  lastId: string | null;
}

/**
 * One page of this consumer's own pending entries, with true delivery counts. With `until`, only
 * entries ≤ until: the read's COUNT is what XPENDING finds of them (reading bumps delivery counts,
 * so a later entry is not even read), and the page ends the PEL at the first later one.
 */
async function readOwnPending(
  ctx: PersistenceContext,
  key: string,
  consumer: string,
  after: string,
  count: number,
  until: string | null,
): Promise<PelPage> {
  const n = until === null ? count : await ownPendingUpTo(ctx, key, consumer, after, until, count);
  if (n === 0) return { deliveries: [], lastId: null };
  const raw = await readGroupOnce(ctx, consumer, n, key, after);
  if (raw.length === 0) return { deliveries: [], lastId: null };
  const live: RawEntry[] = [];
  const deleted: string[] = [];
  let lastId: string | null = after;
  for (const item of raw as unknown[][]) {
    if (until !== null && compareStreamIds(String(item[0]), until) > 0) {
      lastId = null; // the rest of the PEL is after `until`: left pending
      break;
    }
    const id = String(item[0]);
    lastId = id;
    const entry = parseEntry(item);
    if (entry) live.push(entry);
    else deleted.push(id);
  }
  return { deliveries: await settleClaimed(ctx, key, consumer, live, deleted), lastId };
}
