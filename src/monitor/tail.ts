/**
 * The live tail: follows `<prefix>all` with plain `XREAD COUNT n BLOCK ms` on a connection of its
 * own (never a consumer group, so it steals nothing), resumes from the last ID it saw after any
 * disconnect (no gap, no duplicate), and batches what it reads into one EventsReceived message
 * per flush interval instead of one per event.
 */
import { StreamscopeError } from '../core/errors.js';
import type { KeySpace } from '../core/keys.js';
import type { ErrorInfo, MonitorMessage, TailEvent } from '../core/messages.js';
import type { RawFields, SeedEvent } from '../core/types.js';
import { decodeFields } from '../core/codec.js';
import { fieldsFromBuffers } from '../core/bytes.js';
import { parseXinfoStream, type XinfoStream } from '../core/parse-info.js';
import { compareStreamIds, isStreamId, msToStreamId, previousStreamId } from '../core/stream-id.js';
import { backoffDelay } from '../core/retry.js';
import {
  ConnectionGuard,
  describeServer,
  secretsOf,
  toErrorInfo,
  type ClientFactory,
} from './connection-guard.js';

export interface TailOptions {
  /** Returns a NEW client each call; the tail owns it (one per connection attempt) and closes it. */
  createClient: ClientFactory;
  keys: KeySpace;
  emit: (msg: MonitorMessage) => void;
  /** `'$'` (default: only new entries), a stream ID (read from it, inclusive), or a time in ms since the epoch. */
  since?: string | number;
  /** XREAD COUNT: entries per read. Default 1000. */
  count?: number;
  /** XREAD BLOCK in ms (finite, so a deleted stream cannot park us: redis/redis#6887). Default 1000. */
  blockMs?: number;
  /** Interval of EventsReceived messages in ms. Default 100. */
  flushMs?: number;
  /** Reconnect backoff (core/retry.ts): first delay and cap, ms. Defaults 100 and 5000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Give up on a connection attempt after this many ms. Default 5000. */
  connectTimeoutMs?: number;
  /** A read with no reply after blockMs + this many ms is treated as a dead connection. Default 3000. */
  watchdogMs?: number;
}

type XreadReply = [Buffer, [Buffer, Buffer[]][]][] | null;

/**
 * A TailEvent whose `event` is decoded on first access, not on receipt: at 50k events/s the
 * JSON.parse of every entry was the tail's biggest cost (and garbage), while the UI only looks
 * at the ~40 rows on screen (and the filter at what it tests). Decoding is pure, so the result
 * is the same whenever it happens; it is cached on the object (entries are immutable).
 */
export class ReceivedEvent implements TailEvent {
  readonly type: string | null;
  #event: SeedEvent | null | undefined;

  constructor(
    readonly id: string,
    readonly fields: RawFields,
    readonly bytes: number,
  ) {
    // Global-stream entries carry `type`; only foreign entries need the decode to know it.
    this.type = fields.type ?? this.event?.eventType ?? null;
  }

  get event(): SeedEvent | null {
    if (this.#event === undefined) {
      const decoded = decodeFields(this.fields);
      this.#event = decoded.ok ? decoded.event : null;
    }
    return this.#event;
  }
}

export class Tail {
  private readonly o: Required<Omit<TailOptions, 'since'>>;
  private readonly key: string;
  private readonly since: string | number;
  private lastIdValue: string | null = null;
  /** entries-added of the stream at lastId (Redis ≥ 7.0), to count entries trimmed before we read them. */
  private position: number | null = null;
  private checkGap = true;
  private backlogValue: number | null = null;
  private batch: TailEvent[] = [];
  /** Whether `batch` holds history (entries older than the start); a batch never mixes both. */
  private batchHistory = false;
  /** Last entry ID in the stream when the tail started from history (`since`), null once passed or when starting at `$`. */
  private historyEnd: string | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private guard: ConnectionGuard | null = null;
  private closed = false;
  private everConnected = false;
  private loopDone: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(options: TailOptions) {
    this.o = {
      count: 1000,
      blockMs: 1000,
      flushMs: 100,
      retryBaseMs: 100,
      retryMaxMs: 5000,
      connectTimeoutMs: 5000,
      watchdogMs: 3000,
      ...options,
    };
    this.key = options.keys.globalStream;
    this.since = options.since ?? '$';
    if (typeof this.since === 'string' && this.since !== '$' && !isStreamId(this.since)) {
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `since must be "$", a stream ID or a time in ms, got ${JSON.stringify(this.since)}`,
      );
    }
  }

  /** ID of the last entry read (what a reconnect resumes after); null before the start point is known. */
  get lastId(): string | null {
    return this.lastIdValue;
  }

  /**
   * Entries between the newest one read and the stream's end, as of the last read: 0 after a read
   * that was not a full batch (it reached the end), entries-added − position after a full one
   * (whose XINFO rides along); null while unknown (history, or a stream without entries-added).
   * The auto switch (tail-auto.ts) reads it to see a flood at once.
   */
  get backlog(): number | null {
    return this.backlogValue;
  }

  /**
   * Resolves after the first connection attempt: connected with `$` resolved to a concrete ID, or
   * failed (then the loop keeps retrying in the background and resolves `$` once connected).
   */
  async start(): Promise<void> {
    if (this.loopDone) return;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((r) => (firstAttempt = r));
    this.loopDone = this.loop(firstAttempt);
    await attempted;
  }

  /** Prompt: aborts a blocked XREAD by dropping its connection; flushes the last batch. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.guard?.abort('tail closed');
    this.wake?.();
    await this.loopDone;
    this.flush();
  }

  private connection(
    state: 'connecting' | 'connected' | 'reconnecting',
    attempt: number,
    error: ErrorInfo | null,
  ): void {
    this.o.emit({ type: 'ConnectionChanged', loop: 'tail', state, attempt, error, at: Date.now() });
  }

  private async loop(firstAttempt: () => void): Promise<void> {
    let attempt = 0;
    this.connection('connecting', 0, null);
    while (!this.closed) {
      const guard = new ConnectionGuard(this.o.createClient());
      this.guard = guard;
      try {
        await guard.ready(this.o.connectTimeoutMs);
        if (this.lastIdValue === null) await this.resolveStart(guard);
        attempt = 0;
        this.checkGap = true;
        this.everConnected = true;
        this.connection('connected', 0, null);
        firstAttempt();
        await this.readLoop(guard);
      } catch (err) {
        firstAttempt();
        if (this.closed) break;
        attempt++;
        // "connecting" until the first success, "reconnecting" only after it.
        this.connection(
          this.everConnected ? 'reconnecting' : 'connecting',
          attempt,
          toErrorInfo(err, describeServer(guard.client), secretsOf(guard.client), true),
        );
        await this.sleep(backoffDelay(attempt, this.o.retryBaseMs, this.o.retryMaxMs));
      } finally {
        guard.dispose();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async resolveStart(guard: ConnectionGuard): Promise<void> {
    const info = await guard.guard(
      guard.client.xinfo('STREAM', this.key).then(parseXinfoStream, (err: Error) => {
        if (/no such key/i.test(err.message)) return null;
        throw err;
      }),
      this.o.connectTimeoutMs,
      'XINFO STREAM',
    );
    if (this.since === '$') {
      this.lastIdValue = info ? info.lastGeneratedId : '0-0';
      this.position = info ? info.entriesAdded : 0;
      return;
    }
    const from = typeof this.since === 'number' ? msToStreamId(this.since) : this.since;
    // XREAD is exclusive; the user's start point is inclusive.
    this.lastIdValue = previousStreamId(from) ?? '0-0';
    this.position = null;
    // Entries up to here were there before we started: history, not arrivals.
    this.historyEnd =
      info && info.length > 0 && compareStreamIds(info.lastGeneratedId, this.lastIdValue) > 0
        ? info.lastGeneratedId
        : null;
  }

  private async readLoop(guard: ConnectionGuard): Promise<void> {
    const { count, blockMs, watchdogMs } = this.o;
    const c = guard.client;
    while (!this.closed) {
      const from = this.lastIdValue!;
      let reply: XreadReply;
      let added: number | null = null;
      if (this.checkGap) {
        // XINFO rides in the same round trip, so gap detection costs no extra latency.
        const res = await guard.guard(
          c
            .pipeline()
            .xinfo('STREAM', this.key)
            .xreadBuffer('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, from)
            .exec(),
          blockMs + watchdogMs,
          'XREAD',
        );
        // ioredis's own error for a closed connection (not ours): classifyRedisError words it.
        if (!res) throw new Error('Connection is closed.');
        const [[infoErr, info], [readErr, read]] = res;
        if (readErr) throw readErr;
        if (!infoErr) {
          const parsed = parseXinfoStream(info);
          this.detectGap(parsed, from);
          added = parsed.entriesAdded;
        }
        reply = read as XreadReply;
      } else {
        reply = (await guard.guard(
          c.xreadBuffer('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, from),
          blockMs + watchdogMs,
          'XREAD',
        )) as XreadReply;
      }
      const n = reply ? this.take(reply) : 0;
      // A full batch means we are behind: trimming may overtake us, so check at the next read.
      this.checkGap = n >= count;
      if (n < count) this.backlogValue = 0;
      else if (added !== null)
        this.backlogValue =
          this.position === null || this.historyEnd !== null
            ? null
            : Math.max(0, added - this.position);
    }
  }

  private detectGap(info: XinfoStream, from: string): void {
    const added = info.entriesAdded;
    if (added === null) return;
    if (this.position !== null && added < this.position) this.position = null; // stream recreated
    const firstId = info.length > 0 ? (info.firstEntry?.id ?? info.recordedFirstEntryId) : null;
    if (this.position !== null && firstId && compareStreamIds(firstId, from) > 0) {
      const missed = added - this.position - info.length;
      if (missed > 0) {
        this.flush();
        this.o.emit({
          type: 'EventsMissed',
          count: missed,
          reason: `${missed} entries after ${from} were trimmed or deleted before the tail could read them`,
        });
      }
      this.position = added - info.length;
    }
    if (compareStreamIds(from, info.lastGeneratedId) >= 0) this.position = added;
  }

  private take(reply: NonNullable<XreadReply>): number {
    let n = 0;
    for (const [, entries] of reply) {
      for (const [idBuf, flat] of entries) {
        const { fields, bytes } = fieldsFromBuffers(flat);
        const id = idBuf.toString('latin1');
        const history = this.historyEnd !== null && compareStreamIds(id, this.historyEnd) <= 0;
        if (!history) this.historyEnd = null;
        if (history !== this.batchHistory) {
          this.flush();
          this.batchHistory = history;
        }
        this.batch.push(new ReceivedEvent(id, fields, bytes));
        this.lastIdValue = id;
        n++;
      }
    }
    if (this.position !== null) this.position += n;
    if (n > 0 && !this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.o.flushMs);
    return n;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.o.emit(
      this.batchHistory
        ? { type: 'EventsReceived', events, receivedAt: Date.now(), history: true }
        : { type: 'EventsReceived', events, receivedAt: Date.now() },
    );
  }
}
