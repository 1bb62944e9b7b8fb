/**
 * Fault-injection harness: a private redis-server that can be killed and restarted on the same
 * port and dir (with or without AOF), a ledger that proves every published event was acked
 * exactly once or dead-lettered, command counters (no hot loop), an unhandled-rejection trap and
 * a loopback TCP proxy that can go half-open. Servers are started and stopped by PID only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisServerBinary } from '../../src/local-redis/private-redis.js';

export class FaultServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'streamscope-fault-'));
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly config: string[],
  ) {}

  static async start(config: string[] = []): Promise<FaultServer> {
    const s = new FaultServer(await freePort(), config);
    await s.restart();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start (again) on the same port and dir: an AOF there is loaded. */
  async restart(): Promise<void> {
    const conf = [
      `port ${this.port}`,
      'bind 127.0.0.1',
      `dir ${this.dir}`,
      'save ""',
      'protected-mode no',
      'loglevel warning',
      `logfile ${join(this.dir, 'redis.log')}`,
      ...this.config,
    ];
    writeFileSync(join(this.dir, 'redis.conf'), conf.join('\n') + '\n');
    const child = spawn(redisServerBinary(), [join(this.dir, 'redis.conf')], { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
      const c = new Redis({ port: this.port, lazyConnect: true, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        const info = await c.info('server');
        const loading = await c.info('persistence');
        c.disconnect();
        if (Number(/process_id:(\d+)/.exec(info)?.[1]) !== child.pid)
          throw new Error(`port ${this.port} answered by another server`);
        if (/loading:0/.test(loading)) return;
      } catch (err) {
        c.disconnect();
        if (/another server/.test(String(err))) throw err;
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      await sleep(30);
    }
  }

  /** SIGKILL (crash) or SIGTERM (clean stop); resolves when the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A plain client for arranging and checking (reconnects by itself). Disconnect it. */
  client(): Redis {
    const c = new Redis(this.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    c.on('error', () => {});
    return c;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`waitFor timed out; last: ${String(last)}`);
    await sleep(25);
  }
}

/** Calls of each command so far (INFO commandstats; lower-case names). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out.set(m[1], Number(m[2]));
  return out;
}

/** Commands per second between two commandCalls snapshots (all commands). */
export function rate(before: Map<string, number>, after: Map<string, number>, ms: number): number {
  let n = 0;
  for (const [cmd, calls] of after) if (cmd !== 'info') n += calls - (before.get(cmd) ?? 0);
  return (n * 1000) / ms;
}

/**
 * Published event IDs, successful acks (XACK answered 1) and dead letters. `check()` returns
 * what the fault tests assert: nothing missing, nothing acked twice; duplicates (deliveries of
 * an already-handled event) are counted, not failed — the delivery is at-least-once.
 */
export class Ledger {
  readonly published = new Set<string>();
  readonly acked = new Map<string, number>();
  readonly deliveries = new Map<string, number>();

  delivered(eventId: string): void {
    this.deliveries.set(eventId, (this.deliveries.get(eventId) ?? 0) + 1);
  }

  ackedOnce(eventId: string): void {
    this.acked.set(eventId, (this.acked.get(eventId) ?? 0) + 1);
  }

  report(deadLettered: ReadonlySet<string> = new Set()) {
    const missing = [...this.published].filter(
      (id) => !this.acked.has(id) && !deadLettered.has(id),
    );
    const ackedTwice = [...this.acked].filter(([, n]) => n > 1).map(([id]) => id);
    let duplicates = 0;
    for (const n of this.deliveries.values()) duplicates += n - 1;
    return { published: this.published.size, missing, ackedTwice, duplicates };
  }
}

/** Collects unhandled rejections while a test runs; `stop()` returns them. */
export function trapUnhandled(): { stop(): unknown[] } {
  const seen: unknown[] = [];
  const on = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', on);
  return {
    stop() {
      process.off('unhandledRejection', on);
      return seen;
    },
  };
}

/**
 * A loopback TCP proxy to `targetPort`. `blackhole()` makes it half-open: every connection stays
 * open but nothing is forwarded either way (a dead peer behind a NAT or firewall); new
 * connections made while black-holed hang the same way. `heal()` forwards new connections again
 * (sockets black-holed before stay dead, as they would be).
 */
export class HalfOpenProxy {
  private server: Server | null = null;
  private holed = false;
  private readonly sockets = new Set<Socket>();
  private readonly links = new Set<{ dead: boolean }>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => this.sockets.delete(client));
    if (this.holed) return; // accepted, never answered
    const link = { dead: false };
    this.links.add(link);
    const upstream = new Socket();
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.connect(this.targetPort, '127.0.0.1');
    client.on('data', (d) => void (link.dead || upstream.write(d)));
    upstream.on('data', (d) => void (link.dead || client.write(d)));
  }

  blackhole(): void {
    this.holed = true;
    for (const link of this.links) link.dead = true;
  }

  heal(): void {
    this.holed = false;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
