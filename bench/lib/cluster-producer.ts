/**
 * One producer process of bench/cluster.ts: `tsx bench/lib/cluster-producer.ts <url> <prefix>`.
 * Connects, prints `ready`, reads `<startMs> <endMs>` on stdin, publishes batches of
 * persistEvents (spread layout, 12 event types) until endMs and prints one JSON line: events whose
 * publish completed inside [startMs, endMs] (the window the parent measures CPU over), and errors.
 */
import { createInterface } from 'node:readline';
import { EventPersistence } from '../../src/streams/event-persistence.js';

const [url, prefix] = process.argv.slice(2);
const TYPES = Array.from({ length: 12 }, (_, i) => `bench.type${i}`);
const BATCH = 100;

const p = new EventPersistence({
  redisUrl: url,
  streamPrefix: prefix,
  layout: 'spread',
  cluster: true,
  maxLen: 1_000_000,
  logger: () => {},
});
await p.connect();
process.stdout.write('ready\n');
const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const [startMs, endMs] = String((await input.next()).value)
  .split(' ')
  .map(Number);
let inWindow = 0;
let errors = 0;
let n = 0;
while (Date.now() < endMs) {
  const batch = Array.from({ length: BATCH }, () => {
    n++;
    return { eventType: TYPES[n % TYPES.length], data: { n, path: `/data/assets/${n}.png` } };
  });
  try {
    await p.persistEvents(batch);
    const now = Date.now();
    if (now >= startMs && now <= endMs) inWindow += BATCH;
  } catch {
    errors++;
  }
}
process.stdout.write(`${JSON.stringify({ inWindow, errors })}\n`);
await p.disconnect();
process.exit(0);
