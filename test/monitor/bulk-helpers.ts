/** Arrange pending entries for the bulk tests: a stream, a group, entries held by consumers. */
import type { Redis } from 'ioredis';
import { createKeySpace, type KeySpace } from '../../src/core/keys.js';
import type { BulkContext } from '../../src/monitor/bulk/context.js';

export function bulkContext(client: Redis, prefix: string): BulkContext {
  return { client, keys: createKeySpace(prefix), display: 'redis://test', secrets: [] };
}

/** `n` entries on `<prefix>t`, all read by `consumer` in group g; `others` exist holding nothing. */
export async function arrangeHeld(
  r: Redis,
  keys: KeySpace,
  n: number,
  consumer = 'dead-1',
  group = 'g',
  others: string[] = ['w2'],
): Promise<{ stream: string; ids: string[] }> {
  const stream = keys.typeStream('t');
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) p.xadd(stream, '*', 'event', `{"n":${j}}`);
    for (const [, id] of (await p.exec()) ?? []) ids.push(String(id));
  }
  await r.xgroup('CREATE', stream, group, '0');
  await r.xreadgroup('GROUP', group, consumer, 'COUNT', n, 'STREAMS', stream, '>');
  for (const o of others) await r.xgroup('CREATECONSUMER', stream, group, o);
  return { stream, ids };
}

export async function pendingOf(r: Redis, stream: string, group = 'g') {
  const [count, , , consumers] = (await r.xpending(stream, group)) as [
    number,
    string,
    string,
    [string, string][] | null,
  ];
  return { count, by: Object.fromEntries((consumers ?? []).map(([c, n]) => [c, Number(n)])) };
}
