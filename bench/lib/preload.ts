/** Fast loading of our own private server: pipelined XADD / SET in chunks. */
import type { Redis } from 'ioredis';
import { wireJson } from './workload.js';

/** Appends `count` seed-format entries to `key` (type stream shape: one `event` field). */
export async function preloadStream(
  r: Redis,
  key: string,
  count: number,
  chunk = 2_000,
  globalShape = false,
): Promise<void> {
  const { json, eventType } = wireJson(0);
  for (let done = 0; done < count; done += chunk) {
    const p = r.pipeline();
    const n = Math.min(chunk, count - done);
    for (let i = 0; i < n; i++) {
      if (globalShape) p.xadd(key, '*', 'event', json, 'type', eventType);
      else p.xadd(key, '*', 'event', json);
    }
    await p.exec();
  }
}

/** `count` unrelated string keys (`<prefix><n>`), pipelined. */
export async function preloadUnrelatedKeys(
  r: Redis,
  prefix: string,
  count: number,
  chunk = 10_000,
): Promise<void> {
  for (let done = 0; done < count; done += chunk) {
    const args: string[] = [];
    const n = Math.min(chunk, count - done);
    for (let i = 0; i < n; i++) args.push(`${prefix}${done + i}`, 'x');
    await r.mset(...args);
  }
}

/**
 * A pending-entries list of `count` entries, built server-side with Lua in chunks (no entries cross
 * the wire): XADD `count` small seed-format entries, create `group` at 0, XREADGROUP them all,
 * spread over `consumers` consumers.
 */
export async function buildPel(
  r: Redis,
  key: string,
  group: string,
  count: number,
  consumers = 4,
  chunk = 100_000,
): Promise<void> {
  const value = JSON.stringify({
    n: 1,
    event_id: '00000000-0000-4000-8000-000000000000',
    timestamp: '2026-11-27T07:08:48.060876+00:00',
    source: 'bench',
    version: '1.0.0',
    event_type: 'asset.discovered',
  })
    .replace(/,"/g, ', "')
    .replace(/":/g, '": ');
  for (let done = 0; done < count; done += chunk) {
    await r.eval(
      "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'event', ARGV[2]) end return 1",
      1,
      key,
      Math.min(chunk, count - done),
      value,
    );
  }
  await r.xgroup('CREATE', key, group, '0');
  let c = 0;
  for (let done = 0; done < count; done += chunk) {
    await r.eval(
      "local res = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]), 'STREAMS', KEYS[1], '>') return #res[1][2]",
      1,
      key,
      group,
      `worker-${(c++ % consumers) + 1}`,
      Math.min(chunk, count - done),
    );
  }
}
