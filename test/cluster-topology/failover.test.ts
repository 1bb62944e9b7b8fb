/**
 * Slow topology test (npm run test:cluster): a consumer group processes 20,000 events while the
 * master owning a type stream is killed with kill -9 and its replica is promoted. Every event
 * ends acked once or dead-lettered; duplicates (deliveryCount > 1) are counted — a second consumer
 * dies holding 200 entries, and each must come back to the first as a redelivery — none is lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/context.js';

let cluster: RunningCluster;
beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
}, 120000);
afterAll(() => cluster?.stop());

const TYPES = ['asset.discovered', 'asset.processed', 'workflow.failed', 'quality.assessed'];
const TOTAL = 20000;
/** Deliveries the doomed consumer takes and never acks. */
const HELD = 200;

/** A consumer `w-dead` of the same group takes `count` deliveries, never acks, and disconnects. */
async function takeAndDie(
  opts: ConstructorParameters<typeof EventPersistence>[0],
  count: number,
): Promise<number[]> {
  const doomed = new EventPersistence(opts);
  await doomed.connect();
  const taken: number[] = [];
  const stop = new AbortController();
  for await (const d of doomed.consumeEvents(TYPES, 'w-dead', {
    signal: stop.signal,
    blockMs: 200,
    count: 20,
    claimIdleMs: 0,
  })) {
    taken.push(Number(d.event?.data.n));
    if (taken.length >= count) break;
  }
  stop.abort();
  await doomed.disconnect();
  return taken;
}

it('20,000 events across a master failover: each acked once or dead-lettered, none lost', async () => {
  const logs: string[] = [];
  const opts = {
    redisUrl: cluster.url,
    streamPrefix: 'fo:events:',
    layout: 'spread' as const,
    logger: (l: string) => logs.push(l),
  };
  const producer = new EventPersistence(opts);
  const consumer = new EventPersistence({ ...opts, maxDeliveries: 50 });
  await producer.connect();
  await consumer.connect();
  const seen = new Map<number, number>();
  let duplicates = 0;
  // Events w1 got with deliveryCount > 1 (a redelivery: reclaimed from a dead consumer, or an ack
  // the promoted replica never received).
  const redelivered = new Set<number>();
  const stop = new AbortController();
  const run = (async () => {
    for await (const d of consumer.consumeEvents(TYPES, 'w1', {
      signal: stop.signal,
      blockMs: 200,
      count: 100,
      claimIdleMs: 2000,
      claimEveryMs: 1000,
      retryMaxMs: 1000,
    })) {
      const n = Number(d.event?.data.n);
      if (d.deliveryCount > 1) {
        duplicates++;
        redelivered.add(n);
      }
      try {
        await d.ack();
        seen.set(n, (seen.get(n) ?? 0) + 1);
      } catch {
        // Not acked: it stays pending and is reclaimed after claimIdleMs.
      }
    }
  })();
  // A second consumer that dies holding entries: it takes HELD deliveries (competing with w1) and
  // disconnects without acking, as a crashed worker would, so w1 must reclaim them (XAUTOCLAIM
  // after claimIdleMs) with deliveryCount 2: duplicate counting really runs.
  const doomed = takeAndDie(opts, HELD);
  // Publish in batches; a failed event (error reported) is published again: never dropped.
  const victimSlot = keySlot(`fo:events:${TYPES[1]}`);
  let killed = false;
  for (let start = 0; start < TOTAL; start += 500) {
    const batch = Array.from({ length: Math.min(500, TOTAL - start) }, (_, k) => ({
      eventType: TYPES[(start + k) % 4],
      data: { n: start + k },
    }));
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.persistEvents(batch);
        break;
      } catch (err) {
        const failed = (err as { failures?: { index: number }[] }).failures;
        if (failed) batch.splice(0, batch.length, ...failed.map((f) => batch[f.index]));
        if (attempt > 60) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (!killed && start >= TOTAL / 2) {
      killed = true;
      cluster.kill(await cluster.ownerOf(victimSlot));
    }
  }
  const doomedNs = await doomed;
  const deadNs = async () =>
    new Set(
      (await Promise.all(TYPES.map((t) => consumer.getDeadLetters(t))))
        .flat()
        .map((d) => Number(d.event?.data.n)),
    );
  // Done when every event is acked or dead-lettered.
  await waitFor(
    async () => {
      if (seen.size >= TOTAL) return true;
      if (seen.size < TOTAL * 0.99) return false;
      const d = await deadNs();
      return [...Array(TOTAL).keys()].every((n) => seen.has(n) || d.has(n));
    },
    120000,
    200,
  );
  stop.abort();
  await run.catch(() => {});
  const dead = (await Promise.all(TYPES.map((t) => consumer.getDeadLetters(t)))).flat();
  const deadN = await deadNs();
  // Every event ends acked or dead-lettered; a redelivery (an ack the promoted replica never
  // received, or one that failed) is counted, not an error.
  const lost = [...Array(TOTAL).keys()].filter((n) => !seen.has(n) && !deadN.has(n));
  console.log(
    `failover: ${TOTAL} events, ${seen.size} acked, ${dead.length} dead-lettered, ${duplicates} redeliveries (deliveryCount > 1), ${[...seen.values()].filter((c) => c > 1).length} acked more than once`,
  );
  expect(lost).toEqual([]);
  // Every entry the dead consumer held came back to w1 as a redelivery, and was counted.
  expect(doomedNs).toHaveLength(HELD);
  expect(doomedNs.filter((n) => !redelivered.has(n))).toEqual([]);
  expect(duplicates).toBeGreaterThanOrEqual(HELD);
  // Nothing left pending: every delivered entry was acked (or dead-lettered) in the end.
  for (const t of TYPES)
    expect((await consumer.getStreamInfo(t)).consumerGroups[0].pending, t).toBe(0);
  expect(logs.join('\n')).not.toMatch(/CROSSSLOT/);
  await producer.disconnect();
  await consumer.disconnect();
}, 300000);
