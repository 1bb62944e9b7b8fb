/**
 * Type tests (checked by `npm run typecheck`, never run): each `@ts-expect-error` line must
 * fail to compile — if one compiled, tsc would report the directive as unused (TS2578) and the
 * typecheck, hence CI, fails. The lines without it must compile.
 */
import { z } from 'zod';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import type { SeedEvents } from '../../src/core/seed-events.js';
import type { EventsOf } from '../../src/core/typed-events.js';
import type { StandardSchemaV1 } from '../../src/core/standard-schema.js';
import type { Delivery, SeedEvent, StoredEvent } from '../../src/core/types.js';

declare const p: EventPersistence<SeedEvents>;
declare const bus: PersistentEventBus<SeedEvents>;

const discovered: SeedEvents['asset.discovered'] = {
  file_path: '/inbox/cat.png',
  content_hash: 'd23f',
  file_size: 2483911,
  media_type: 'image',
  project_name: 'space-cats',
  source_type: 'midjourney',
  inbox_path: '/inbox',
  discovery_source: 'watch_mode',
};

export async function publishing(): Promise<void> {
  await p.persistEvent({ eventType: 'asset.discovered', data: discovered });
  await p.persistEvent({ eventType: 'asset.discovered', data: discovered, source: 'scanner' });
  // @ts-expect-error a field of the wrong type
  await p.persistEvent({ eventType: 'asset.discovered', data: { ...discovered, file_size: '2' } });
  const { file_size: _dropped, ...missing } = discovered;
  // @ts-expect-error a required field missing
  await p.persistEvent({ eventType: 'asset.discovered', data: missing });
  // @ts-expect-error a field the type does not have
  await p.persistEvent({ eventType: 'asset.discovered', data: { ...discovered, extra: 1 } });
  // @ts-expect-error an event type not in the map
  await p.persistEvent({ eventType: 'asset.discoverd', data: discovered });
  // @ts-expect-error the payload of another type
  await p.persistEvent({ eventType: 'workflow.failed', data: discovered });
  // @ts-expect-error no payload for a type whose payload has required fields
  await p.persistEvent({ eventType: 'asset.discovered' });
  // @ts-expect-error persistEvents checks each element the same way
  await p.persistEvents([{ eventType: 'asset.discovered', data: { file_path: 1 } }]);
  await bus.publish({ eventType: 'asset.discovered', data: discovered });
  // @ts-expect-error the bus's publish is typed by the same map
  await bus.publish({ eventType: 'asset.discovered', data: { file_path: '/x' } });
  // @ts-expect-error publishMany too
  await bus.publishMany([{ eventType: 'nope', data: {} }]);
}

export async function reading(): Promise<void> {
  const [stored] = await p.getEvents('quality.assessed');
  const rating: number | undefined = stored?.event?.data.star_rating;
  // @ts-expect-error getEvents of one type narrows the payload to that type
  const _path: string | undefined = stored?.event?.data.destination_path;
  // @ts-expect-error an event type not in the map
  await p.getEvents('quality.asessed');
  const all = await p.getEvents('all'); // the global stream: any of the map's types
  for (const s of all)
    if (s.event?.eventType === 'workflow.failed') {
      const retry: boolean = s.event.data.is_retryable;
      void retry;
    }
  // The typed event goes back in unchanged (fidelity: the same bytes).
  if (stored?.event) await p.persistEvent(stored.event);
  void rating;
}

export async function consuming(): Promise<void> {
  for await (const d of p.consumeEvents(['asset.discovered', 'workflow.failed'], 'w')) {
    switch (d.eventType) {
      case 'asset.discovered': {
        const size: number = d.event.data.file_size;
        // @ts-expect-error narrowed to asset.discovered: no workflow.failed fields
        void d.event.data.is_retryable;
        void size;
        break;
      }
      case 'workflow.failed': {
        const retryable: boolean = d.event.data.is_retryable;
        void retryable;
        break;
      }
      default: {
        // Only the two consumed types exist: nothing is left.
        const nothing: never = d;
        void nothing;
      }
    }
    await d.ack();
  }
  // @ts-expect-error consuming a type not in the map
  p.consumeEvents(['asset.discoverd'], 'w');
  for await (const batch of p.consumeEventBatches(['workflow.started'], 'w')) {
    const id: string | undefined = batch.deliveries[0]?.event.data.workflow_id;
    // @ts-expect-error the batch's deliveries are narrowed too
    void batch.deliveries[0]?.event.data.file_path;
    void id;
  }
  const pending = await p.getPendingEvents('workflow.completed');
  const cost: number | undefined = pending[0]?.event.data.total_cost;
  void cost;
  bus.subscribe('workflow.started', (e) => {
    const id: string = e.data.workflow_id;
    // @ts-expect-error subscribe narrows to that type
    void e.data.file_path;
    void id;
  });
  bus.subscribe('*', (e) => {
    if (e.eventType === 'style.chosen') void e.data.style_name;
  });
  // @ts-expect-error subscribing to a type not in the map
  bus.subscribe('no.such', () => {});
  bus.startConsumer(['concept.approved'], 'w', (e, d) => {
    const name: string = e.data.concept_name;
    const same: string = d.event.data.concept_id;
    void name;
    void same;
  });
}

export async function schemas(): Promise<void> {
  const handWritten: StandardSchemaV1<unknown, SeedEvents['asset.discovered']> = {
    '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value: value as never }) },
  };
  new EventPersistence<SeedEvents>({ schemas: { 'asset.discovered': handWritten } });
  const numbers: StandardSchemaV1<unknown, number> = {
    '~standard': { version: 1, vendor: 'test', validate: () => ({ value: 1 }) },
  };
  // @ts-expect-error a schema whose output is not that type's payload
  new EventPersistence<SeedEvents>({ schemas: { 'asset.discovered': numbers } });
  // @ts-expect-error a schema for a type not in the map
  new EventPersistence<SeedEvents>({ schemas: { 'no.such': handWritten } });

  // A map derived from zod schemas; the instance is typed by them.
  const shop = {
    'order.placed': z.object({ order_id: z.string(), total_cents: z.number().int() }),
    'order.shipped': z.object({ order_id: z.string(), carrier: z.string() }),
  };
  type Shop = EventsOf<typeof shop>;
  const s = new EventPersistence<Shop>({ schemas: shop });
  await s.persistEvent({ eventType: 'order.placed', data: { order_id: 'o1', total_cents: 1299 } });
  // @ts-expect-error zod-derived payload types are enforced
  await s.persistEvent({ eventType: 'order.shipped', data: { order_id: 'o1' } });
}

export async function untyped(): Promise<void> {
  // The default map: today's API, unchanged.
  const u = new EventPersistence();
  await u.persistEvent({ eventType: 'anything', data: { x: 1, nested: { y: [1, 2] } } });
  await u.persistEvent({ eventType: 'bare' });
  let events: StoredEvent[] = await u.getEvents('a');
  events = await u.getEvents('b');
  const e: SeedEvent | null = events[0]?.event ?? null;
  for await (const d of u.consumeEvents(['a', 'b'], 'w')) {
    const plain: Delivery = d;
    const type: string = d.eventType;
    const value: unknown = d.event.data.whatever;
    void plain;
    void type;
    void value;
  }
  const b = new PersistentEventBus();
  b.subscribe('x', (ev) => void ev.data.anything);
  await b.publish({ eventType: 'x', data: { a: 1 } });
  void e;
}
