/**
 * Runtime payload validation through the Standard Schema interface (`schemas` option), with a
 * hand-written `~standard` object and with zod: refused at publish (INVALID_PAYLOAD, the schema's
 * message, nothing written), dead-lettered at consume (the message as the reason).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StandardSchemaV1 } from '../../src/core/standard-schema.js';
import { StreamscopeError } from '../../src/core/errors.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { EventsOf } from '../../src/core/typed-events.js';
import { rawClient } from '../helpers/context.js';
import { connectedPersistence, puller } from './helpers.js';

type Order = { order_id: string; total_cents: number };
type Shop = { 'order.placed': Order; 'order.note': { text: string } };

/** A hand-written Standard Schema: total_cents must be a non-negative integer. Async on purpose. */
const orderSchema: StandardSchemaV1<unknown, Order> = {
  '~standard': {
    version: 1,
    vendor: 'hand-written',
    async validate(value) {
      const v = value as Partial<Order>;
      const issues = [];
      if (typeof v.order_id !== 'string')
        issues.push({ message: 'must be a string', path: ['order_id'] });
      if (!Number.isInteger(v.total_cents) || (v.total_cents as number) < 0)
        issues.push({ message: 'must be whole cents ≥ 0', path: [{ key: 'total_cents' }] });
      return issues.length > 0 ? { issues } : { value: v as Order };
    },
  },
};

const fast = { blockMs: 100, claimIdleMs: 0 };

describe('schemas: Standard Schema validation', () => {
  it('hand-written schema: publish refuses an invalid payload with the message; nothing is written', async () => {
    const { p, prefix } = await connectedPersistence<Shop>({
      schemas: { 'order.placed': orderSchema },
    });
    const redis = rawClient();
    try {
      expect(
        await p.persistEvent({
          eventType: 'order.placed',
          data: { order_id: 'o1', total_cents: 1299 },
        }),
      ).toMatch(/^\d+-\d+$/);
      const err = await p
        .persistEvent({ eventType: 'order.placed', data: { order_id: 'o2', total_cents: 12.5 } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamscopeError);
      expect((err as StreamscopeError).code).toBe('INVALID_PAYLOAD');
      expect((err as Error).message).toBe(
        'order.placed payload refused by its schema: total_cents: must be whole cents ≥ 0',
      );
      // A batch with one invalid event writes none of them.
      await expect(
        p.persistEvents([
          { eventType: 'order.placed', data: { order_id: 'o3', total_cents: 1 } },
          {
            eventType: 'order.placed',
            data: { order_id: 7 as unknown as string, total_cents: -1 },
          },
        ]),
      ).rejects.toMatchObject({
        code: 'INVALID_PAYLOAD',
        message: expect.stringContaining(
          'order_id: must be a string; total_cents: must be whole cents ≥ 0',
        ),
      });
      expect(await redis.xlen(`${prefix}order.placed`)).toBe(1);
      expect(await redis.xlen(`${prefix}all`)).toBe(1);
      // A type without a schema is not checked.
      await p.persistEvent({ eventType: 'order.note', data: { text: 'hi' } });
    } finally {
      redis.disconnect();
    }
  });

  it('hand-written schema: consumeEvents dead-letters an invalid payload with the message as the reason', async () => {
    const { p, prefix } = await connectedPersistence<Shop>({
      schemas: { 'order.placed': orderSchema },
    });
    const redis = rawClient();
    try {
      // Another producer (no schema) wrote a bad one between two good ones.
      const { p: producer } = await connectedPersistence({ streamPrefix: prefix });
      await producer.persistEvent({
        eventType: 'order.placed',
        data: { order_id: 'a', total_cents: 1 },
      });
      await producer.persistEvent({
        eventType: 'order.placed',
        data: { order_id: 'b', total_cents: -5 },
      });
      await producer.persistEvent({
        eventType: 'order.placed',
        data: { order_id: 'c', total_cents: 3 },
      });
      const c = puller(p.consumeEvents(['order.placed'], 'w', fast));
      const got = await c.take(2);
      for (const d of got) await d.ack();
      await c.close();
      expect(got.map((d) => d.event.data.order_id)).toEqual(['a', 'c']);
      expect(got.map((d) => d.eventType)).toEqual(['order.placed', 'order.placed']);
      const dead = await p.getDeadLetters('order.placed');
      expect(dead).toHaveLength(1);
      expect(dead[0].reason).toBe('invalid payload: total_cents: must be whole cents ≥ 0');
      expect(dead[0].event?.data).toEqual({ order_id: 'b', total_cents: -5 });
      expect(((await redis.xpending(`${prefix}order.placed`, 'alice-main')) as unknown[])[0]).toBe(
        0,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('zod: refused at publish, dead-lettered by consumeEventBatches, refused by the bus before any subscriber', async () => {
    const shop = {
      'order.placed': z.object({
        order_id: z.string(),
        total_cents: z.number().int().nonnegative(),
      }),
    };
    const { p, prefix } = await connectedPersistence<EventsOf<typeof shop>>({ schemas: shop });
    const err = await p
      .persistEvent({ eventType: 'order.placed', data: { order_id: 'x', total_cents: -1 } })
      .catch((e: unknown) => e as StreamscopeError);
    expect(err).toMatchObject({ code: 'INVALID_PAYLOAD' });
    // zod's own message, with the path.
    const zodMessage = shop['order.placed'].safeParse({ order_id: 'x', total_cents: -1 }).error!
      .issues[0].message;
    expect((err as Error).message).toBe(
      `order.placed payload refused by its schema: total_cents: ${zodMessage}`,
    );

    const { p: producer } = await connectedPersistence({ streamPrefix: prefix });
    await producer.persistEvents([
      { eventType: 'order.placed', data: { order_id: 'ok', total_cents: 5 } },
      { eventType: 'order.placed', data: { order_id: 'bad', total_cents: 'five' } },
    ]);
    const c = puller(p.consumeEventBatches(['order.placed'], 'w', fast));
    const [batch] = await c.take(1);
    expect(batch.deliveries.map((d) => d.event.data.order_id)).toEqual(['ok']);
    expect(await batch.ack()).toBe(1);
    await c.close();
    const dead = await p.getDeadLetters('order.placed');
    expect(dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^invalid payload: total_cents: /),
    ]);

    const bus = new PersistentEventBus({ persistence: p, logger: () => {} });
    const seen: string[] = [];
    bus.subscribe('order.placed', (e) => void seen.push(e.data.order_id));
    await expect(
      bus.publish({ eventType: 'order.placed', data: { order_id: 'no', total_cents: 0.5 } }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(
      await bus.publish({ eventType: 'order.placed', data: { order_id: 'yes', total_cents: 1 } }),
    ).toMatch(/^\d+-\d+$/);
    expect(seen).toEqual(['yes']);
  });
});
