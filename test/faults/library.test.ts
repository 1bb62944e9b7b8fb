/**
 * Fast fault-injection tests (part of `npm test`): each runs the library against a redis-server
 * of its own, injects one fault, and asserts that nothing was lost (every published event acked
 * or dead-lettered; duplicates counted), that it resumed within a stated bound, that it did not
 * spin while the fault lasted, and that no promise rejection went unhandled.
 * Figures are printed as `fault: …` lines (docs/RELIABILITY.md quotes them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { PersistentEventBus } from '../../src/bus/persistent-event-bus.js';
import { preflight } from '../../src/cli/monitor-preflight.js';
import * as connection from '../../src/streams/connection.js';
import { evictionWarningFromInfo } from '../../src/streams/eviction-check.js';
import type { Delivery } from '../../src/core/types.js';
import {
  commandCalls,
  FaultServer,
  HalfOpenProxy,
  Ledger,
  rate,
  sleep,
  trapUnhandled,
  waitFor,
} from './harness.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function report(name: string, figures: Record<string, unknown>): void {
  console.log(`fault: ${name}: ${JSON.stringify(figures)}`);
}

/** A consumer loop that records into the ledger and acks; stop() ends it. */
function runConsumer(p: EventPersistence, ledger: Ledger, name = 'w1', opts = {}) {
  const controller = new AbortController();
  const errors: unknown[] = [];
  const done = (async () => {
    try {
      for await (const d of p.consumeEvents(['t'], name, {
        blockMs: 500,
        claimIdleMs: 2000,
        claimEveryMs: 500,
        ...opts,
        signal: controller.signal,
      })) {
        handle(d);
        await d.ack().then(
          () => ledger.ackedOnce(d.messageId),
          () => {}, // left pending: redelivered after the reconnect (own PEL first) or a claim
        );
      }
    } catch (err) {
      errors.push(err);
    }
  })();
  function handle(d: Delivery) {
    ledger.delivered(d.messageId);
  }
  return {
    errors,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

async function persistence(url: string, logs: string[], extra = {}): Promise<EventPersistence> {
  const p = new EventPersistence({
    redisUrl: url,
    streamPrefix: 'f:',
    logger: (l) => logs.push(l),
    ...extra,
  });
  await p.connect();
  cleanup.push(() => p.disconnect());
  return p;
}

describe('faults (fast)', () => {
  it('OOM via the bus: every publish stored or reported via overflow, none silently lost; the log names OOM', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start(['maxmemory-policy noeviction']);
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs);
    const overflowed = new Set<string>();
    const bus = new PersistentEventBus({
      persistence: p,
      maxQueued: 1000,
      retryBaseMs: 50,
      retryMaxMs: 200,
      logger: (l) => logs.push(l),
      onOverflow: (e) => overflowed.add(e.eventId),
    });
    await bus.initialize();
    const published: string[] = [];
    const publish = async (i: number) => {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      published.push(id);
      await bus.publish({ eventType: 't', eventId: id, data: { i } });
    };
    for (let i = 0; i < 200; i++) await publish(i);
    await admin.config('SET', 'maxmemory', '1');
    for (let i = 200; i < 1723; i++) await publish(i);
    expect(bus.queuedCount).toBeGreaterThan(0);
    expect(logs.some((l) => /OOM: Redis is out of memory \(maxmemory/.test(l))).toBe(true);
    await admin.config('SET', 'maxmemory', '0');
    const t0 = Date.now();
    await waitFor(() => bus.queuedCount === 0, 15_000);
    const drainedMs = Date.now() - t0;
    const stored = new Set(
      ((await admin.xrange('f:t', '-', '+')) as [string, string[]][]).map(
        ([, f]) => (JSON.parse(f[1]) as { event_id: string }).event_id,
      ),
    );
    const lost = published.filter((id) => !stored.has(id) && !overflowed.has(id));
    report('OOM via the bus', {
      published: published.length,
      stored: stored.size,
      overflowReported: overflowed.size,
      silentlyLost: lost.length,
      drainedMs,
    });
    expect(lost).toEqual([]);
    expect(overflowed.size).toBe(bus.droppedCount);
    expect(stored.size + overflowed.size).toBe(published.length);
    await bus.close();
    expect(trap.stop()).toEqual([]);
  });

  it('restart without data: the consumer recreates its group ≤ 2 s after the server is back, one NOGROUP line', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs);
    const ledger = new Ledger();
    const c = runConsumer(p, ledger); // library defaults for the backoff
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    for (let i = 0; i < 50; i++)
      ledger.published.add(await p.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size === 50);
    await server.kill('SIGKILL');
    await sleep(3000); // long enough for the reconnect backoff to grow
    await server.restart();
    const back = Date.now();
    await waitFor(
      async () => ((await admin.xinfo('GROUPS', 'f:t').catch(() => [])) as unknown[]).length > 0,
      15_000,
    );
    const recreatedMs = Date.now() - back;
    const after: string[] = [];
    for (let i = 0; i < 50; i++) after.push(await p.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => after.every((id) => ledger.acked.has(id)), 10_000);
    await c.stop();
    report('restart without data (NOGROUP)', { recreatedMs, bound: 2000 });
    expect(recreatedMs).toBeLessThanOrEqual(2000);
    expect(logs.filter((l) => /was deleted; recreating/.test(l))).toHaveLength(1);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('CLIENT KILL of all clients, 5 times while publishing: all acked once, duplicates counted, no hot loop', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs, { reconnectMaxMs: 500 });
    const producer = await persistence(server.url, logs, { reconnectMaxMs: 500 });
    const ledger = new Ledger();
    const c = runConsumer(p, ledger);
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    const publishing = (async () => {
      for (let i = 0; i < 1000; i++) {
        for (;;) {
          try {
            ledger.published.add(await producer.persistEvent({ eventType: 't', data: { i } }));
            break;
          } catch {
            await sleep(50); // the connection was killed: publish again
          }
        }
      }
    })();
    const before = await commandCalls(admin);
    const t0 = Date.now();
    for (let k = 0; k < 5; k++) {
      await sleep(300);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    }
    const cps = rate(before, await commandCalls(admin), Date.now() - t0);
    await publishing;
    const t1 = Date.now();
    // An ack whose reply was lost to a kill still acked (the PEL says so): done = delivered and
    // nothing pending.
    await waitFor(
      async () =>
        [...ledger.published].every((id) => ledger.deliveries.has(id)) &&
        Number((await admin.xpending('f:t', 'alice-main'))[0]) === 0,
      20_000,
    );
    const ackReplyLost = [...ledger.published].filter((id) => !ledger.acked.has(id)).length;
    for (const id of ledger.published) if (!ledger.acked.has(id)) ledger.ackedOnce(id);
    const r = ledger.report();
    await c.stop();
    report('CLIENT KILL ×5', {
      ...r,
      missing: r.missing.length,
      ackReplyLost,
      drainMs: Date.now() - t1,
      commandsPerSec: Math.round(cps),
    });
    expect(r.missing).toEqual([]);
    expect(r.ackedTwice).toEqual([]);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('CLIENT PAUSE longer than BLOCK: nothing lost, resumes within 1 s of the pause ending, no error', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs);
    const ledger = new Ledger();
    const c = runConsumer(p, ledger);
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    for (let i = 0; i < 20; i++)
      ledger.published.add(await p.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size === 20);
    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    const pausedAt = Date.now();
    const late = p.persistEvent({ eventType: 't', data: { late: true } }); // waits out the pause
    const id = await late;
    const resumed = Date.now() - pausedAt;
    ledger.published.add(id);
    await waitFor(() => ledger.acked.has(id), 10_000);
    const handledMs = Date.now() - pausedAt - 2500;
    await c.stop();
    report('CLIENT PAUSE 2500 ms (BLOCK 500 ms)', {
      publishWaitedMs: resumed,
      handledAfterPauseMs: handledMs,
    });
    expect(handledMs).toBeLessThan(1000);
    expect(ledger.report().missing).toEqual([]);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('half-open TCP (a proxy that stops forwarding without closing): the watchdog notices, the consumer resumes', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const proxy = await new HalfOpenProxy(server.port).start();
    cleanup.push(() => proxy.close());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const commandTimeoutMs = 1500;
    const p = await persistence(proxy.url, logs, { commandTimeoutMs, reconnectMaxMs: 500 });
    const ledger = new Ledger();
    const c = runConsumer(p, ledger);
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    const producer = await persistence(server.url, []); // straight to the server
    for (let i = 0; i < 10; i++)
      ledger.published.add(await producer.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size === 10);
    proxy.blackhole();
    const holedAt = Date.now();
    const before = await commandCalls(admin);
    for (let i = 0; i < 10; i++)
      ledger.published.add(await producer.persistEvent({ eventType: 't', data: { i } }));
    await sleep(1000);
    proxy.heal(); // new connections work again; the old sockets stay dead
    await waitFor(() => [...ledger.published].every((id) => ledger.acked.has(id)), 30_000);
    const resumeMs = Date.now() - holedAt;
    const cps = rate(before, await commandCalls(admin), resumeMs);
    await c.stop();
    // BLOCK 500 + the watchdog grace (commandTimeoutMs) + a reconnect, with room for a loaded box.
    const bound = 500 + (commandTimeoutMs * 2 + 2000) + 1000 + 3000; // socketTimeout of the commands client
    report('half-open TCP', { resumeMs, bound, commandsPerSec: Math.round(cps) });
    expect(resumeMs).toBeLessThan(bound);
    expect(ledger.report().missing).toEqual([]);
    expect(logs.some((l) => /did not answer XREADGROUP|did not answer in time/.test(l))).toBe(true);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });
  it('DEBUG SLEEP 3 s (the server stops answering, sockets stay open): nothing lost, resumes after it, no hot loop', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start(['enable-debug-command yes']);
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const commandTimeoutMs = 1000;
    const p = await persistence(server.url, logs, { commandTimeoutMs, reconnectMaxMs: 500 });
    const producer = await persistence(server.url, [], { commandTimeoutMs, reconnectMaxMs: 500 });
    const ledger = new Ledger();
    const c = runConsumer(p, ledger);
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    for (let i = 0; i < 100; i++)
      ledger.published.add(await producer.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size === 100);
    const before = await commandCalls(admin);
    const sleeper = server.client();
    cleanup.push(() => sleeper.disconnect());
    const t0 = Date.now();
    const slept = sleeper.call('DEBUG', 'SLEEP', '3');
    // Publishes during the sleep time out at the client (commandTimeoutMs) but may still run when
    // the server wakes: the stream itself, read afterwards, is the list of what was published.
    let failedPublishes = 0;
    const during = (async () => {
      for (let i = 0; i < 5; i++) {
        await producer.persistEvent({ eventType: 't', data: { during: i } }).catch(() => {
          failedPublishes++;
        });
      }
    })();
    await slept;
    const wokeAt = Date.now();
    await during;
    const firstAfter = await producer.persistEvent({ eventType: 't', data: { after: true } });
    await waitFor(() => ledger.acked.has(firstAfter), 15_000);
    const resumeMs = Date.now() - wokeAt;
    const cps = rate(before, await commandCalls(admin), Date.now() - t0);
    const stored = ((await admin.xrange('f:t', '-', '+')) as [string, string[]][]).map(
      ([id]) => id,
    );
    stored.forEach((id) => ledger.published.add(id));
    // An ack sent during the sleep times out at the client but runs when the server wakes: done
    // = delivered and nothing pending (the PEL says acked), as after a CLIENT KILL.
    await waitFor(
      async () =>
        stored.every((id) => ledger.deliveries.has(id)) &&
        Number((await admin.xpending('f:t', 'alice-main'))[0]) === 0,
      15_000,
    );
    const ackReplyLost = stored.filter((id) => !ledger.acked.has(id)).length;
    for (const id of stored) if (!ledger.acked.has(id)) ledger.ackedOnce(id);
    const r = ledger.report();
    await c.stop();
    const bound = 500 + commandTimeoutMs * 2 + 2000 + 1000; // BLOCK + socketTimeout + a reconnect
    report('DEBUG SLEEP 3 s', {
      sleptMs: wokeAt - t0,
      stored: stored.length,
      failedPublishes,
      ackReplyLost,
      missing: r.missing.length,
      duplicates: r.duplicates,
      resumeMs,
      bound,
      commandsPerSec: Math.round(cps),
    });
    expect(r.missing).toEqual([]);
    expect(r.ackedTwice).toEqual([]);
    expect(resumeMs).toBeLessThan(bound);
    expect(cps).toBeLessThan(200); // the backlog answered after the sleep, not a storm
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('eviction under allkeys-lru: warned once at connect (library and monitor); the stream evicted mid-run is recreated, later events all acked', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start(['maxmemory-policy allkeys-lru']);
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs);
    const warning = /maxmemory-policy allkeys-lru .*may evict a stream/;
    expect(logs.filter((l) => warning.test(l))).toHaveLength(1);
    await p.disconnect();
    await p.connect(); // a second connect says nothing new
    expect(logs.filter((l) => warning.test(l))).toHaveLength(1);
    const check = await preflight(connection, { url: server.url }, '$');
    expect(check.kind).toBe('ok');
    expect(check.kind === 'ok' && check.warning).toMatch(
      /^streamscope monitor: warning: redis:\/\/127\.0\.0\.1:\d+ has maxmemory-policy allkeys-lru/,
    );
    // Only the allkeys-* policies evict keys without a TTL (streams have none).
    for (const safe of ['noeviction', 'volatile-lru', 'volatile-ttl'])
      expect(evictionWarningFromInfo(`maxmemory:0\r\nmaxmemory_policy:${safe}\r\n`, 'x')).toBe(
        null,
      );
    expect(
      evictionWarningFromInfo('maxmemory:1024\r\nmaxmemory_policy:allkeys-lfu\r\n', 'x'),
    ).toMatch(/allkeys-lfu \(maxmemory 1024 bytes\)/);
    const ledger = new Ledger();
    const c = runConsumer(p, ledger); // library defaults for the backoff
    await waitFor(async () => (await admin.exists('f:t')) === 1);
    for (let i = 0; i < 200; i++)
      ledger.published.add(await p.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size === 200);
    // Memory runs short: the next write evicts every key, the stream and its group included.
    await admin.config('SET', 'maxmemory', '1');
    await admin.set('f:filler', 'x').catch(() => {});
    await admin.config('SET', 'maxmemory', '0');
    const evicted = Number(/evicted_keys:(\d+)/.exec(await admin.info('stats'))?.[1]);
    expect(await admin.exists('f:t')).toBe(0);
    const t0 = Date.now();
    const after: string[] = [];
    for (let i = 0; i < 200; i++) {
      const id = await p.persistEvent({ eventType: 't', data: { after: i } });
      after.push(id);
      ledger.published.add(id);
    }
    await waitFor(() => after.every((id) => ledger.acked.has(id)), 15_000);
    const resumeMs = Date.now() - t0;
    const r = ledger.report();
    await c.stop();
    report('eviction under allkeys-lru', {
      evictedKeys: evicted,
      published: r.published,
      missing: r.missing.length,
      duplicates: r.duplicates,
      resumeMs,
    });
    expect(evicted).toBeGreaterThanOrEqual(2);
    expect(r.missing).toEqual([]); // everything was handled before the eviction, all after it
    expect(r.ackedTwice).toEqual([]);
    expect(resumeMs).toBeLessThan(3000); // NOGROUP recreate ≤ 2 s after the loss, plus the publishes
    expect(logs.filter((l) => /was deleted; recreating/.test(l))).toHaveLength(1);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });
});
