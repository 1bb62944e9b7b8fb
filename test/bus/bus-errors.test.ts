/**
 * How a persistent error reaches a bus user (PersistentEventBusOptions.onError): publish()
 * rejects by itself; the background consumer stopping (NOPERM after giveUpAttempts) and a queued
 * event refused for good at flush (WRONGTYPE) come through onError, once each, as a
 * StreamscopeError with its context — and are logged when no onError is given.
 */
import { describe, expect, it } from 'vitest';
import { PersistentEventBus, type BusErrorContext } from '../../src/bus/persistent-event-bus.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { StreamscopeError } from '../../src/core/errors.js';
import { FaultServer, waitFor } from '../faults/harness.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';

describe('bus onError', () => {
  it('the background consumer stops on a persistent NOPERM: onError once with consumer-stopped, a log line', async () => {
    const raw = rawClient();
    const prefix = uniquePrefix('buserr');
    const user = `u${prefix.split(':')[1]}`;
    await raw.call('ACL', 'SETUSER', user, 'on', '>pw', `~${prefix}*`, '+@all');
    const logs: string[] = [];
    const errors: [StreamscopeError, BusErrorContext][] = [];
    const persistence = new EventPersistence({
      redisUrl: redisUrl().replace('redis://', `redis://${user}:pw@`),
      streamPrefix: prefix,
      logger: (l) => logs.push(l),
    });
    const bus = new PersistentEventBus({
      persistence,
      logger: (l) => logs.push(l),
      onError: (e, c) => errors.push([e, c]),
    });
    try {
      await bus.initialize();
      const handled: string[] = [];
      bus.startConsumer(['t'], 'w1', (e) => void handled.push(e.eventId), {
        blockMs: 50,
        claimIdleMs: 0,
        retryBaseMs: 10,
        retryMaxMs: 50,
        giveUpAttempts: 3,
      });
      const first = await bus.publish({ eventType: 't', data: { n: 1 } });
      expect(first).toMatch(/^\d+-\d+$/);
      await waitFor(() => handled.length === 1, 10_000);
      await raw.call('ACL', 'SETUSER', user, '-xreadgroup');
      await waitFor(() => errors.length > 0, 15_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(errors).toHaveLength(1);
      const [err, context] = errors[0];
      expect(err).toBeInstanceOf(StreamscopeError);
      expect(err.code).toBe('NOPERM');
      expect(context).toEqual({ kind: 'consumer-stopped', consumerName: 'w1' });
      expect(
        logs.some((l) =>
          /consumer w1 stopped: .*NOPERM|consumer w1 stopped: .*xreadgroup/i.test(l),
        ),
      ).toBe(true);
      // publish() still reports its own persistent errors by rejecting.
      await raw.call('ACL', 'SETUSER', user, '-xadd');
      await expect(bus.publish({ eventType: 't' })).rejects.toMatchObject({ code: 'NOPERM' });
    } finally {
      await bus.close();
      await persistence.disconnect();
      await raw.call('ACL', 'DELUSER', user);
      raw.disconnect();
    }
  });

  it('queued events refused for good at flush (ACL revoked during an OOM): onError with queued-event-dropped for each, counted', async () => {
    const server = await FaultServer.start(['maxmemory-policy noeviction']);
    const admin = server.client();
    await admin.call('ACL', 'SETUSER', 'bus', 'on', '>pw', '~q:*', '+@all');
    const logs: string[] = [];
    const errors: [StreamscopeError, BusErrorContext][] = [];
    const persistence = new EventPersistence({
      redisUrl: server.url.replace('redis://', 'redis://bus:pw@'),
      streamPrefix: 'q:',
      logger: (l) => logs.push(l),
    });
    const bus = new PersistentEventBus({
      persistence,
      retryBaseMs: 50,
      retryMaxMs: 100,
      logger: (l) => logs.push(l),
      onError: (e, c) => errors.push([e, c]),
    });
    try {
      await bus.initialize();
      expect(await bus.publish({ eventType: 't', data: { before: true } })).toMatch(/-/);
      await admin.config('SET', 'maxmemory', '1');
      expect(await bus.publish({ eventType: 't', data: { queued: 1 } })).toBeNull();
      expect(await bus.publish({ eventType: 'u', data: { queued: 2 } })).toBeNull();
      expect(bus.queuedCount).toBe(2);
      expect(errors).toEqual([]); // OOM is transient: queued, not an error for the application
      // During the outage the user loses XADD: the queue cannot be written, ever.
      await admin.call('ACL', 'SETUSER', 'bus', '-xadd');
      await admin.config('SET', 'maxmemory', '0');
      await waitFor(() => bus.queuedCount === 0, 10_000);
      expect(errors.map(([e]) => e.code)).toEqual(['NOPERM', 'NOPERM']);
      expect(errors.map(([, c]) => (c.kind === 'queued-event-dropped' ? c.event.data : c))).toEqual(
        [{ queued: 1 }, { queued: 2 }],
      );
      expect(bus.droppedCount).toBe(2);
      expect(logs.filter((l) => /dropped from the queue/.test(l))).toHaveLength(2);
    } finally {
      await bus.close();
      await persistence.disconnect();
      admin.disconnect();
      await server.dispose();
    }
  });
});
