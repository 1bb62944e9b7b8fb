/** Fast loading of our own private server: pipelined XADD / SET in chunks. */
import type { Redis } from 'ioredis';
import { wireJson } from './workload.js';

/** Appends `count` seed-format entries to `key` (type stream shape: one `event` field). */
export async function preloadStream(r: Redis, key: string, count: number, chunk = 2_000, globalShape = false): Promise<void> {
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
export async function preloadUnrelatedKeys(r: Redis, prefix: string, count: number, chunk = 10_000): Promise<void> {
  for (let done = 0; done < count; done += chunk) {
    const args: string[] = [];
    const n = Math.min(chunk, count - done);
    for (let i = 0; i < n; i++) args.push(`${prefix}${done + i}`, 'x');
    await r.mset(...args);
  }
}
