// Typed events: the map checks what you publish and narrows what you consume; a schema checks at
// run time too. Run: REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/typed-events.ts
import { EventPersistence, StreamscopeError, type StandardSchemaV1 } from 'streamscope';

// Event type → payload. (The seed's own 14 types ship as `SeedEvents`.)
type ShopEvents = {
  'order.placed': { order_id: string; total_cents: number };
  'order.shipped': { order_id: string; carrier: string };
};

// Any Standard Schema works here: a zod, valibot or arktype schema, or this hand-written one.
const placed: StandardSchemaV1<unknown, ShopEvents['order.placed']> = {
  '~standard': {
    version: 1,
    vendor: 'example',
    validate: (value) => {
      const v = value as ShopEvents['order.placed'];
      return Number.isInteger(v.total_cents) && v.total_cents >= 0
        ? { value: v }
        : { issues: [{ message: 'must be whole cents ≥ 0', path: ['total_cents'] }] };
    },
  },
};

await using shop = new EventPersistence<ShopEvents>({
  redisUrl: process.env.REDIS_URL,
  streamPrefix: 'typed-example:events:',
  schemas: { 'order.placed': placed },
});

await shop.persistEvent({
  eventType: 'order.placed',
  data: { order_id: 'o-1', total_cents: 1299 },
});
await shop.persistEvent({ eventType: 'order.shipped', data: { order_id: 'o-1', carrier: 'DHL' } });
// Neither compiles: { eventType: 'order.shipped', data: { order_id: 'o-1' } } (no carrier),
// { eventType: 'order.cancelled', … } (not in the map). This one compiles, and the schema refuses it:
try {
  await shop.persistEvent({
    eventType: 'order.placed',
    data: { order_id: 'o-2', total_cents: 9.5 },
  });
} catch (err) {
  if (!(err instanceof StreamscopeError)) throw err;
  console.log(err.code, err.message);
}

const controller = new AbortController();
let seen = 0;
for await (const d of shop.consumeEvents(['order.placed', 'order.shipped'], 'worker-1', {
  signal: controller.signal,
})) {
  switch (d.eventType) {
    case 'order.placed': // d.event.data is { order_id, total_cents } here
      console.log('placed', d.event.data.order_id, d.event.data.total_cents / 100);
      break;
    case 'order.shipped': // … and { order_id, carrier } here
      console.log('shipped', d.event.data.order_id, 'via', d.event.data.carrier);
      break;
  }
  await d.ack();
  if (++seen === 2) controller.abort();
}
// `await using`: the connections close here.
