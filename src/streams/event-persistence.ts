/**
 * EventPersistence: the seed's API (camelCase) on Redis Streams, with its defects fixed
 * (REFERENCE §2). Wire format: core/codec.ts. Key names: core/keys.ts.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { EventInput, StoredEvent, StreamInfo } from '../core/types.js';
import {
  completeEvent,
  decodeEvent,
  encodeEventJson,
  globalStreamFields,
  typeStreamFields,
} from '../core/codec.js';
import {
  createKeySpace,
  DEFAULT_GROUP,
  DEFAULT_PREFIX,
  GLOBAL_STREAM_SUFFIX,
  type KeyLayout,
  type KeySpace,
} from '../core/keys.js';
import { keySlot } from '../core/hash-slot.js';
import { StreamscopeError } from '../core/errors.js';
import {
  parseEntry,
  parseXinfoGroups,
  parseXinfoStream,
  type RawEntry,
} from '../core/parse-info.js';
import {
  BLOCKING_DISCONNECT,
  connectChecked,
  createBlockingClient,
  probePermissions,
  resolveTarget,
  type ConnectionOptions,
  type ServerCheck,
  type TlsConnectionOptions,
} from './connection.js';
import { stderrLogger, toError, type Logger, type PersistenceContext } from './context.js';
import { consume, validateConsumeArgs, type ConsumeOptions } from './consumer.js';
import { claimIdle } from './recovery.js';
import { idempotent } from './idempotency.js';
import { trimByAge, type TrimLoss, type TrimReport } from './retention.js';
import { evictionWarning } from './eviction-check.js';
import { PublishTrimmer } from './publish-trim.js';
import { publishError, undoXadd } from './publish-undo.js';
import { publishBatch, PublishBatchError, type PublishBatchOptions } from './batch-publish.js';
import { consumeBatches, type EventBatch } from './batch-consumer.js';
import { readDeadLetters, type DeadLetter, type DeadLetterRange } from './dead-letters.js';
import { checkLayout, connectAuto, isClusterClient } from './cluster.js';
import { publishSpread, publishSpreadBatch } from './publish-spread.js';
import { consumeAcrossSlots } from './consume-slots.js';
import { archiveAndTrim, type ArchiveOptions, type ArchiveReport } from './archive.js';
import {
  planReplay,
  previewReplay,
  type ReplayPlan,
  type ReplayPreview,
  type ReplayRequest,
} from './replay-plan.js';
import { runReplay, type ReplayResult, type ReplayRunOptions } from './replay.js';
import type {
  AnyEvents,
  DeliveryOf,
  EventInputOf,
  EventOf,
  EventSchemas,
  EventTypeOf,
  Narrow,
  StoredEventOf,
} from '../core/typed-events.js';
import { assertValidPayload, validated, type SchemaTable } from './validation.js';

/**
 * Options of {@link EventPersistence}; every one has a default. TLS (rediss://): `tls`
 * (tls.connect options), `tlsCaFile`, `tlsInsecure` as in ConnectionOptions.
 */
export interface EventPersistenceOptions<Events = AnyEvents> extends TlsConnectionOptions {
  /**
   * Runtime payload checks: a Standard Schema (zod, valibot, arktype, or any object with a
   * `~standard` property) per event type. A publish whose payload its schema refuses throws
   * `INVALID_PAYLOAD` with the schema's message and writes nothing; a consumed entry it refuses
   * is dead-lettered with `invalid payload: <message>` as the reason and never handed out.
   * Validation only: what is written is the payload as given, not the schema's output.
   * Types without a schema are not checked.
   */
  // NoInfer: the map is named (`new EventPersistence<MyEvents>(…)`), never guessed from options.
  schemas?: NoInfer<EventSchemas<Events>>;
  /** Default: REDIS_URL env, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Default `alice:events:`. A braced prefix (`{alice}:events:`) keeps every key in one cluster slot. */
  streamPrefix?: string;
  /**
   * Key layout on a Redis Cluster (README "Redis Cluster"). `hash-tag` (default): the prefix must
   * be braced (`{alice}:events:`), every key shares one slot, a publish is one MULTI; an unbraced
   * prefix is refused at connect. `spread`: streams spread over the masters; a publish writes the
   * type stream, then the global stream (two ordered commands with retries, not atomic).
   * On a single node both layouts publish with one MULTI.
   */
  layout?: KeyLayout;
  /** true: connect as a Cluster client; false: never; default: detected (`redis_mode:cluster`). */
  cluster?: boolean;
  /** More cluster nodes to seed the Cluster client with (any one is enough). */
  seedUrls?: string[];
  /** Default `alice-main`. */
  consumerGroup?: string;
  /**
   * Approximate cap per type stream, entries; the global stream gets 2×. Default 100000; 0 = never trim.
   * Publishes do not use `XADD MAXLEN` (it drops unread and pending entries). Instead each stream
   * this instance writes to is trimmed about once per `trimIntervalMs` (or every `trimEvery`
   * publishes to it) with `XTRIM MINID ~ <oldest entry some group has not read or acknowledged>
   * LIMIT <length − maxLen>`: finished entries go, unfinished ones stay, so a stream behind a slow
   * group may grow past maxLen — up to `hardMaxLen`.
   */
  maxLen?: number;
  /**
   * Hard ceiling per type stream, entries (global stream 2×). Default 10 × maxLen. A stream still
   * longer than this after the safe trim (a dead or far-behind group) is trimmed exactly down to hardMaxLen;
   * the unfinished entries dropped are logged, counted in `trimLosses` and passed to `onTrimLoss`.
   */
  hardMaxLen?: number;
  /** ms between length trims of one stream. Default 1000. */
  trimIntervalMs?: number;
  /** Publishes to one stream between length trims (whichever of the two comes first). Default maxLen/10, clamped to 1…1000. */
  trimEvery?: number;
  /** Called when the hard ceiling removed entries some group had not read or acknowledged. */
  onTrimLoss?: (loss: TrimLoss) => void;
  /** Deliveries allowed before an entry is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Use this connected-or-not client for commands instead of creating one; it is not closed by disconnect(). Blocking reads still get their own connections. */
  client?: Redis;
  /** Password when not in the URL (default REDIS_PASSWORD, else REDISCLI_AUTH). */
  password?: string;
  /** ms. Default 5000. */
  connectTimeoutMs?: number;
  /** ms. Default 5000. */
  commandTimeoutMs?: number;
  /**
   * After a lost connection, reconnect delays double up to this cap, ms. Default 1000: a server
   * that comes back is used within about a second (one cheap connection attempt per second while
   * it is away).
   */
  reconnectMaxMs?: number;
  /** ID a created or recreated group starts at. Default `0` (process the retained backlog, as the seed does); `$` for new entries only. */
  groupStartId?: string;
  /** Log lines (recovery episodes, dead letters). Default: stderr. */
  logger?: Logger;
  /** Check ACL permissions for the stream commands at connect. Default true. */
  checkPermissions?: boolean;
}

/**
 * The event types a consumer of `K` receives: those of `K`, or every type of the map when `K`
 * includes `all` (the global stream holds every type's events).
 */
export type ConsumedTypes<Events, K extends string> = 'all' extends K
  ? EventTypeOf<Events>
  : Narrow<Events, Exclude<K, 'all'>>;

/** The range of getEvents: stream IDs (`-` / `+` by default, `(id` exclusive) and a count. */
export interface GetEventsOptions {
  start?: string;
  end?: string;
  count?: number;
}

/** Options of trimOldEvents; `maxAgeDays` defaults to 30. */
export interface TrimOldEventsOptions {
  /** Entries older than this many days go (server clock). Default 30, the seed's compliance window. */
  maxAgeDays?: number;
  /**
   * Archive before trimming: the entries are first written to
   * `<dir>/<stream key>/<yyyy-mm-dd>.ndjson.gz`, fsynced, re-read and counted; a failed write trims
   * nothing. A string is the folder; `beforeTrim` runs after the files are verified, before the XTRIM.
   */
  archive?: string | Pick<ArchiveOptions, 'dir' | 'beforeTrim'>;
  /** Called with the report (removed, kept back, held by which group). */
  onTrim?: (report: TrimReport) => void;
  /** With `archive`: the archive report (entries, bytes, day files, removed). */
  onArchive?: (report: ArchiveReport) => void;
}

/** Options of getPendingEvents. */
export interface PendingOptions {
  /** Claim for this consumer. Default `recovery-<host>-<pid>`. */
  consumerName?: string;
  /** ms. Default 60000. */
  idleMs?: number;
  /** Default: the whole PEL. */
  count?: number;
}

/**
 * The seed's `EventPersistence` on Redis Streams. `Events` (optional) maps each event type to its
 * payload type, typing persistEvent, getEvents, consumeEvents and the deliveries (see
 * {@link SeedEvents} and {@link EventsOf}); without it any type and payload is accepted.
 */
export class EventPersistence<Events = AnyEvents> {
  readonly keys: KeySpace;
  /** The `schemas` option (runtime payload checks), if any. */
  readonly schemas: EventSchemas<Events> | undefined;
  readonly consumerGroup: string;
  readonly maxLen: number;
  readonly hardMaxLen: number;
  readonly maxDeliveries: number;
  /** Entries removed by the hard ceiling although some group had not read or acknowledged them (cumulative). */
  trimLosses = 0;
  /** Result of the last trimOldEvents call (removed, kept back, who held it back). */
  lastTrimReport: TrimReport | null = null;
  /** Server facts from connect(). */
  server: ServerCheck | null = null;

  private readonly options: EventPersistenceOptions<Events>;
  private readonly schemaTable: SchemaTable | undefined;
  private readonly connOptions: ConnectionOptions;
  private readonly ownsClient: boolean;
  private client: Redis | null;
  private connecting: Promise<void> | null = null;
  /** The allkeys-* eviction warning was logged (once per instance). */
  private evictionWarned = false;
  /** Set by disconnect(): no auto-connect until connect() is called again. */
  private closed = false;
  private ctx: PersistenceContext | null = null;
  private readonly consumers = new Set<AbortController>();
  private readonly trimmer: PublishTrimmer;

  constructor(options: EventPersistenceOptions<Events> = {}) {
    this.options = options;
    this.schemas = options.schemas;
    this.schemaTable = options.schemas as SchemaTable | undefined;
    this.keys = createKeySpace(
      options.streamPrefix ?? DEFAULT_PREFIX,
      options.layout ?? 'hash-tag',
    );
    this.consumerGroup = options.consumerGroup ?? DEFAULT_GROUP;
    this.maxLen = options.maxLen ?? 100000;
    this.hardMaxLen = Math.max(this.maxLen, options.hardMaxLen ?? this.maxLen * 10);
    this.trimmer = new PublishTrimmer({
      maxLen: this.maxLen,
      hardMaxLen: this.hardMaxLen,
      intervalMs: options.trimIntervalMs ?? 1000,
      every: Math.max(1, options.trimEvery ?? Math.min(1000, Math.ceil(this.maxLen / 10))),
      onLoss: (loss) => {
        this.trimLosses += loss.lost;
        this.ctx?.logger(
          `trim: ${loss.streamKey} had ${loss.length} entries, over the hard ceiling of ${loss.hardMaxLen}: trimmed anyway, ` +
            `${loss.lost} entries not yet read or acknowledged by ${loss.groups.map((g) => g.group).join(', ') || 'a group'} were removed`,
        );
        this.options.onTrimLoss?.(loss);
      },
    });
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.connOptions = {
      url: options.redisUrl,
      password: options.password,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      retryMaxMs: options.reconnectMaxMs ?? 1000,
      tls: options.tls,
      tlsCaFile: options.tlsCaFile,
      tlsInsecure: options.tlsInsecure,
      cluster: options.cluster,
      seedUrls: options.seedUrls,
    };
    this.client = options.client ?? null;
    this.ownsClient = !options.client;
  }

  /** True after disconnect() (until connect() is called again). */
  get disconnected(): boolean {
    return this.closed;
  }

  /** True while connected (after connect() or a first call, until disconnect()). */
  get connected(): boolean {
    return this.ctx !== null;
  }

  /**
   * Connect, PING, check the version (≥ 6.2) and permissions; fails fast with a typed error.
   * Idempotent; concurrent calls share one attempt. Optional: every method connects on first use
   * (as the seed's methods do), until disconnect(); connect() again after that to reuse the instance.
   */
  connect(): Promise<void> {
    this.closed = false;
    if (this.ctx) return Promise.resolve();
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const target =
      this.options.client && !this.options.redisUrl ? null : resolveTarget(this.connOptions);
    let client = this.client;
    let connOptions = this.connOptions;
    try {
      if (client) {
        this.server = await connectChecked(
          client,
          target ? this.connOptions : { password: this.options.password },
        );
      } else {
        // A cluster is detected here (or forced), and every later client is a Cluster client too.
        const opened = await connectAuto({ ...this.connOptions, connectionName: 'streamscope' });
        client = opened.client;
        this.server = opened.server;
        connOptions = opened.options;
      }
      checkLayout(client, this.keys.prefix, this.keys.layout);
      const display =
        target?.display ??
        `redis://${client.options.host ?? '127.0.0.1'}:${client.options.port ?? 6379}`;
      if (this.options.checkPermissions ?? true) {
        await probePermissions(
          client,
          this.keys.typeStream('__streamscope_acl_probe__'),
          this.consumerGroup,
          display,
        );
      }
      if (!this.evictionWarned) {
        // Once per instance: a reconnect or a second connect() says nothing new.
        const warning = await evictionWarning(client, display);
        if (warning) {
          this.evictionWarned = true;
          (this.options.logger ?? stderrLogger)(warning);
        }
      }
      const connected = client;
      this.client = connected;
      this.ctx = {
        client: connected,
        keys: this.keys,
        group: this.consumerGroup,
        maxDeliveries: this.maxDeliveries,
        groupStartId: this.options.groupStartId ?? '0',
        logger: this.options.logger ?? stderrLogger,
        display,
        secrets: [target?.password, target?.url, this.options.password, connected.options.password],
        newBlockingClient: () =>
          target
            ? createBlockingClient({ ...connOptions, connectionName: 'streamscope-blocking' })
            : connected.duplicate({
                lazyConnect: true,
                commandTimeout: undefined,
                blockingTimeout: 5000,
                blockingTimeoutGrace: 5000,
                ...BLOCKING_DISCONNECT,
              }),
      };
    } catch (err) {
      if (this.ownsClient) client?.disconnect();
      throw err;
    }
  }

  /** True once connected to a Redis Cluster (a Cluster client). */
  get isCluster(): boolean {
    return this.client !== null && isClusterClient(this.client);
  }

  /** Stops every consumer loop (promptly) and closes the connection this instance created. */
  async disconnect(): Promise<void> {
    this.closed = true;
    for (const c of this.consumers) c.abort();
    this.consumers.clear();
    const client = this.client;
    this.ctx = null;
    if (client && this.ownsClient) {
      this.client = null;
      client.disconnect();
    }
  }

  /** `await using persistence = new EventPersistence(…)`: disconnect() when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  /** The context, connecting first when this instance has not connected yet (auto-connect). */
  private async ready(): Promise<PersistenceContext> {
    if (this.ctx) return this.ctx;
    if (this.closed)
      throw new StreamscopeError(
        'CLOSED',
        'EventPersistence was disconnected: call connect() to use it again.',
      );
    await this.connect();
    return this.context();
  }

  private context(): PersistenceContext {
    if (!this.ctx)
      throw new StreamscopeError(
        'CLOSED',
        'EventPersistence is not connected: call connect() first.',
      );
    return this.ctx;
  }

  /** `all` means the global stream (readable, trimmable; never a publish target). */
  private readKey(eventType: string): string {
    return eventType === GLOBAL_STREAM_SUFFIX
      ? this.keys.globalStream
      : this.keys.typeStream(eventType);
  }

  /**
   * Write the event to its type stream and the global stream in one MULTI (no MAXLEN: see the
   * `maxLen` option for the trimming policy; a due trim runs after the publish, and its failure
   * is logged, never thrown). Returns the type-stream entry ID. If either key holds another type, EXEC still
   * runs the other XADD (Redis has no rollback), so that entry is removed again (XDEL) and
   * WRONGTYPE is thrown: a publish lands in both streams or in neither.
   */
  async persistEvent(event: EventInputOf<Events>): Promise<string> {
    const input = event as EventInput;
    const key = this.keys.typeStream(input.eventType);
    await assertValidPayload(this.schemaTable, input);
    const ctx = await this.ready();
    const json = encodeEventJson(completeEvent(input));
    if (isClusterClient(ctx.client) && keySlot(key) !== keySlot(this.keys.globalStream)) {
      // The spread layout: two slots, two ordered commands (publish-spread.ts).
      const id = await publishSpread(
        ctx,
        key,
        typeStreamFields(json),
        globalStreamFields(json, input.eventType),
      );
      await this.trimAfterPublish(ctx, key);
      return id;
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await ctx.client
        .multi()
        .xadd(key, '*', ...typeStreamFields(json))
        .xadd(this.keys.globalStream, '*', ...globalStreamFields(json, input.eventType))
        .exec();
    } catch (err) {
      throw toError(ctx, err);
    }
    if (!results) throw new StreamscopeError('REDIS', 'the publish transaction was discarded');
    const [typeResult, globalResult] = results;
    if (typeResult[0]) {
      if (!globalResult[0]) await undoXadd(ctx, this.keys.globalStream, String(globalResult[1]));
      throw publishError(ctx, key, typeResult[0]);
    }
    if (globalResult[0]) {
      await undoXadd(ctx, key, String(typeResult[1]));
      throw publishError(ctx, this.keys.globalStream, globalResult[0]);
    }
    await this.trimAfterPublish(ctx, key);
    return String(typeResult[1]);
  }

  private async trimAfterPublish(ctx: PersistenceContext, key: string): Promise<void> {
    await Promise.all([
      this.trimmer.published(ctx, key, 1),
      this.trimmer.published(ctx, this.keys.globalStream, 2),
    ]);
  }

  /**
   * Publish many events: one server-side script call per chunk of `chunkSize` (default 500, up to
   * 4 chunks in flight), or a pipeline of one MULTI per event where the server refuses scripts.
   * Either way each event is all-or-nothing like persistEvent: it lands in both streams or in
   * neither. Resolves to the type-stream entry IDs in input order. Invalid input throws before
   * anything is written; if some events fail on the server, the rest are still written and a
   * PublishBatchError names each failure, with `ids` (null for the failed ones). See
   * batch-publish.ts.
   *
   * Throughput: because every input is encoded before the first write, one call leaves the server
   * idle while it encodes, and itself waits while the server writes. Two calls in flight (two
   * tasks publishing at once, each awaiting its own batch) overlap the two: bench/RESULTS.md
   * measures ~1.3× the events/s of one call at a time. Each call's events keep their input order;
   * the events of concurrent calls interleave.
   */
  async persistEvents(
    batch: readonly EventInputOf<Events>[],
    options?: PublishBatchOptions,
  ): Promise<string[]> {
    const inputs = batch as readonly EventInput[];
    // Every payload is checked before anything is written.
    if (this.schemaTable)
      for (const input of inputs) await assertValidPayload(this.schemaTable, input);
    const ctx = await this.ready();
    const global = keySlot(this.keys.globalStream);
    const spread =
      isClusterClient(ctx.client) &&
      inputs.some((i) => keySlot(this.keys.typeStream(i.eventType)) !== global);
    if (!spread) return publishBatch(ctx, this.trimmer, inputs, options);
    // The spread layout on a cluster: no pipeline spans the masters; events go through the
    // two-step publish, 16 at a time. Everything is encoded (validated) before the first write.
    const events = inputs.map((input) => {
      const json = encodeEventJson(completeEvent(input));
      return {
        key: this.keys.typeStream(input.eventType),
        typeFields: typeStreamFields(json),
        globalFields: globalStreamFields(json, input.eventType),
      };
    });
    const { ids, failures } = await publishSpreadBatch(ctx, events);
    for (const key of new Set(events.map((e) => e.key))) await this.trimAfterPublish(ctx, key);
    if (failures.length > 0) throw new PublishBatchError(ids, failures);
    return ids as string[];
  }

  /**
   * XRANGE start..end (inclusive; `(id` for exclusive) of one type stream, or of the global
   * stream for `all`. Foreign entries come back with `event: null`. Typed by the map, not
   * validated (reading checks nothing; consumeEvents does, with `schemas`).
   */
  async getEvents<K extends EventTypeOf<Events> | 'all'>(
    eventType: K,
    options: GetEventsOptions = {},
  ): Promise<
    StoredEventOf<EventOf<Events, K extends 'all' ? EventTypeOf<Events> : Narrow<Events, K>>>[]
  > {
    const key = this.readKey(eventType);
    const ctx = await this.ready();
    const args: (string | number)[] = [key, options.start ?? '-', options.end ?? '+'];
    if (options.count !== undefined) args.push('COUNT', options.count);
    try {
      const reply = (await ctx.client.call('XRANGE', ...args)) as unknown[];
      return reply
        .map(parseEntry)
        .filter((e): e is RawEntry => e !== null)
        .map(toStored) as unknown[] as StoredEventOf<
        EventOf<Events, K extends 'all' ? EventTypeOf<Events> : Narrow<Events, K>>
      >[];
    } catch (err) {
      throw toError(ctx, err);
    }
  }

  /**
   * At-least-once consumption through the consumer group; see consumer.ts for the order (own
   * pending entries, reclaimed idle entries, new entries) and the NOGROUP policy. Each delivery's
   * ack() acknowledges that delivery only. Entries that cannot be decoded are dead-lettered, not
   * yielded. Stop with `signal` or by breaking out of the loop. Throws at once (INVALID_ARGUMENT,
   * INVALID_EVENT_TYPE) for no event types, an invalid type, an empty consumer name or a bad option.
   * With `schemas`, an entry whose payload its schema refuses is dead-lettered, not yielded.
   * Typed: each delivery is a union discriminated on `eventType` over `eventTypes`.
   */
  consumeEvents<K extends EventTypeOf<Events> | 'all'>(
    eventTypes: readonly K[],
    consumerName: string,
    options: ConsumeOptions = {},
  ): AsyncIterable<DeliveryOf<Events, ConsumedTypes<Events, K>>> {
    validateConsumeArgs(eventTypes, consumerName, options);
    const keys = [...new Set(eventTypes.map((t) => this.readKey(t)))];
    const schemas = this.schemaTable;
    return this.trackedLoop(options.signal, async function* (ctx, signal) {
      const o = { ...options, signal };
      // On a cluster, one consume loop per slot group (never a CROSSSLOT XREADGROUP).
      const read = isClusterClient(ctx.client)
        ? consumeAcrossSlots(ctx, keys, consumerName, o, consume)
        : consume(ctx, keys, consumerName, o);
      // Invalid payloads are dead-lettered before idempotency takes a hold on their event_id.
      const deliveries = schemas ? validated(ctx, read, schemas, consumerName) : read;
      if (!options.idempotency) return yield* deliveries;
      yield* idempotent(ctx, deliveries, consumerName, {
        ...options.idempotency,
        leaseMs: options.claimIdleMs || 60000,
      });
    }) as AsyncIterable<unknown> as AsyncIterable<DeliveryOf<Events, ConsumedTypes<Events, K>>>;
  }

  /**
   * consumeEvents a batch at a time: the same loop (own PEL first, recovery, dead letters,
   * NOGROUP), each batch what one read returned (up to `count` per stream), with `ack()` for the
   * whole batch — one XACK per stream — skipping deliveries acknowledged or dead-lettered one by
   * one. Same argument checks and stopping as consumeEvents. With `idempotency`, completed
   * event_ids are acked and left out of the batch (a second copy in the same batch rides along
   * with the first), and the batch ack writes the done marks and the XACK in one MULTI per stream.
   */
  consumeEventBatches<K extends EventTypeOf<Events> | 'all'>(
    eventTypes: readonly K[],
    consumerName: string,
    options: ConsumeOptions = {},
  ): AsyncIterable<EventBatch<DeliveryOf<Events, ConsumedTypes<Events, K>>>> {
    validateConsumeArgs(eventTypes, consumerName, options);
    const keys = [...new Set(eventTypes.map((t) => this.readKey(t)))];
    const schemas = this.schemaTable;
    return this.trackedLoop(options.signal, (ctx, signal) =>
      consumeBatches(ctx, keys, consumerName, { ...options, signal }, schemas),
    ) as AsyncIterable<unknown> as AsyncIterable<
      EventBatch<DeliveryOf<Events, ConsumedTypes<Events, K>>>
    >;
  }

  /**
   * A consume loop that disconnect() can stop: it runs once the connection is ready, under a
   * signal that fires on the caller's signal, on break/return, or on disconnect().
   */
  private trackedLoop<T>(
    callerSignal: AbortSignal | undefined,
    loop: (ctx: PersistenceContext, signal: AbortSignal) => AsyncGenerator<T, unknown, undefined>,
  ): AsyncIterable<T> {
    const ready = () => this.ready();
    const controller = new AbortController();
    const signal = callerSignal
      ? AbortSignal.any([callerSignal, controller.signal])
      : controller.signal;
    const consumers = this.consumers;
    return {
      [Symbol.asyncIterator]() {
        consumers.add(controller);
        const inner = (async function* () {
          yield* loop(await ready(), signal);
        })();
        const finish = () => consumers.delete(controller);
        return {
          next: async () => {
            const r = await inner.next();
            if (r.done) finish();
            return r;
          },
          return: async (value?: unknown) => {
            controller.abort();
            finish();
            return inner.return(value as never);
          },
        };
      },
    };
  }

  /**
   * Claim every idle pending entry (XAUTOCLAIM, whole PEL) for `consumerName`; each has a working
   * ack() and its post-claim delivery count. A stream that does not exist or has no such group
   * has nothing pending: `[]` (not NOGROUP).
   */
  async getPendingEvents<K extends EventTypeOf<Events>>(
    eventType: K,
    options: PendingOptions = {},
  ): Promise<DeliveryOf<Events, Narrow<Events, K>>[]> {
    const ctx = await this.ready();
    const consumer = options.consumerName ?? `recovery-${hostname()}-${process.pid}`;
    try {
      return (await claimIdle(ctx, this.keys.typeStream(eventType), consumer, {
        minIdleMs: options.idleMs ?? 60000,
        limit: options.count,
      })) as unknown[] as DeliveryOf<Events, Narrow<Events, K>>[];
    } catch (err) {
      if (toError(ctx, err).code === 'NOGROUP') return [];
      throw toError(ctx, err);
    }
  }

  /**
   * Entries of the dead-letter stream `<prefix>dlq:<eventType>` (`all` for the global stream's),
   * oldest first, with where each came from, why, and the original entry decoded.
   */
  async getDeadLetters(
    eventType: EventTypeOf<Events> | 'all',
    range: DeadLetterRange = {},
  ): Promise<DeadLetter[]> {
    return readDeadLetters(await this.ready(), this.keys.deadLetterStream(eventType), range);
  }

  /**
   * Every XINFO STREAM field (length, first/last entries, entries added, max deleted ID, recorded
   * first ID, radix-tree sizes, group count) and the groups (lag null when Redis cannot tell).
   * A missing stream is a zero-length info with `exists: false`, not an error (see StreamInfo).
   */
  async getStreamInfo(eventType: EventTypeOf<Events> | 'all'): Promise<StreamInfo> {
    const key = this.readKey(eventType);
    const ctx = await this.ready();
    try {
      const [[e1, stream], [e2, groups]] = ((await ctx.client
        .pipeline()
        .call('XINFO', 'STREAM', key)
        .call('XINFO', 'GROUPS', key)
        .exec()) ?? []) as [Error | null, unknown][];
      if (e1 && /no such key/i.test(e1.message)) {
        return {
          key,
          exists: false,
          length: 0,
          firstEntry: null,
          lastEntry: null,
          lastGeneratedId: '0-0',
          entriesAdded: 0,
          maxDeletedEntryId: null,
          recordedFirstEntryId: null,
          radixTreeKeys: 0,
          radixTreeNodes: 0,
          groups: 0,
          consumerGroups: [],
        };
      }
      if (e1 || e2) throw e1 ?? e2;
      const s = parseXinfoStream(stream);
      return {
        key,
        length: s.length,
        firstEntry: s.firstEntry ? toStored(s.firstEntry) : null,
        lastEntry: s.lastEntry ? toStored(s.lastEntry) : null,
        lastGeneratedId: s.lastGeneratedId,
        exists: true,
        entriesAdded: s.entriesAdded,
        maxDeletedEntryId: s.maxDeletedEntryId,
        recordedFirstEntryId: s.recordedFirstEntryId,
        radixTreeKeys: s.radixTreeKeys,
        radixTreeNodes: s.radixTreeNodes,
        groups: s.groups,
        consumerGroups: parseXinfoGroups(groups),
      };
    } catch (err) {
      throw toError(ctx, err);
    }
  }

  /**
   * Remove entries older than `maxAgeDays` (default 30; server clock, exact MINID), never past an
   * entry some group has not read or acknowledged. `all` trims the global stream. With `archive`
   * the entries are archived first and only trimmed once the files are durable and verified.
   * Returns the number removed; the report (kept back, held by) is in `lastTrimReport` and passed
   * to `onTrim` (and the archive report to `onArchive`).
   */
  async trimOldEvents(
    eventType: EventTypeOf<Events> | 'all',
    options: TrimOldEventsOptions = {},
  ): Promise<number> {
    const maxAgeDays = options.maxAgeDays ?? 30;
    const key = this.readKey(eventType);
    const ctx = await this.ready();
    if (options.archive !== undefined) {
      const archive =
        typeof options.archive === 'string' ? { dir: options.archive } : options.archive;
      const a = await archiveAndTrim(ctx, key, maxAgeDays, archive);
      const report: TrimReport = {
        streamKey: key,
        serverTimeMs: a.serverTimeMs,
        cutoffId: a.cutoffId,
        minId: a.minId,
        removed: a.removed,
        keptBack: a.keptBack,
        heldBy: a.heldBy,
      };
      this.lastTrimReport = report;
      options.onArchive?.(a);
      options.onTrim?.(report);
      return report.removed;
    }
    const report = await trimByAge(ctx, key, maxAgeDays);
    this.lastTrimReport = report;
    options.onTrim?.(report);
    return report.removed;
  }

  /**
   * Replay a range (streams/replay.ts): to a sandbox prefix, into the same stream (tagged
   * replayed_from) or as a new consumer group just before the range. Copies carry the original
   * field bytes. Counts first (the preview), then runs at `speed`.
   */
  async replayRange(
    request: ReplayRequest,
    options: ReplayRunOptions = {},
  ): Promise<{ plan: ReplayPlan; preview: ReplayPreview; result: ReplayResult }> {
    const ctx = await this.ready();
    try {
      const plan = await planReplay(ctx.client, this.keys, request);
      const preview = await previewReplay(ctx.client, plan);
      const result = await runReplay(ctx.client, this.keys, plan, {
        total: preview.count,
        lastId: preview.lastId,
        ...options,
      });
      return { plan, preview, result };
    } catch (err) {
      if (err instanceof StreamscopeError) throw err;
      throw toError(ctx, err);
    }
  }
}

function toStored(entry: RawEntry): StoredEvent {
  return { streamId: entry.id, event: decodeEvent(entry.fields), fields: entry.fields };
}
