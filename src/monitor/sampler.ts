/**
 * A live pane whose cost does not grow with the event rate. Up to what the tail can read in full,
 * the Tail (tail.ts) reads every entry. Above that, a sampling loop reads only what a person can
 * see: per frame, the newest screenful (`XREVRANGE <prefix>all + - COUNT <rows>`) plus
 * `XINFO STREAM` in the same round trip, whose entries-added gives the exact rate. The status bar
 * then says "sampling: 1 in N shown" (TailSampled); the live filter applies to what was sampled;
 * per-type rates stay exact (the poller's entries-added). `--tail full|sample|auto`: auto starts
 * in full and switches by `nextAutoMode` (tail-auto.ts: lag, CPU cost, read rate; pure).
 */
import { performance } from 'node:perf_hooks';
import type { KeySpace } from '../core/keys.js';
import type { MonitorMessage, TailEvent } from '../core/messages.js';
import { fieldsFromBuffers } from '../core/bytes.js';
import { parseXinfoStream } from '../core/parse-info.js';
import { compareStreamIds, streamIdToMs } from '../core/stream-id.js';
import { backoffDelay } from '../core/retry.js';
import {
  ConnectionGuard,
  describeServer,
  secretsOf,
  toErrorInfo,
  type ClientFactory,
} from './connection-guard.js';
import { ReceivedEvent } from './tail.js';
import {
  AUTO_START,
  describeReason,
  nextAutoMode,
  type AutoState,
  type AutoSwitchOptions,
} from './tail-auto.js';

export type TailMode = 'full' | 'sample' | 'auto';
export const TAIL_MODES: readonly TailMode[] = ['full', 'sample', 'auto'];

// ── the sampling loop ────────────────────────────────────────────────────────────────────────

export interface SamplerOptions {
  createClient: ClientFactory;
  keys: KeySpace;
  emit: (msg: MonitorMessage) => void;
  /** Entries per frame: a screenful. */
  rows: () => number;
  /** ms between frames. Default 250. */
  frameMs?: number;
  /** Called with the exact rate once a second (the auto switch listens). */
  onRate?: (perSec: number) => void;
}

/** Reads the newest screenful per frame and the exact rate; never every entry. */
export class Sampler {
  private closed = false;
  private guard: ConnectionGuard | null = null;
  private done: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastShown: string | null = null;

  constructor(private readonly o: SamplerOptions) {}

  /** ID of the newest entry shown (what a full tail taking over resumes after), null before any. */
  get newestShown(): string | null {
    return this.lastShown;
  }

  start(): void {
    this.done ??= this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.guard?.abort('sampler closed');
    this.wake?.();
    await this.done;
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

  private async loop(): Promise<void> {
    const frameMs = this.o.frameMs ?? 250;
    const key = this.o.keys.globalStream;
    let attempt = 0;
    // Rate window: entries-added and shown counts at the window start.
    let windowAt = 0;
    let windowAdded: number | null = null;
    let shownInWindow = 0;
    while (!this.closed) {
      const guard = new ConnectionGuard(this.o.createClient());
      this.guard = guard;
      try {
        await guard.ready(5000);
        attempt = 0;
        this.o.emit({
          type: 'ConnectionChanged',
          loop: 'tail',
          state: 'connected',
          attempt: 0,
          error: null,
          at: Date.now(),
        });
        while (!this.closed) {
          const t0 = Date.now();
          const res = await guard.guard(
            guard.client
              .pipeline()
              .xinfo('STREAM', key)
              .xrevrangeBuffer(key, '+', '-', 'COUNT', Math.max(1, this.o.rows()))
              .exec(),
            5000,
            'XREVRANGE',
          );
          // ioredis's own error for a closed connection (not ours): classifyRedisError words it.
          if (!res) throw new Error('Connection is closed.');
          const [[infoErr, info], [readErr, read]] = res;
          if (readErr && !/no such key/i.test(readErr.message)) throw readErr;
          const added = infoErr ? null : parseXinfoStream(info).entriesAdded;
          const fresh = this.newest((read ?? []) as [Buffer, Buffer[]][]);
          shownInWindow += fresh.length;
          if (fresh.length > 0)
            this.o.emit({ type: 'EventsReceived', events: fresh, receivedAt: t0, history: true });
          if (windowAdded === null || added === null || added < windowAdded) {
            windowAt = t0;
            windowAdded = added;
            shownInWindow = 0;
          } else if (t0 - windowAt >= 1000) {
            const delta = added - windowAdded;
            const perSec = (delta * 1000) / (t0 - windowAt);
            const oneIn = Math.max(1, Math.round(delta / Math.max(1, shownInWindow)));
            this.o.emit({ type: 'TailSampled', sampling: true, oneIn, perSec, at: t0 });
            this.o.onRate?.(perSec);
            windowAt = t0;
            windowAdded = added;
            shownInWindow = 0;
          }
          await this.sleep(Math.max(0, frameMs - (Date.now() - t0)));
        }
      } catch (err) {
        if (this.closed) break;
        attempt++;
        this.o.emit({
          type: 'ConnectionChanged',
          loop: 'tail',
          state: 'reconnecting',
          attempt,
          error: toErrorInfo(err, describeServer(guard.client), secretsOf(guard.client), true),
          at: Date.now(),
        });
        await this.sleep(backoffDelay(attempt, 100, 5000));
      } finally {
        guard.dispose();
      }
    }
  }

  /** Entries newer than the last frame's, oldest first (XREVRANGE answers newest first). */
  private newest(reply: [Buffer, Buffer[]][]): TailEvent[] {
    const out: TailEvent[] = [];
    for (const [idBuf, flat] of reply) {
      const id = idBuf.toString('latin1');
      if (this.lastShown !== null && compareStreamIds(id, this.lastShown) <= 0) break;
      const { fields, bytes } = fieldsFromBuffers(flat);
      out.push(new ReceivedEvent(id, fields, bytes));
    }
    out.reverse();
    if (out.length > 0) this.lastShown = out[out.length - 1].id;
    return out;
  }
}

// ── full, sample or auto ─────────────────────────────────────────────────────────────────────

export interface LiveLoop {
  start(): Promise<void> | void;
  close(): Promise<void>;
  /** Sampler: the newest entry shown, so the full tail taking over leaves no gap. */
  readonly newestShown?: string | null;
  /** Full tail: entries it has still to read (Tail.backlog), for the auto switch's flood rule. */
  readonly backlog?: number | null;
}

export interface TailSwitchOptions {
  mode: TailMode;
  /**
   * A new full tail emitting through `emit`: the first from the user's --since; after sampling,
   * from just after `after` (the sampler's newest shown entry, so no entry falls between the
   * two), or from `$` when the sampler showed nothing.
   */
  createTail: (
    emit: (msg: MonitorMessage) => void,
    first: boolean,
    after: string | null,
  ) => LiveLoop;
  createSampler: (onRate: (perSec: number) => void) => LiveLoop;
  emit: (msg: MonitorMessage) => void;
  auto?: AutoSwitchOptions;
  /** ms between auto decisions. Default 250 (each over the last second: see `windowMs`). */
  checkEveryMs?: number;
  /** The read rate and the event loop's utilisation are taken over the last this many ms. Default 1000. */
  windowMs?: number;
  /**
   * The event loop's cumulative busy and wall time so far, ms: the auto switch's cost is their
   * growth over the window. Default: `performance.eventLoopUtilization()`.
   */
  loopTime?: () => { busyMs: number; wallMs: number };
}

function eventLoopTime(): { busyMs: number; wallMs: number } {
  const u = performance.eventLoopUtilization();
  return { busyMs: u.active, wallMs: u.active + u.idle };
}

/** One observation of the full tail: cumulative counts at a time. */
interface Mark {
  at: number;
  received: number;
  busyMs: number;
  wallMs: number;
}

/** Runs the full tail or the sampler, and in auto mode switches between them. */
export class TailSwitch {
  private state: AutoState = AUTO_START;
  private loop: LiveLoop | null = null;
  private timer: NodeJS.Timeout | null = null;
  private switching: Promise<void> = Promise.resolve();
  private closed = false;
  private first = true;
  // Full-mode observations: live entries received so far, and the marks of the last window.
  private received = 0;
  private marks: Mark[] = [];
  private lagMs: number | null = null;
  private sampledRate = 0;
  private readonly loopTime: () => { busyMs: number; wallMs: number };

  constructor(private readonly o: TailSwitchOptions) {
    this.loopTime = o.loopTime ?? eventLoopTime;
  }

  get sampling(): boolean {
    return this.state.sampling;
  }

  async start(): Promise<void> {
    this.state = { ...AUTO_START, sampling: this.o.mode === 'sample' };
    // Forced: say so at once (the sampler's first ratio comes after a second of counting).
    if (this.o.mode === 'sample') this.announce('--tail sample', 0, Date.now());
    await this.run();
    if (this.o.mode === 'auto') {
      this.marks = [this.mark(Date.now())];
      this.timer = setInterval(() => this.check(), this.o.checkEveryMs ?? 250);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.switching;
    await this.loop?.close();
  }

  private announce(reason: string | null, perSec: number, at: number): void {
    // oneIn 0: sampling, ratio not measured yet (the sampler's TailSampled follows).
    this.o.emit({ type: 'TailSampled', sampling: true, oneIn: 0, perSec, at, reason });
  }

  private async run(resumeAfter: string | null = null): Promise<void> {
    if (this.state.sampling) {
      this.loop = this.o.createSampler((perSec) => (this.sampledRate = perSec));
    } else {
      const observe = (msg: MonitorMessage) => {
        if (msg.type === 'EventsReceived' && !msg.history && msg.events.length > 0) {
          this.received += msg.events.length;
          this.lagMs = msg.receivedAt - streamIdToMs(msg.events[msg.events.length - 1].id);
        }
        this.o.emit(msg);
      };
      this.loop = this.o.createTail(observe, this.first, resumeAfter);
      this.first = false;
    }
    await this.loop.start();
  }

  private mark(at: number): Mark {
    return { at, received: this.received, ...this.loopTime() };
  }

  /**
   * Read rate and utilisation over the last `windowMs` (from the newest mark at least that old,
   * else the oldest kept): four decisions a second, each over a second, so one short window's
   * flush quantisation or one GC does not decide alone.
   */
  private window(now: number): { perSec: number; busy: number | null } {
    const m = this.mark(now);
    this.marks.push(m);
    const windowMs = this.o.windowMs ?? 1000;
    while (this.marks.length > 2 && now - this.marks[1].at >= windowMs) this.marks.shift();
    const from = this.marks[0];
    const wall = Math.max(1, now - from.at);
    const loopWall = m.wallMs - from.wallMs;
    return {
      perSec: ((m.received - from.received) * 1000) / wall,
      busy: loopWall > 0 ? (m.busyMs - from.busyMs) / loopWall : null,
    };
  }

  private check(): void {
    const now = Date.now();
    const { perSec: readPerSec, busy } = this.window(now);
    const perSec = this.state.sampling ? this.sampledRate : readPerSec;
    const next = nextAutoMode(
      this.state,
      this.state.sampling
        ? { now, lagMs: this.lagMs, perSec, busy: null, backlog: null }
        : { now, lagMs: this.lagMs, perSec, busy, backlog: this.loop?.backlog ?? null },
      this.o.auto,
    );
    if (next.sampling === this.state.sampling) {
      this.state = next;
      return;
    }
    this.state = next;
    this.lagMs = null;
    // The window restarts with the next full tail (sampling's seconds are no full-mode reading).
    this.marks = [this.mark(now)];
    // Until the sampler measures the exact rate, assume it is what full mode was reading.
    this.sampledRate = next.capacity ?? 0;
    if (next.sampling) this.announce(describeReason(next.reason, next.reasonValue), perSec, now);
    this.switching = this.switching.then(async () => {
      const old = this.loop;
      await old?.close();
      if (this.closed) return;
      if (!next.sampling)
        this.o.emit({ type: 'TailSampled', sampling: false, oneIn: 1, perSec: 0, at: now });
      await this.run(next.sampling ? null : (old?.newestShown ?? null));
    });
  }
}
