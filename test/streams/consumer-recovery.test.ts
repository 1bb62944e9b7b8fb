/**
 * The consumer after faults: re-reading its own PEL after a reconnect, and errors that only a
 * person can fix (WRONGTYPE, NOPERM) reaching the caller after a bounded number of attempts.
 */
import { describe, expect, it } from 'vitest';
import { StreamscopeError } from '../../src/core/errors.js';
import { connectedPersistence, puller } from './helpers.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';

describe('consumer recovery', () => {
  it('after a reconnect it re-reads its own PEL first: an unacked delivery comes back at once, not after claimIdleMs', async () => {
    const { p } = await connectedPersistence({ reconnectMaxMs: 200 });
    const raw = rawClient();
    try {
      const c = puller(
        p.consumeEvents(['t'], 'w1', { blockMs: 100, claimIdleMs: 60_000, retryBaseMs: 50 }),
      );
      const first = c.take(1, 10_000);
      await new Promise((r) => setTimeout(r, 100));
      await p.persistEvent({ eventType: 't', data: { n: 1 } });
      const [d1] = await first;
      expect(d1.deliveryCount).toBe(1);
      // The ack would have failed during an outage: model it by not acking, then drop every
      // connection of this persistence (the test's own raw client is skipped).
      const next = c.take(1, 15_000);
      await raw.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const [again] = await next;
      expect(again.messageId).toBe(d1.messageId);
      expect(again.deliveryCount).toBe(2);
      await again.ack();
      await c.close();
    } finally {
      raw.disconnect();
    }
  });

  it('a WRONGTYPE that persists ends the iterator with a StreamscopeError after giveUpAttempts', async () => {
    const { p, prefix, logs } = await connectedPersistence();
    const raw = rawClient();
    try {
      await raw.set(`${prefix}t`, 'not a stream');
      const it = p.consumeEvents(['t'], 'w', {
        blockMs: 50,
        claimIdleMs: 0,
        retryBaseMs: 10,
        retryMaxMs: 20,
        giveUpAttempts: 3,
      });
      let caught: unknown;
      try {
        for await (const d of it) void d;
      } catch (err) {
        caught = err;
      }
      // The group cannot even be created on a string key: the very first step fails.
      expect(caught).toBeInstanceOf(StreamscopeError);
      expect((caught as StreamscopeError).code).toBe('WRONGTYPE');
      expect(logs.length).toBeLessThanOrEqual(2);
    } finally {
      raw.disconnect();
    }
  });

  it('a NOPERM mid-run (ACL revoked) reaches the caller as a StreamscopeError after bounded attempts', async () => {
    const raw = rawClient();
    const prefix = uniquePrefix('acl');
    const user = `u${prefix.split(':')[1]}`;
    await raw.call('ACL', 'SETUSER', user, 'on', '>pw', `~${prefix}*`, '+@all');
    const url = redisUrl().replace('redis://', `redis://${user}:pw@`);
    const logs: string[] = [];
    const p = new EventPersistence({
      redisUrl: url,
      streamPrefix: prefix,
      logger: (l) => logs.push(l),
    });
    try {
      await p.connect();
      const it = p.consumeEvents(['t'], 'w', {
        blockMs: 50,
        claimIdleMs: 0,
        retryBaseMs: 10,
        retryMaxMs: 50,
        giveUpAttempts: 4,
      });
      const c = puller(it);
      const first = c.take(1, 10_000);
      await new Promise((r) => setTimeout(r, 100));
      await p.persistEvent({ eventType: 't', data: { n: 1 } });
      await (await first)[0].ack();
      await raw.call('ACL', 'SETUSER', user, '-xreadgroup');
      const err = await c.take(1, 15_000).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StreamscopeError);
      expect((err as StreamscopeError).code).toBe('NOPERM');
      expect((err as StreamscopeError).message).toMatch(/xreadgroup/i);
      await waitFor(() => logs.some((l) => /giving up after 4 attempts/.test(l)));
      expect(logs.filter((l) => /lacks a permission/.test(l))).toHaveLength(1);
    } finally {
      await p.disconnect();
      await raw.call('ACL', 'DELUSER', user);
      raw.disconnect();
    }
  });
});
