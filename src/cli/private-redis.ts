/**
 * Starts a private redis-server (tests, benchmarks, the demo): loopback only, a free port, a temp
 * dir, no persistence; stopped by its PID. Never touches any other server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerOptions {
  /** Extra config lines (`requirepass secret`, `user …`). */
  config?: string[];
  /** Use this port instead of a free one (used to restart a server on the same port). */
  port?: number;
}

export interface RunningRedis {
  url: string;
  port: number;
  pid: number;
  dir: string;
  version: string;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is not on PATH. Install it: `sudo apt-get install -y redis-server` (Debian/Ubuntu), ' +
        '`brew install redis` (macOS), or set REDIS_URL to a server the tests may use.',
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number, password?: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => {});
    try {
      await client.connect();
      const info = await client.info('server');
      client.disconnect();
      // The server that answers must be our child: another server already on this port could
      // answer the ping while our child failed to bind, and we must never use someone else's.
      const pid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? -1);
      if (pid !== child.pid) throw new ForeignServerError(`port ${port} is served by another redis-server (pid ${pid}), not ours`);
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } catch (err) {
      client.disconnect();
      if (err instanceof ForeignServerError) throw err;
      lastErr = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not answer: ${String(lastErr)}`);
}

class ForeignServerError extends Error {}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const bin = redisServerBinary();
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-redis-'));
    const conf = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'save ""',
      'appendonly no',
      'protected-mode no',
      'daemonize no',
      'loglevel warning',
      `logfile ${join(dir, 'redis.log')}`,
      ...(options.config ?? []),
    ];
    const confPath = join(dir, 'redis.conf');
    writeFileSync(confPath, conf.join('\n') + '\n');
    const child = spawn(bin, [confPath], { stdio: 'ignore', detached: false });
    const password = /^requirepass\s+(\S+)/m.exec(conf.join('\n'))?.[1];
    try {
      const version = await waitForPing(port, child, 5000, password);
      const pid = child.pid!;
      let stopped = false;
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid,
        dir,
        version,
        async stop() {
          if (stopped) return;
          stopped = true;
          if (child.exitCode === null) {
            const exited = new Promise<void>((r) => child.once('exit', () => r()));
            process.kill(pid, 'SIGTERM');
            const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 3000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (options.port !== undefined || attempt === 4) throw err;
    }
  }
  throw new Error('unreachable');
}
