/**
 * In-process pub/sub plus persistence and replay (the seed's PersistentEventBus).
 *
 * publish() always delivers to in-process subscribers first. Persisting is best effort with a
 * memory: while Redis is unreachable or refuses writes for a while (OOM, MISCONF, READONLY,
 * LOADING, BUSY, TRYAGAIN, CLUSTERDOWN: TRANSIENT_CODES), events wait in a bounded queue (oldest dropped first when
 * full, each drop counted and reported) and are written, in order, when Redis answers again.
 */
import type { Delivery, EventInput, SeedEvent } from '../core/types.js';
import { completeEvent } from '../core/codec.js';
import { assertValidEventType } from '../core/keys.js';
import { StreamscopeError, TRANSIENT_CODES } from '../core/errors.js';
import {
  EventPersistence,
  type ConsumedTypes,
  type GetEventsOptions,
} from '../streams/event-persistence.js';
import { PublishBatchError } from '../streams/batch-publish.js';
import { validateConsumeArgs, type ConsumeOptions } from '../streams/consumer.js';
import { backoffDelay } from '../core/retry.js';
import { stderrLogger, type Logger } from '../streams/context.js';
import { ReplayControl, progressOf, type ReplayProgress } from '../streams/replay-control.js';
import { dueOffsetMs, type ReplaySpeed } from '../core/replay-range.js';
import { streamIdToMs } from '../core/stream-id.js';
import type {
  AnyEvents,
  DeliveryOf,
  EventInputOf,
  EventOf,
  EventSchemas,
  EventTypeOf,
  Narrow,
} from '../core/typed-events.js';
import { assertValidPayload, type SchemaTable } from '../streams/validation.js';

/** A subscriber: called with each event published (or replayed) in-process. */
export type EventHandler<Event = SeedEvent> = (event: Event) => void | Promise<void>;
/** A startConsumer handler: returning acks the delivery, throwing leaves it pending for retry. */
export type ConsumerHandler<Event = SeedEvent, D = Delivery> = (
  event: Event,
  delivery: D,
) => void | Promise<void>;

/** Options of {@link PersistentEventBus}; every one has a default. */
export interface PersistentEventBusOptions<Events = AnyEvents> {
  /** Default: a new EventPersistence() (REDIS_URL…), closed by close(). A passed one is connected by initialize() but not closed. */
  persistence?: EventPersistence<Events>;
  /**
   * Runtime payload checks at publish (see EventPersistenceOptions.schemas): an invalid payload
   * is refused with INVALID_PAYLOAD before any subscriber sees it. Default: the persistence's.
   */
  schemas?: NoInfer<EventSchemas<Events>>;
  /** Default true. False: a plain in-process bus. */
  persistEvents?: boolean;
  /** Unpersisted events held while Redis is unreachable. Default 10000. */
  maxQueued?: number;
  /** Called for each event dropped from a full queue (the oldest goes), with the running total. */
  onOverflow?: (event: SeedEvent, droppedTotal: number) => void;
  /**
   * How a persistent error reaches the application when no call of its own is there to throw
   * it (a `publish()` rejects by itself for WRONGTYPE, NOPERM…):
   *  - `consumer-stopped`: the `startConsumer()` loop ended because its iterator threw (a NOPERM
   *    or WRONGTYPE that outlasted `giveUpAttempts`); nothing is consumed until startConsumer() is
   *    called again.
   *  - `queued-event-dropped`: a queued event was refused for good when the queue was flushed
   *    (the key became another type during the outage, say); it is counted in droppedCount.
   * Called once per occurrence. Without it the same is logged (one line each).
   */
  onError?: (error: StreamscopeError, context: BusErrorContext) => void;
  /** Queue retry backoff: first delay and cap, ms. Defaults 200 and 5000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Default: stderr. */
  logger?: Logger;
}

/** What `onError` is told about: a consumer that stopped, or a queued event that was dropped. */
export type BusErrorContext =
  | { kind: 'consumer-stopped'; consumerName: string }
  | { kind: 'queued-event-dropped'; event: SeedEvent };

/** Options of replayEvents: the range, the pace and control. */
export interface ReplayEventsOptions extends GetEventsOptions {
  /** `max` (default: as fast as the handlers go), or N: the original inter-arrival times ÷ N (1 = real time). */
  speed?: ReplaySpeed;
  /** After each dispatched event. `total` is null: the range is read page by page. */
  onProgress?: (p: ReplayProgress) => void;
  /** Pause / resume / step / cancel from outside. */
  control?: ReplayControl;
  signal?: AbortSignal;
}

/**
 * The seed's `PersistentEventBus`: in-process pub/sub, persisted through an EventPersistence.
 * `Events` (optional) types publish, subscribe and startConsumer as for EventPersistence.
 */
export class PersistentEventBus<Events = AnyEvents> {
  readonly persistence: EventPersistence<Events> | null;
  /** Events dropped from a full queue since construction. */
  droppedCount = 0;

  private readonly handlers = new Map<string, Set<EventHandler>>();
  private readonly queue: SeedEvent[] = [];
  private readonly ownsPersistence: boolean;
  private readonly logger: Logger;
  private readonly options: PersistentEventBusOptions<Events>;
  /** The persistence, untyped: internally events are plain SeedEvents. */
  private readonly store: EventPersistence | null;
  private readonly schemas: SchemaTable | undefined;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushAttempt = 0;
  private flushing: Promise<void> | null = null;
  private outageLogged = false;
  private consumer: { controller: AbortController; done: Promise<void> } | null = null;

  constructor(options: PersistentEventBusOptions<Events> = {}) {
    this.options = options;
    this.logger = options.logger ?? stderrLogger;
    const persist = options.persistEvents ?? true;
    this.persistence = persist
      ? (options.persistence ?? new EventPersistence<Events>({ logger: this.logger }))
      : null;
    this.store = this.persistence as EventPersistence | null;
    this.schemas = (options.schemas ?? options.persistence?.schemas) as SchemaTable | undefined;
    this.ownsPersistence = persist && !options.persistence;
  }

  /** Unpersisted events waiting for Redis. */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** Connect the persistence (fails with a typed error; publish still works in-process and queues). */
  async initialize(): Promise<void> {
    await this.persistence?.connect();
  }

  /** `eventType` or `*` for every event. Returns the unsubscribe function. */
  subscribe<K extends EventTypeOf<Events> | '*'>(
    eventType: K,
    handler: EventHandler<EventOf<Events, K extends '*' ? EventTypeOf<Events> : Narrow<Events, K>>>,
  ): () => void {
    let set = this.handlers.get(eventType);
    if (!set) this.handlers.set(eventType, (set = new Set()));
    const h = handler as unknown as EventHandler;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  /**
   * Deliver in-process, then persist. Resolves to the type-stream entry ID, or null when the
   * event was queued (Redis unreachable) or persistence is off. Rejects for an invalid type or a
   * non-transient Redis error (WRONGTYPE, NOPERM) — after the in-process delivery.
   */
  async publish(event: EventInputOf<Events>): Promise<string | null> {
    const input = event as EventInput;
    assertValidEventType(input.eventType);
    await assertValidPayload(this.schemas, input);
    return this.publishChecked(completeEvent(input));
  }

  private async publishChecked(event: SeedEvent): Promise<string | null> {
    await this.dispatch(event);
    if (!this.persistence) return null;
    if (this.queue.length > 0) {
      this.enqueue(event); // keep the stored order equal to the publish order
      return null;
    }
    try {
      return await this.store!.persistEvent(event);
    } catch (err) {
      if (!isTransient(err)) throw err;
      this.enqueue(event, err);
      return null;
    }
  }

  /**
   * publish() for many events: all are delivered in-process (in order), then persisted with one
   * pipelined persistEvents. Resolves to the entry IDs in input order, null for an event that was
   * queued (Redis unreachable, or a transient failure of that event) or when persistence is off.
   * A non-transient failure (WRONGTYPE, NOPERM) rejects with the PublishBatchError after the
   * transient ones were queued; the events that were written are in its `ids`.
   */
  async publishMany(batch: readonly EventInputOf<Events>[]): Promise<(string | null)[]> {
    const inputs = batch as readonly EventInput[];
    for (const input of inputs) assertValidEventType(input.eventType);
    for (const input of inputs) await assertValidPayload(this.schemas, input);
    const events = inputs.map((input) => completeEvent(input));
    for (const event of events) await this.dispatch(event);
    if (!this.persistence) return events.map(() => null);
    if (this.queue.length > 0) {
      for (const event of events) this.enqueue(event);
      return events.map(() => null);
    }
    try {
      return await this.store!.persistEvents(events);
    } catch (err) {
      if (!(err instanceof PublishBatchError)) {
        if (!isTransient(err)) throw err;
        for (const event of events) this.enqueue(event);
        return events.map(() => null);
      }
      for (const f of err.failures) if (isTransient(f.error)) this.enqueue(events[f.index]);
      if (err.failures.some((f) => !isTransient(f.error))) throw err;
      return [...err.ids];
    }
  }

  /**
   * Re-dispatch stored events to in-process subscribers (not re-persisted), oldest first, read in
   * pages of 500. `speed` paces them by their stream IDs' times (the same pacing as
   * `streamscope replay`). Returns how many were dispatched (fewer when cancelled).
   */
  async replayEvents(
    eventType: EventTypeOf<Events> | 'all',
    options: ReplayEventsOptions = {},
  ): Promise<number> {
    if (!this.store)
      throw new StreamscopeError('CLOSED', 'replay needs persistence (persistEvents: true)');
    const speed = options.speed ?? 'max';
    const control = options.control ?? new ReplayControl();
    const limit = options.count ?? Infinity;
    const end = options.end ?? '+';
    let start = options.start ?? '-';
    let n = 0;
    let read = 0; // entries read, decodable or not: `count` bounds these, like XRANGE COUNT
    let firstMs: number | null = null;
    let lastDue = 0;
    while (read < limit) {
      const want = Math.min(500, limit - read);
      const page = await this.store.getEvents(eventType, { start, end, count: want });
      read += page.length;
      for (const stored of page) {
        const ms = streamIdToMs(stored.streamId);
        firstMs ??= ms;
        const due = dueOffsetMs(ms, firstMs, speed);
        if (!(await control.waitTurn(due, lastDue, options.signal))) return n;
        lastDue = due;
        if (!stored.event) continue;
        await this.dispatch(stored.event);
        n++;
        options.onProgress?.(progressOf(control, n, null, stored.streamId, speed, null));
      }
      if (page.length < want) break;
      start = `(${page[page.length - 1].streamId}`;
    }
    return n;
  }

  /**
   * Consume through the consumer group in the background. The handler's success acks the
   * delivery; a failure leaves it pending, so it is retried after `claimIdleMs` and dead-lettered
   * after maxDeliveries attempts. With `until` (an entry ID, see {@link ConsumeOptions.until}) the
   * consumer stops by itself once the group has finished every entry up to that ID;
   * {@link PersistentEventBus.consumerDone} resolves then, and startConsumer() may be called again.
   */
  startConsumer<K extends EventTypeOf<Events> | 'all'>(
    eventTypes: readonly K[],
    consumerName: string,
    handler: ConsumerHandler<
      EventOf<Events, ConsumedTypes<Events, K>>,
      DeliveryOf<Events, ConsumedTypes<Events, K>>
    >,
    options: Omit<ConsumeOptions, 'signal'> = {},
  ): void {
    const persistence = this.store;
    const handle = handler as unknown as ConsumerHandler;
    if (!persistence)
      throw new StreamscopeError('CLOSED', 'a consumer needs persistence (persistEvents: true)');
    if (this.consumer)
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        'a consumer is already running: stopConsumer() first',
      );
    validateConsumeArgs(eventTypes, consumerName, options);
    const controller = new AbortController();
    const done = (async () => {
      try {
        for await (const d of persistence.consumeEvents(eventTypes, consumerName, {
          ...options,
          signal: controller.signal,
        })) {
          if (!d.event) continue; // undecodable entries are dead-lettered by the consumer
          try {
            await handle(d.event, d);
          } catch (err) {
            this.logger(
              `handler failed on ${d.streamKey} ${d.messageId} (delivery ${d.deliveryCount} of ${persistence.maxDeliveries}): ${messageOf(err)}; left pending for retry`,
            );
            continue;
          }
          await d
            .ack()
            .catch((err: unknown) =>
              this.logger(
                `ack of ${d.streamKey} ${d.messageId} failed: ${messageOf(err)}; it will be redelivered`,
              ),
            );
        }
      } catch (err) {
        if (!controller.signal.aborted) {
          this.logger(`consumer ${consumerName} stopped: ${messageOf(err)}`);
          this.report(err, { kind: 'consumer-stopped', consumerName });
        }
      }
      // Ended by itself (`until` reached, or it gave up): no consumer is running any more.
      if (this.consumer?.controller === controller) this.consumer = null;
    })();
    this.consumer = { controller, done };
  }

  /**
   * Resolves when the background consumer has ended: stopConsumer(), its `until` reached, or its
   * iterator threw (then onError was told). Resolves at once when none is running.
   */
  async consumerDone(): Promise<void> {
    await this.consumer?.done;
  }

  /** Stop the background consumer; resolves when it has stopped (promptly: the BLOCK is broken). */
  async stopConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    if (!c) return;
    c.controller.abort();
    await c.done;
  }

  /** Persist queued events now. Resolves when the queue is empty or Redis failed again (then retried later). */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** `await using bus = new PersistentEventBus(…)`: close() when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Stop the consumer, persist what is queued if Redis is reachable, and close the persistence it created. */
  async close(): Promise<void> {
    await this.stopConsumer();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.queue.length > 0 && this.persistence?.connected) await this.flush();
    if (this.queue.length > 0)
      this.logger(`closing with ${this.queue.length} unpersisted event(s)`);
    if (this.ownsPersistence) await this.persistence?.disconnect();
  }

  /** The onError callback; an exception thrown by it is logged, never lost in a rejection. */
  private report(err: unknown, context: BusErrorContext): void {
    try {
      this.options.onError?.(asStreamscopeError(err), context);
    } catch (e) {
      this.logger(`onError callback failed: ${messageOf(e)}`);
    }
  }

  private async dispatch(event: SeedEvent): Promise<void> {
    const targets = [
      ...(this.handlers.get(event.eventType) ?? []),
      ...(this.handlers.get('*') ?? []),
    ];
    for (const h of targets) {
      try {
        await h(event);
      } catch (err) {
        this.logger(`subscriber failed on ${event.eventType} ${event.eventId}: ${messageOf(err)}`);
      }
    }
  }

  private enqueue(event: SeedEvent, cause?: unknown): void {
    const max = Math.max(1, this.options.maxQueued ?? 10000);
    if (!this.outageLogged) {
      // Name the cause (`OOM: Redis is out of memory…`, `lost the connection…`): the fix differs.
      const why = cause instanceof Error ? cause.message : 'Redis unreachable';
      this.logger(`cannot persist now (${why}): queueing events in memory and retrying`);
      this.outageLogged = true;
    }
    this.queue.push(event);
    while (this.queue.length > max) {
      const dropped = this.queue.shift()!;
      this.droppedCount++;
      if (this.options.onOverflow) this.options.onOverflow(dropped, this.droppedCount);
      else if (this.droppedCount === 1 || this.droppedCount % 1000 === 0) {
        this.logger(
          `unpersisted-event queue full (${max}): dropped ${this.droppedCount} oldest event(s) so far`,
        );
      }
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.queue.length === 0) return;
    const delay = backoffDelay(
      this.flushAttempt + 1,
      this.options.retryBaseMs ?? 200,
      this.options.retryMaxMs ?? 5000,
    );
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, delay);
    // Pending retries must not keep a process alive; close() reports what is left.
    this.flushTimer.unref();
  }

  private async doFlush(): Promise<void> {
    const p = this.store;
    if (!p) return;
    try {
      await p.connect();
      while (this.queue.length > 0) {
        try {
          await p.persistEvent(this.queue[0]);
        } catch (err) {
          if (isTransient(err)) throw err;
          const lost = this.queue.shift()!;
          this.logger(
            `cannot persist ${lost.eventType} ${lost.eventId}: ${messageOf(err)}; dropped from the queue`,
          );
          this.droppedCount++;
          this.report(err, { kind: 'queued-event-dropped', event: lost });
          continue;
        }
        this.queue.shift();
      }
      if (this.outageLogged) this.logger('Redis reachable again: queued events persisted');
      this.outageLogged = false;
      this.flushAttempt = 0;
    } catch {
      this.flushAttempt++;
      this.scheduleFlush();
    }
  }
}

function asStreamscopeError(err: unknown): StreamscopeError {
  return err instanceof StreamscopeError ? err : new StreamscopeError('REDIS', messageOf(err));
}

function isTransient(err: unknown): boolean {
  return err instanceof StreamscopeError && TRANSIENT_CODES.has(err.code);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
