/**
 * Slow topology test (npm run test:cluster): a slot migration under load. While producers
 * publish and a consumer group consumes (spread layout, 3 masters), the slot of the busiest type
 * stream and then the slot of the global stream (every event goes there) move to another master
 * with the real `redis-cli --cluster reshard … --cluster-from <owner> --cluster-to <id>
 * --cluster-slots <n> --cluster-yes` (it moves the owner's lowest slots first: the prefix is
 * picked so that both streams sit a few slots from the start of their owner's range, n ≤ 40).
 * Nothing is lost (every event is in its type stream and in the global stream), and every entry is
 * acked exactly once (no redelivery is needed: nobody failed).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { cheapReshardPrefix, startCluster, type RunningCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/context.js';

// The first type is the busiest: 7 of every 10 events.
const TYPES = ['asset.discovered', 'asset.processed', 'workflow.failed'];

let cluster: RunningCluster;
let PREFIX: string;
beforeAll(async () => {
  cluster = await startCluster({ masters: 3 });
  PREFIX = await cheapReshardPrefix(cluster, 'rs', [TYPES[0], 'all']);
}, 120000);
afterAll(() => cluster?.stop());

const typeOf = (n: number) => TYPES[n % 10 < 7 ? 0 : n % 10 < 9 ? 1 : 2];
const TOTAL = 2000;

it('a slot moving under load: MOVED/ASK followed, nothing lost, every entry acked once', async () => {
  const logs: string[] = [];
  const opts = {
    redisUrl: cluster.url,
    streamPrefix: PREFIX,
    layout: 'spread' as const,
    logger: (l: string) => logs.push(l),
  };
  const producers = [new EventPersistence(opts), new EventPersistence(opts)];
  const consumer = new EventPersistence(opts);
  for (const p of [...producers, consumer]) await p.connect();

  const acks = new Map<string, number>(); // `<stream> <id>` → successful acks
  const ackedN = new Set<number>();
  let redeliveries = 0;
  const stop = new AbortController();
  const run = (async () => {
    for await (const d of consumer.consumeEvents(TYPES, 'w1', {
      signal: stop.signal,
      blockMs: 200,
      count: 100,
      claimIdleMs: 3000,
      claimEveryMs: 1000,
      retryMaxMs: 500,
    })) {
      if (d.deliveryCount > 1) redeliveries++;
      try {
        await d.ack();
        const k = `${d.streamKey} ${d.messageId}`;
        acks.set(k, (acks.get(k) ?? 0) + 1);
        ackedN.add(Number(d.event?.data.n));
      } catch {
        // Not acked: it stays pending and is reclaimed after claimIdleMs.
      }
    }
  })();

  // Two producers, 50 events at a time each; a failed event is published again, never dropped.
  // They publish at least TOTAL events and go on until both slots have moved.
  let next = 0;
  let publishErrors = 0;
  let migrated = false;
  const produce = async (p: EventPersistence) => {
    while (next < TOTAL || !migrated) {
      const batch = Array.from({ length: 50 }, () => {
        const n = next++;
        return { eventType: typeOf(n), data: { n } };
      });
      for (let attempt = 0; batch.length > 0; attempt++) {
        try {
          await p.persistEvents(batch);
          break;
        } catch (err) {
          publishErrors++;
          const failed = (err as { failures?: { index: number }[] }).failures;
          if (failed) batch.splice(0, batch.length, ...failed.map((f) => batch[f.index]));
          if (attempt > 40) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await new Promise((r) => setTimeout(r, 5)); // a steady load, not a flood
    }
  };
  const producing = Promise.all(producers.map(produce));

  // Once the load runs: move the busiest type stream's slot, then the global stream's.
  const moved: {
    key: string;
    from: number;
    to: number;
    slots: number;
    during: number;
    ms: number;
  }[] = [];
  for (const key of [`${PREFIX}${TYPES[0]}`, `${PREFIX}all`]) {
    await waitFor(() => next >= (TOTAL / 4) * (moved.length + 1), 60000, 20);
    const slot = keySlot(key);
    const from = await cluster.ownerOf(slot);
    const { masters } = await cluster.roles();
    const to = masters.find((m) => m.port !== from.port)!;
    const before = next;
    const t0 = Date.now();
    const { slots, output } = await cluster.reshard(slot, to);
    expect(output).toMatch(
      new RegExp(
        `Moving slot ${slot} from 127\\.0\\.0\\.1:${from.port} to 127\\.0\\.0\\.1:${to.port}`,
      ),
    );
    moved.push({
      key,
      from: from.port,
      to: to.port,
      slots,
      during: next - before,
      ms: Date.now() - t0,
    });
    expect((await cluster.ownerOf(slot)).port).toBe(to.port);
  }
  migrated = true;
  await producing;
  const total = next;
  const drainStart = Date.now();
  await waitFor(() => ackedN.size >= total, 120000, 200);
  const drainMs = Date.now() - drainStart;
  stop.abort();
  await run.catch(() => {});

  const typed = (await Promise.all(TYPES.map((t) => consumer.getEvents(t)))).flat();
  const global = await consumer.getEvents('all');
  const ns = (list: typeof typed) => new Set(list.map((e) => Number(e.event?.data.n)));
  // The sets once, not per event: rebuilt inside the filter this check was O(n²) and took 30–150 s.
  const inTyped = ns(typed);
  const inGlobal = ns(global);
  const lost = [...Array(total).keys()].filter((n) => !inTyped.has(n) || !inGlobal.has(n));
  const infos = await Promise.all(TYPES.map((t) => consumer.getStreamInfo(t)));
  console.log(
    `reshard: ${total} events, ${moved.map((m) => `${m.key} ${m.from}→${m.to} (redis-cli --cluster reshard of ${m.slots} slots, ${m.ms} ms, ${m.during} published meanwhile)`).join(', ')}; ` +
      `consumer caught up ${drainMs} ms after the last publish; ${typed.length} type-stream entries, ${acks.size} acked, ${redeliveries} redeliveries, ${publishErrors} publish errors retried`,
  );
  expect(lost).toEqual([]);
  // Publishing went on while each slot moved.
  for (const m of moved) expect(m.during).toBeGreaterThan(0);
  // Every type-stream entry acked exactly once; nothing left pending.
  expect(acks.size).toBe(typed.length);
  expect([...acks.values()].filter((c) => c !== 1)).toEqual([]);
  for (const info of infos) expect(info.consumerGroups[0].pending).toBe(0);
  expect(logs.join('\n')).not.toMatch(/CROSSSLOT/);
  for (const p of [...producers, consumer]) await p.disconnect();
}, 300000);
