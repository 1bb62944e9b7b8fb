/**
 * A live pane whose cost does not grow with the event rate. Up to what the tail can read in full,
 * the Tail (tail.ts) reads every entry. Above that, a sampling loop reads only what a person can
 * see: per frame, the newest screenful (`XREVRANGE <prefix>all + - COUNT <rows>`) plus
 * `XINFO STREAM` in the same round trip, whose entries-added gives the exact rate. The status bar
 * then says "sampling: 1 in N shown" (TailSampled); the live filter applies to what was sampled;
 * per-type rates stay exact (the poller's entries-added). `--tail full|sample|auto`: auto starts
 * in full and switches by `nextAutoMode` (below), which is pure so it can be tested alone.
 */
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

export type TailMode = 'full' | 'sample' | 'auto';
export const TAIL_MODES: readonly TailMode[] = ['full', 'sample', 'auto'];

// ── the auto switch (pure) ───────────────────────────────────────────────────────────────────

export interface AutoSwitchOptions {
  /** Full mode is "behind" while the newest entry read is older than this, ms. Default 2000. */
  behindMs: number;
  /** …for this long before sampling starts, ms. Default 2000. */
  behindForMs: number;
  /** Back to full when the exact rate stays under this share of what full mode managed. Default 0.5. */
  backBelow: number;
  /** …for this long, ms. Default 3000. */
  backForMs: number;
}

export const DEFAULT_AUTO: AutoSwitchOptions = {
  behindMs: 2000,
  behindForMs: 2000,
  backBelow: 0.5,
  backForMs: 3000,
};

export interface AutoState {
  sampling: boolean;
  /** Since when the condition for the next switch has held (ms), null while it does not. */
  since: number | null;
  /** Entries/s the full tail read when it fell behind: what full mode can take. */
  capacity: number | null;
}

export interface AutoObservation {
  now: number;
  /** Full mode: receipt time − time of the newest entry read, ms (null: nothing read yet). */
  lagMs: number | null;
  /** Full mode: entries/s read; sampling: the exact rate from entries-added. */
  perSec: number;
}

export const AUTO_START: AutoState = { sampling: false, since: null, capacity: null };

export function nextAutoMode(
  s: AutoState,
  obs: AutoObservation,
  o: AutoSwitchOptions = DEFAULT_AUTO,
): AutoState {
  if (!s.sampling) {
    const behind = obs.lagMs !== null && obs.lagMs > o.behindMs;
    if (!behind) return s.since === null ? s : { ...s, since: null };
    const since = s.since ?? obs.now;
    if (obs.now - since < o.behindForMs) return { ...s, since };
    return { sampling: true, since: null, capacity: Math.max(1, obs.perSec) };
  }
  const slow = obs.perSec < o.backBelow * (s.capacity ?? 0);
  if (!slow) return s.since === null ? s : { ...s, since: null };
  const since = s.since ?? obs.now;
  if (obs.now - since < o.backForMs) return { ...s, since };
  return { sampling: false, since: null, capacity: s.capacity };
}

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
}

export interface TailSwitchOptions {
  mode: TailMode;
  /** A new full tail from `$` (or the user's --since for the first) emitting through `emit`. */
  createTail: (emit: (msg: MonitorMessage) => void, first: boolean) => LiveLoop;
  createSampler: (onRate: (perSec: number) => void) => LiveLoop;
  emit: (msg: MonitorMessage) => void;
  auto?: AutoSwitchOptions;
  /** ms between auto decisions. Default 1000. */
  checkEveryMs?: number;
}

/** Runs the full tail or the sampler, and in auto mode switches between them. */
export class TailSwitch {
  private state: AutoState = AUTO_START;
  private loop: LiveLoop | null = null;
  private timer: NodeJS.Timeout | null = null;
  private switching: Promise<void> = Promise.resolve();
  private closed = false;
  private first = true;
  // Full-mode observations since the last decision.
  private received = 0;
  private lagMs: number | null = null;
  private sampledRate = 0;
  private lastCheck = Date.now();

  constructor(private readonly o: TailSwitchOptions) {}

  get sampling(): boolean {
    return this.state.sampling;
  }

  async start(): Promise<void> {
    this.state = { ...AUTO_START, sampling: this.o.mode === 'sample' };
    await this.run();
    if (this.o.mode === 'auto') {
      this.timer = setInterval(() => this.check(), this.o.checkEveryMs ?? 1000);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.switching;
    await this.loop?.close();
  }

  private async run(): Promise<void> {
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
      this.loop = this.o.createTail(observe, this.first);
      this.first = false;
    }
    await this.loop.start();
  }

  private check(): void {
    const now = Date.now();
    const perSec = this.state.sampling
      ? this.sampledRate
      : (this.received * 1000) / Math.max(1, now - this.lastCheck);
    const next = nextAutoMode(this.state, { now, lagMs: this.lagMs, perSec }, this.o.auto);
    this.received = 0;
    this.lastCheck = now;
    if (next.sampling === this.state.sampling) {
      this.state = next;
      return;
    }
    this.state = next;
    this.lagMs = null;
    this.switching = this.switching.then(async () => {
      await this.loop?.close();
      if (this.closed) return;
      if (!next.sampling)
        this.o.emit({ type: 'TailSampled', sampling: false, oneIn: 1, perSec: 0, at: now });
      await this.run();
    });
  }
}
