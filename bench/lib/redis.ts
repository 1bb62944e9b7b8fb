/**
 * Private redis-server per benchmark (the same harness the tests use), plus the server's own
 * ceiling from redis-benchmark. Only ever pointed at a server this process started.
 */
import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';

export type { RunningRedis };

/** A private server; `--save ""`, no AOF, loopback only. */
export async function privateRedis(extraConfig: string[] = []): Promise<RunningRedis> {
  return startRedisServer({ config: extraConfig });
}

export function client(server: RunningRedis, name = 'bench'): Redis {
  return new Redis(server.url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
  });
}

/** Runs redis-benchmark against `port` (a private server) and returns requests/s. */
export function redisBenchmark(port: number, args: string[], timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-benchmark',
      ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        // CSV: header line, then "name","rps",…
        // The test name may itself contain quotes (custom commands): read the numbers from the end.
        const lines = stdout
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('"test"'));
        const last = lines[lines.length - 1] ?? '';
        const rps = Number(/"([\d.]+)"(?:,"[\d.]+"){6}\s*$/.exec(last)?.[1]);
        if (!Number.isFinite(rps))
          return reject(new Error(`cannot parse redis-benchmark output: ${stdout.slice(0, 300)}`));
        resolve(rps);
      },
    );
  });
}

/** Count of commands the server has processed (for round-trip accounting cross-checks). */
export async function commandsProcessed(r: Redis): Promise<number> {
  const info = await r.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

export async function usedMemory(r: Redis): Promise<number> {
  const info = await r.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}
