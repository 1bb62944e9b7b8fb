// Publish, read back, consume with acks, inspect. Run: REDIS_URL=redis://127.0.0.1:6379 node examples/quickstart.mjs
import { EventPersistence } from 'streamscope';

const persistence = new EventPersistence({
  redisUrl: process.env.REDIS_URL, // default redis://127.0.0.1:6379; password in the URL or REDIS_PASSWORD
  streamPrefix: 'example:events:', // the original's default is alice:events:
  consumerGroup: 'example-workers',
});
await persistence.connect(); // pings and checks the version: fails fast with a readable error

// One publish = the type stream + the global stream, atomically (MULTI).
const id = await persistence.persistEvent({
  eventType: 'asset.discovered',
  source: 'scanner',
  data: { file_path: '/inbox/cat.png', file_size: 2483911 },
});
console.log('stored as', id);

const [stored] = await persistence.getEvents('asset.discovered', { start: id, end: id });
console.log('read back', stored.event.eventType, stored.event.data.file_path);

// At-least-once: each delivery acks itself and nothing else.
const controller = new AbortController();
for await (const delivery of persistence.consumeEvents(['asset.discovered'], 'worker-1', {
  signal: controller.signal,
})) {
  console.log('consumed', delivery.messageId, 'delivery #' + delivery.deliveryCount);
  await delivery.ack();
  controller.abort(); // one is enough for the example
}

const info = await persistence.getStreamInfo('asset.discovered');
console.log(
  'length',
  info.length,
  'groups',
  info.consumerGroups.map((g) => `${g.name} pending=${g.pending} lag=${g.lag}`),
);
await persistence.disconnect();
