/**
 * The poller: every refreshMs, discovers streams under the prefix (a bounded SCAN slice) and
 * snapshots them in pipelined round trips. It never overlaps itself (the next run is scheduled
 * only after the previous one settled) and backs off with jitter while Redis is away.
 */
import { performance } from 'node:perf_hooks';
import type { KeySpace } from '../core/keys.js';
import type { ErrorInfo, MonitorMessage } from '../core/messages.js';
import {
  snapshotStreams,
  StreamDiscovery,
  type DiscoveryOptions,
  type ServerInfo,
} from '../streams/inspector.js';
import { backoffDelay } from '../core/retry.js';
import {
  ConnectionGuard,
  describeServer,
  secretsOf,
  toErrorInfo,
  type ClientFactory,
} from './connection-guard.js';

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
        roundTrips: step.roundTrips + snap.roundTrips,
        server: {
          ...server,
          timeMs: snap.timeMs,
          ...(snap.cluster ? { cluster: snap.cluster } : {}),
        },
        streams: snap.streams,
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
