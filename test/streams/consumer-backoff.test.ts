import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { puller } from './helpers.js';

/** Calls of one command so far, from INFO commandstats (private server: no other clients). */
async function calls(redis: Redis, cmd: string): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

describe('consumer error handling', () => {
  it('defect 7: a stream replaced by a string key → backoff (no hot loop), one log line; recovers when fixed', async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url);
    const logs: string[] = [];
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: 'bo:',
      logger: (l) => logs.push(l),
    });
    try {
      await p.connect();
      const c = puller(
        p.consumeEvents(['t'], 'w', {
          blockMs: 50,
          claimIdleMs: 0,
          retryBaseMs: 100,
          retryMaxMs: 400,
          giveUpAttempts: 100,
        }),
      );
      const first = c.take(1);
      await new Promise((r) => setTimeout(r, 30));
      await p.persistEvent({ eventType: 't', data: { n: 1 } });
      await (await first)[0].ack();
      const pending = c.take(1, 5000);
      await redis.del('bo:t');
      await redis.set('bo:t', 'not a stream');
      const before = await calls(redis, 'xreadgroup');
      await new Promise((r) => setTimeout(r, 1000));
      const during = (await calls(redis, 'xreadgroup')) - before;
      // Backoff 100 → 400 ms: a handful of attempts per second, not thousands.
      expect(during).toBeLessThan(15);
      // Redis 7 wakes the blocked read on DEL (one NOGROUP episode, one line), then the key is a
      // string: one WRONGTYPE episode, one line naming the key.
      expect(logs.filter((l) => /bo:t exists but is not a stream/.test(l))).toHaveLength(1);
      expect(logs.length).toBeLessThanOrEqual(2);
      await redis.del('bo:t'); // the next attempt sees NOGROUP and recreates the group at 0
      await p.persistEvent({ eventType: 't', data: { n: 2 } });
      expect((await pending)[0].event?.data).toEqual({ n: 2 });
      await c.close();
    } finally {
      await p.disconnect();
      redis.disconnect();
      await server.stop();
    }
  });
});
