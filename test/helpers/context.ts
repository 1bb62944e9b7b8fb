/** Per-test helpers: the shared server URL and a unique key prefix per test. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { scaled } from './load.js';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A prefix no other test uses, so tests never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `${label}:${randomBytes(4).toString('hex')}:events:`;
}

/** A plain client on the test server, for arranging and checking state. Disconnect it. */
export function rawClient(url = redisUrl()): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  c.on('error', () => {});
  return c;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Poll until `check` returns a truthy value or the timeout passes (stretched on a loaded machine,
 * see load.ts).
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5000,
  stepMs = 25,
): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
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
    await sleep(stepMs);
  }
}
