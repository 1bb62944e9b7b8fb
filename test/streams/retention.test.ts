import { afterEach, describe, expect, it, vi } from 'vitest';
import { rawClient } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';
import type { TrimReport } from '../../src/streams/retention.js';

const DAY = 86_400_000;

async function serverNow(): Promise<number> {
  const redis = rawClient();
  const [s] = await redis.time();
  redis.disconnect();
  return Number(s) * 1000;
}

/** `n` entries at `ms` (explicit IDs, as if written then) into `key`. */
async function addAt(key: string, ms: number, n: number, type = 'old'): Promise<string[]> {
  const redis = rawClient();
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(
      (await redis.xadd(
        key,
        `${ms}-${i + 1}`,
        'event',
        JSON.stringify({ i, event_type: type }),
        'type',
        type,
      ))!,
    );
  redis.disconnect();
  return ids;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventPersistence.trimOldEvents', () => {
  it('defect 8: exact MINID from the server clock: removes exactly the old entries, even with a wrong client clock', async () => {
    const { p, prefix } = await connectedPersistence();
    const now = await serverNow();
    await addAt(`${prefix}tr`, now - 40 * DAY, 150); // > one macro node: `~` would leave some
    await p.persistEvent({ eventType: 'tr', data: { fresh: true } });
    // The client clock runs 100 days fast; a client-side cut-off would delete the fresh entry.
    vi.useFakeTimers({ toFake: ['Date'], now: now + 100 * DAY });
    const reports: TrimReport[] = [];
    const removed = await p.trimOldEvents('tr', { maxAgeDays: 30, onTrim: (r) => reports.push(r) });
    vi.useRealTimers();
    expect(removed).toBe(150);
    expect((await p.getEvents('tr')).map((e) => e.event?.data)).toEqual([{ fresh: true }]);
    expect(reports[0]).toMatchObject({ removed: 150, keptBack: 0, heldBy: [] });
    expect(Math.abs(reports[0].serverTimeMs - now)).toBeLessThan(5000);
    expect(p.lastTrimReport).toBe(reports[0]);
  });

  it('defect 8: never removes entries a group has not read or acknowledged, and says how many it kept', async () => {
    const { p, prefix } = await connectedPersistence();
    const now = await serverNow();
    const key = `${prefix}keep`;
    const ids = await addAt(key, now - 40 * DAY, 10);
    const redis = rawClient();
    try {
      await redis.xgroup('CREATE', key, 'workers', '0');
      // workers: read 6, acked the first 3 → entries 4..10 (7) are unfinished.
      await redis.xreadgroup('GROUP', 'workers', 'w', 'COUNT', 6, 'STREAMS', key, '>');
      await redis.xack(key, 'workers', ids[0], ids[1], ids[2]);
      expect(await p.trimOldEvents('keep', { maxAgeDays: 30 })).toBe(3);
      expect(p.lastTrimReport).toMatchObject({
        removed: 3,
        keptBack: 7,
        minId: ids[3],
        heldBy: [{ group: 'workers', oldestUnfinishedId: ids[3] }],
      });
      // A group that has read nothing holds everything back.
      await redis.xgroup('CREATE', key, 'late', '0');
      expect(await p.trimOldEvents('keep', { maxAgeDays: 30 })).toBe(0);
      expect(p.lastTrimReport?.keptBack).toBe(7);
      // Once every group has acked, the old entries go.
      await redis.xgroup('DESTROY', key, 'late');
      await redis.xreadgroup('GROUP', 'workers', 'w', 'COUNT', 10, 'STREAMS', key, '>');
      await redis.xack(key, 'workers', ...ids.slice(3));
      expect(await p.trimOldEvents('keep', { maxAgeDays: 30 })).toBe(7);
      expect(await redis.xlen(key)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('defect 8: the global stream is trimmable by age ("all")', async () => {
    const { p, prefix } = await connectedPersistence();
    const now = await serverNow();
    await addAt(`${prefix}all`, now - 10 * DAY, 3);
    await p.persistEvent({ eventType: 'g', data: {} });
    expect(await p.trimOldEvents('all', { maxAgeDays: 7 })).toBe(3);
    expect((await p.getEvents('all')).length).toBe(1);
  });

  it('a missing stream trims nothing; a negative age is refused', async () => {
    const { p } = await connectedPersistence();
    expect(await p.trimOldEvents('nothing', { maxAgeDays: 1 })).toBe(0);
    await expect(p.trimOldEvents('nothing', { maxAgeDays: -1 })).rejects.toThrow(RangeError);
  });
});
