/**
 * Helpers shared by the loops: make an ioredis client's connection loss visible as a rejected
 * promise (ioredis may otherwise keep a command queued across reconnects, redis/ioredis#1285),
 * and name the server without credentials. (Backoff: core/retry.ts.)
 */
import type { Redis } from 'ioredis';
import type { ErrorInfo } from '../core/messages.js';
import { classifyRedisError, StreamscopeError } from '../core/errors.js';
import { isClusterClient } from '../streams/cluster-client.js';

export type ClientFactory = () => Redis;

/** `redis at host:port` — from the client's options, so no URL (and no password) is involved. */
export function describeServer(client: Redis): string {
  // A Cluster client has no host of its own: name its seed nodes.
  const seeds = (client as { startupNodes?: { host?: string; port?: number }[] }).startupNodes;
  if (isClusterClient(client) && seeds?.length)
    return `redis cluster at ${seeds.map((n) => `${n.host ?? '127.0.0.1'}:${n.port ?? 6379}`).join(', ')}`;
  const o = client.options as { host?: string; port?: number; path?: string | null };
  return o.path ? `redis at ${o.path}` : `redis at ${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

/** `retrying`: the caller is a loop that reconnects by itself (the message says so). */
export function toErrorInfo(
  err: unknown,
  where: string,
  secrets: readonly (string | undefined)[] = [],
  retrying = false,
): ErrorInfo {
  const e = classifyRedisError(err, where, secrets, { retrying });
  return { code: e.code, message: e.message };
}

/** Password of a client, to scrub it from any message that might echo it. */
export function secretsOf(client: Redis): (string | undefined)[] {
  const o = client.options as { password?: string | null };
  return [o.password ?? undefined];
}

/**
 * Watches one client: every pending `guard()` rejects on the client's first error/close event,
 * or when `abort()` is called (close() of a loop), so no await on this client can outlive the
 * connection.
 *
 * Why not `Promise.race([p, lost])` with one long-lived `lost` promise: each race leaves a
 * reaction on `lost` that keeps the race's result (an XREAD reply with all its Buffers) alive
 * until `lost` settles — for the tail that was every event ever received (nodejs/node#17469).
 * Instead each guard registers its own reject function and removes it when it settles.
 */
export class ConnectionGuard {
  private lostError: Error | null = null;
  private readonly waiters = new Set<(err: Error) => void>();

  constructor(readonly client: Redis) {
    // A listener is required anyway: an 'error' without one would crash the process.
    client.on('error', (err: Error) => this.markLost(err));
    client.on('close', () =>
      this.markLost(
        new StreamscopeError(
          'UNREACHABLE',
          `lost the connection to ${describeServer(client)}. It will be retried.`,
        ),
      ),
    );
  }

  private markLost(err: Error): void {
    if (this.lostError) return;
    this.lostError = err;
    for (const reject of this.waiters) reject(err);
    this.waiters.clear();
  }

  abort(reason = 'closed'): void {
    this.markLost(new StreamscopeError('CLOSED', reason));
  }

  /** `p`, unless the connection goes first or `timeoutMs` passes. */
  guard<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    p.catch(() => {});
    if (this.lostError) return Promise.reject(this.lostError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new StreamscopeError(
                'TIMEOUT',
                `${describeServer(this.client)} did not answer ${what} within ${timeoutMs} ms`,
              ),
            ),
          ),
        timeoutMs,
      );
      const onLost = (err: Error) => settle(() => reject(err));
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(onLost);
        fn();
      };
      this.waiters.add(onLost);
      p.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e)),
      );
    });
  }

  /** Resolves once the client is ready (connecting it if it was created lazily). */
  async ready(timeoutMs: number): Promise<void> {
    const c = this.client;
    if (c.status === 'ready') return;
    const isReady = new Promise<void>((resolve) => c.once('ready', () => resolve()));
    if (c.status === 'wait') c.connect().catch(() => {});
    await this.guard(isReady, timeoutMs, 'the connection');
  }

  dispose(): void {
    this.abort();
    this.client.disconnect();
  }
}
