/**
 * The library's acceptance suite on three targets — a single node, a 3-master Redis Cluster in
 * the hash-tag layout and in the spread layout — calling every public method of EventPersistence,
 * PersistentEventBus and monitorEventsFromRedis. Every error and log line is collected: none may
 * mention CROSSSLOT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import { monitorEventsFromRedis } from '../../src/bus/monitor-events.js';
import type { Delivery, SeedEvent } from '../../src/core/types.js';
import { libraryTargets, startCluster, type RunningCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/context.js';
import { puller } from '../streams/helpers.js';

let cluster: RunningCluster;
beforeAll(async () => {
  cluster = await startCluster({ masters: 3 });
}, 60000);
afterAll(() => cluster?.stop());

const TYPES = ['asset.discovered', 'asset.processed', 'workflow.failed', 'quality.assessed'];
const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };

describe.each(libraryTargets(() => cluster))('library on $name', (target) => {
  const seen: string[] = [];
  const open: { disconnect(): unknown }[] = [];
  afterAll(async () => {
    for (const o of open) await o.disconnect();
    // No public call on any target ever met a cross-slot error.
    expect(seen.filter((l) => /CROSSSLOT/i.test(l))).toEqual([]);
  });

  async function persistence(extra: ConstructorParameters<typeof EventPersistence>[0] = {}) {
    const p = new EventPersistence({
      redisUrl: target.url(),
      streamPrefix: target.prefix(),
      layout: target.layout,
      logger: (l) => seen.push(l),
      ...extra,
    });
    open.push(p);
    await p.connect();
    expect(p.isCluster).toBe(target.cluster);
    return p;
  }
  /** Run a call; its error (if any) is remembered for the CROSSSLOT check and rethrown. */
  async function noted<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      seen.push(String((err as Error).message));
      throw err;
    }
  }

  it('persistEvent writes the type stream and the global stream; getEvents reads both', async () => {
    const p = await persistence();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } })));
    // persistEvents: one batch, pipelined on one node or two-step per event across masters.
    const batch = await noted(
      p.persistEvents(TYPES.map((t, k) => ({ eventType: t, data: { batch: k } }))),
    );
    expect(batch).toHaveLength(4);
    const typed = (await noted(p.getEvents(TYPES[0]))).filter((e) => e.event?.data.i !== undefined);
    expect(typed.map((e) => e.event?.data.i)).toEqual([0, 4, 8]);
    expect(typed[0].streamId).toBe(ids[0]);
    const all = await noted(p.getEvents('all'));
    expect(all.filter((e) => e.event?.data.i !== undefined).map((e) => e.event?.data.i)).toEqual([
      ...Array(12).keys(),
    ]);
    expect(all.filter((e) => e.event?.data.batch !== undefined)).toHaveLength(4);
    expect(all[0].fields.type).toBe(TYPES[0]);
    const slots = new Set(TYPES.map((t) => keySlot(p.keys.typeStream(t))));
    slots.add(keySlot(p.keys.globalStream));
    // hash-tag: one slot for everything; spread: the streams really are spread.
    if (target.cluster) expect(slots.size > 1).toBe(target.layout === 'spread');
  });

  it('consumeEvents over types on different slots delivers each event once; acks empty every PEL', async () => {
    const p = await persistence();
    for (let i = 0; i < 20; i++)
      await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } }));
    const c = puller(p.consumeEvents(TYPES, 'w1', fast));
    const got = await c.take(20, 15000);
    for (const d of got) await noted(d.ack());
    expect(got.map((d) => d.event?.data.i as number).sort((a, b) => a - b)).toEqual([
      ...Array(20).keys(),
    ]);
    await c.close();
    for (const t of TYPES) {
      const info = await noted(p.getStreamInfo(t));
      expect(info.consumerGroups[0].pending).toBe(0);
    }
  });

  it('consumeEventBatches over types on different slots: batches, one batch ack each', async () => {
    const p = await persistence();
    for (let i = 0; i < 12; i++)
      await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } }));
    const c = puller(p.consumeEventBatches(TYPES, 'bw', { ...fast, count: 5 }));
    let n = 0;
    while (n < 12) {
      const [batch] = await c.take(1, 15000);
      n += batch.deliveries.length;
      await noted(batch.ack());
    }
    await c.close();
    expect(n).toBe(12);
    for (const t of TYPES)
      expect((await noted(p.getStreamInfo(t))).consumerGroups[0].pending).toBe(0);
  });

  it('consumeEvents and consumeEventBatches with until: per stream exactly the entries ≤ until, acked, then both end', async () => {
    const p = await persistence();
    const ids: string[] = [];
    for (let i = 0; i < 16; i++)
      ids.push(await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } })));
    const until = ids[9];
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 16; i < 24; i++)
      await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } }));
    const want = async (t: string) =>
      (await noted(p.getEvents(t, { end: until }))).map((e) => e.streamId);
    const got: Delivery[] = [];
    for await (const d of p.consumeEvents(TYPES, 'u1', { ...fast, until })) {
      got.push(d);
      await noted(d.ack());
    }
    for (const t of TYPES)
      expect(got.filter((d) => d.eventType === t).map((d) => d.messageId)).toEqual(await want(t));
    const q = await persistence({ streamPrefix: p.keys.prefix, consumerGroup: 'until-batches' });
    const batched: string[] = [];
    for await (const b of q.consumeEventBatches(TYPES, 'u2', { ...fast, count: 3, until })) {
      batched.push(...b.deliveries.map((d) => d.messageId));
      await noted(b.ack());
    }
    expect(batched.sort()).toEqual(got.map((d) => d.messageId).sort());
    for (const t of TYPES) {
      const groups = (await noted(p.getStreamInfo(t))).consumerGroups;
      expect(groups.map((g) => g.pending)).toEqual([0, 0]);
    }
  });

  it('getPendingEvents claims what a crashed consumer held; its acks work', async () => {
    const p = await persistence();
    for (let i = 0; i < 3; i++) await noted(p.persistEvent({ eventType: TYPES[1], data: { i } }));
    const c = puller(p.consumeEvents([TYPES[1]], 'crashed', fast));
    await c.take(3);
    await c.close();
    const pending = await noted(
      p.getPendingEvents(TYPES[1], { idleMs: 0, consumerName: 'rescuer' }),
    );
    expect(pending.map((d) => d.deliveryCount)).toEqual([2, 2, 2]);
    for (const d of pending) await noted(d.ack());
    expect((await noted(p.getStreamInfo(TYPES[1]))).consumerGroups[0].pending).toBe(0);
  });

  it('dead letters (undecodable, over maxDeliveries) land in a stream on the type stream’s slot', async () => {
    const p = await persistence({ maxDeliveries: 1 });
    const raw = target.raw();
    open.push(raw);
    await raw.xadd(p.keys.typeStream(TYPES[2]), '*', 'junk', '1');
    await noted(p.persistEvent({ eventType: TYPES[2], data: { poison: true } }));
    const c = puller(p.consumeEvents([TYPES[2]], 'w', fast));
    // The junk entry is dead-lettered on arrival; the decodable one is delivered, never acked…
    await c.take(1, 10000);
    await c.close();
    // …and claimed once more: a second delivery, over maxDeliveries (1) → dead-lettered.
    expect(await noted(p.getPendingEvents(TYPES[2], { idleMs: 0 }))).toEqual([]);
    const dead = await noted(p.getDeadLetters(TYPES[2]));
    expect(dead).toHaveLength(2);
    expect(dead.map((d) => d.reason).join(' ')).toMatch(/cannot decode[\s\S]*maxDeliveries/);
    const dlq = p.keys.deadLetterStream(TYPES[2]);
    if (target.cluster) expect(keySlot(dlq)).toBe(keySlot(p.keys.typeStream(TYPES[2])));
    expect(p.keys.describe(dlq)).toEqual({ kind: 'dead-letter', eventType: TYPES[2] });
  });

  it('getStreamInfo and trimOldEvents on a type stream and on the global stream', async () => {
    const p = await persistence();
    await noted(p.persistEvent({ eventType: TYPES[3], data: {} }));
    expect((await noted(p.getStreamInfo(TYPES[3]))).length).toBe(1);
    expect((await noted(p.getStreamInfo('all'))).length).toBe(1);
    expect((await noted(p.getStreamInfo('never.published'))).length).toBe(0);
    expect(await noted(p.trimOldEvents(TYPES[3], { maxAgeDays: 30 }))).toBe(0);
    expect(await noted(p.trimOldEvents('all', { maxAgeDays: 30 }))).toBe(0);
  });

  it('PersistentEventBus publish, replay and a consumer; monitorEventsFromRedis tails the global stream', async () => {
    const p = await persistence();
    const bus = new PersistentEventBus({ persistence: p, logger: (l) => seen.push(l) });
    await noted(bus.initialize());
    const local: SeedEvent[] = [];
    bus.subscribe('*', (e) => void local.push(e));
    const lines: string[] = [];
    const stop = new AbortController();
    const tail = monitorEventsFromRedis(undefined, {
      redisUrl: target.url(),
      streamPrefix: p.keys.prefix,
      json: true,
      signal: stop.signal,
      blockMs: 100,
      output: (l) => void lines.push(l),
      logger: (l) => seen.push(l),
    });
    await new Promise((r) => setTimeout(r, 300)); // the tail resolves `$` first
    for (const t of TYPES) await noted(bus.publish({ eventType: t, data: { t } }));
    expect(local).toHaveLength(4);
    expect(await noted(bus.replayEvents(TYPES[0]))).toBe(1);
    expect(await noted(bus.publishMany([{ eventType: TYPES[0], data: { many: 1 } }]))).toHaveLength(
      1,
    );
    const handled: Delivery['event'][] = [];
    bus.startConsumer(TYPES, 'bus-worker', async (e) => void handled.push(e), fast);
    await waitFor(() => handled.length >= 5, 15000);
    await noted(bus.stopConsumer());
    await waitFor(() => lines.length >= 5, 15000);
    stop.abort();
    expect(await tail).toBeGreaterThanOrEqual(5);
    expect(new Set(lines.map((l) => JSON.parse(l).type))).toEqual(new Set(TYPES));
    await noted(bus.close());
  });

  if (target.cluster && target.layout === 'hash-tag') {
    it('an unbraced prefix in the hash-tag layout is refused at connect, with the fix', async () => {
      const p = new EventPersistence({ redisUrl: target.url(), streamPrefix: 'plain:events:' });
      await expect(p.connect()).rejects.toThrow(/no hash tag.*\{plain\}:events:.*--layout spread/);
      await p.disconnect();
    });
  }
});
