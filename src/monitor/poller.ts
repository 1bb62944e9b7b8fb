/**
 * The poller: every refreshMs, discovers streams under the prefix (a bounded SCAN slice) and
 * snapshots them in pipelined round trips. It never overlaps itself (the next run is scheduled
 * only after the previous one settled) and backs off with jitter while Redis is away.
 */
import { performance } from 'node:perf_hooks';
import type { KeySpace } from '../core/keys.js';
import type { ErrorInfo, MonitorMessage, StreamSnapshot } from '../core/messages.js';
import { groupKey } from '../core/lag-history.js';
import {
  snapshotStreams,
  StreamDiscovery,
  type DiscoveryOptions,
  type ServerInfo,
} from '../streams/inspector.js';
import { backoffDelay } from '../core/retry.js';
import { estimateUnknownLags, type LagEstimates } from '../streams/lag-estimate.js';
import {
  ConnectionGuard,
  describeServer,
  secretsOf,
  toErrorInfo,
  type ClientFactory,
} from './connection-guard.js';

/** A NULL lag that could not be counted (too many entries, a refused script) is retried after this, ms. */
const COUNT_AGAIN_MS = 30_000;

export interface PollerOptions {
  /** Returns a NEW client each call; the poller owns it and replaces it after a failure. */
  createClient: ClientFactory;
  keys: KeySpace;
  emit: (msg: MonitorMessage) => void;
  /** Snapshot interval in ms. Default 1000. */
  refreshMs?: number;
  /** Retry delay while Redis is away (core/retry.ts): first delay and cap, ms. Defaults refreshMs and 15000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A snapshot (or connection attempt) slower than this many ms counts as failed. Default 10000. */
  timeoutMs?: number;
  discovery?: DiscoveryOptions;
}

export class Poller {
  private readonly o: Required<Omit<PollerOptions, 'discovery' | 'retryBaseMs'>>;
  private readonly retryBaseMs: number;
  private readonly discovery: StreamDiscovery;
  private guard: ConnectionGuard | null = null;
  private server: ServerInfo | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  private connected = false;
  private everConnected = false;
  private closed = false;
  /** Groups with more NULL-lag entries than the count limit: not recounted before this time (ms). */
  private readonly countAgainAt = new Map<string, number>();
  private readonly lastUncounted = new Map<string, string>();
  /**
   * The last count per group and what it was counted against. The entries after a group's
   * position change only when the position moves, an entry is added (the last generated ID moves)
   * or one is removed (the length changes), so while all three stay the same the count is reused
   * instead of re-reading up to 10,000 entries every snapshot.
   */
  private readonly lastCount = new Map<string, { basis: string; count: number }>();

  constructor(options: PollerOptions) {
    this.o = { refreshMs: 1000, retryMaxMs: 15000, timeoutMs: 10000, ...options };
    this.retryBaseMs = options.retryBaseMs ?? this.o.refreshMs;
    this.discovery = new StreamDiscovery(options.keys, options.discovery);
  }

  /** Runs the first snapshot (its result is emitted before this resolves), then keeps polling. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.connection('connecting', 0, null);
    await this.run();
  }

  /** Snapshot now (after the one in flight, if any). Resolves when it has been emitted. */
  async refreshNow(): Promise<void> {
    if (this.closed || !this.started) return;
    if (this.running) await this.running;
    await this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Dropping the connection makes an in-flight snapshot fail at once instead of finishing.
    this.guard?.abort('poller closed');
    await this.running;
    this.guard?.dispose();
    this.guard = null;
  }

  private connection(
    state: 'connecting' | 'connected' | 'reconnecting',
    attempt: number,
    error: ErrorInfo | null,
  ): void {
    this.o.emit({
      type: 'ConnectionChanged',
      loop: 'poller',
      state,
      attempt,
      error,
      at: Date.now(),
    });
  }

  private run(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.snapshotOnce().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    const delay =
      this.failures > 0
        ? backoffDelay(this.failures, this.retryBaseMs, this.o.retryMaxMs)
        : this.o.refreshMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delay);
  }

  /**
   * Where Redis's lag is NULL, count the entries after the group's position (≤ 10,000, one
   * pipelined round trip, nothing when every lag is known or unchanged since its last count). A
   * group with more than that is not recounted for COUNT_AGAIN_MS: its count would cost the server
   * 10,000 entries a snapshot.
   */
  private async countUnknownLags(
    guard: ConnectionGuard,
    streams: readonly StreamSnapshot[],
  ): Promise<{ counted: LagEstimates | null; roundTrips: number }> {
    const now = Date.now();
    const tooMany: Record<string, string> = {};
    const reused: Record<string, number> = {};
    const basisOf = new Map<string, string>();
    const wanted = streams.map((s) => ({
      ...s,
      groups: s.groups.filter((g) => {
        if (g.lag !== null) return false;
        const key = groupKey(s.key, g.name);
        const basis = `${g.lastDeliveredId} ${s.lastGeneratedId} ${s.length}`;
        const last = this.lastCount.get(key);
        if (last?.basis === basis) {
          reused[key] = last.count;
          return false;
        }
        basisOf.set(key, basis);
        const at = this.countAgainAt.get(key);
        if (at !== undefined && at > now) {
          tooMany[key] = this.lastUncounted.get(key) ?? 'not counted';
          return false;
        }
        return true;
      }),
    }));
    // Forget groups whose lag is no longer NULL (or that are gone): the map stays as small as they.
    for (const key of this.lastCount.keys())
      if (!(key in reused) && !basisOf.has(key)) this.lastCount.delete(key);
    if (!wanted.some((s) => s.groups.length > 0))
      return {
        counted:
          Object.keys(tooMany).length > 0 || Object.keys(reused).length > 0
            ? { estimates: reused, uncounted: tooMany }
            : null,
        roundTrips: 0,
      };
    const got = await estimateUnknownLags(guard.client, wanted);
    for (const [key, why] of Object.entries(got.uncounted)) {
      this.countAgainAt.set(key, now + COUNT_AGAIN_MS);
      this.lastUncounted.set(key, why);
    }
    for (const [key, count] of Object.entries(got.estimates)) {
      this.countAgainAt.delete(key);
      const basis = basisOf.get(key);
      if (basis !== undefined) this.lastCount.set(key, { basis, count });
    }
    // One pipeline (per node on a cluster) unless every group to count was an empty stream.
    const sent = wanted.some((s) => s.length > 0 && s.groups.length > 0) ? 1 : 0;
    return {
      counted: {
        estimates: { ...reused, ...got.estimates },
        uncounted: { ...got.uncounted, ...tooMany },
      },
      roundTrips: sent,
    };
  }

  private async snapshotOnce(): Promise<void> {
    const t0 = performance.now();
    const { timeoutMs } = this.o;
    let guard = this.guard;
    try {
      if (!guard) {
        guard = this.guard = new ConnectionGuard(this.o.createClient());
        this.server = null; // re-read server facts on every new connection (the server may have changed)
        await guard.ready(timeoutMs);
      }
      const step = await guard.guard(this.discovery.step(guard.client), timeoutMs, 'SCAN');
      const snap = await guard.guard(
        snapshotStreams(guard.client, this.o.keys, step.keys, { serverInfo: this.server === null }),
        timeoutMs,
        'the snapshot',
      );
      const { counted, roundTrips: countTrips } = await guard.guard(
        this.countUnknownLags(guard, snap.streams),
        timeoutMs,
        'the lag count',
      );
      for (const key of snap.missing) this.discovery.forget(key);
      if (snap.server) this.server = snap.server;
      if (this.closed) return;
      if (!this.connected) this.connection('connected', 0, null);
      this.connected = true;
      this.everConnected = true;
      this.failures = 0;
      const server = this.server ?? { version: 'unknown', maxmemoryPolicy: null };
      this.o.emit({
        type: 'SnapshotReceived',
        at: Date.now(),
        durationMs: Math.round((performance.now() - t0) * 10) / 10,
        roundTrips: step.roundTrips + snap.roundTrips + countTrips,
        server: {
          ...server,
          timeMs: snap.timeMs,
          ...(snap.cluster ? { cluster: snap.cluster } : {}),
        },
        streams: snap.streams,
        ...(counted ? { lagEstimates: counted.estimates, lagUncounted: counted.uncounted } : {}),
      });
    } catch (err) {
      if (this.closed) return;
      const error = guard
        ? toErrorInfo(err, describeServer(guard.client), secretsOf(guard.client), true)
        : toErrorInfo(err, 'redis', [], true);
      guard?.dispose();
      this.guard = null;
      this.failures++;
      this.connected = false;
      this.o.emit({ type: 'SnapshotFailed', at: Date.now(), error });
      // "connecting" until the first snapshot, "reconnecting" only after one.
      this.connection(this.everConnected ? 'reconnecting' : 'connecting', this.failures, error);
    }
  }
}
