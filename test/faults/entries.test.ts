/**
 * Fast fault tests on the entries themselves (part of `npm test`): malformed entries written
 * straight into a stream under a running consumer, a PEL of more than 1,000 entries reclaimed
 * with the XAUTOCLAIM cursor while the connections are killed, and length trims with a slow
 * group. Each asserts: every entry acked exactly once or dead-lettered (duplicates counted), a
 * resume or drain bound, no hot loop, no unhandled rejection. Figures go to `fault: …` lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventPersistence,
  type EventPersistenceOptions,
} from '../../src/streams/event-persistence.js';
import { completeEvent, encodeEventJson } from '../../src/core/codec.js';
import {
  commandCalls,
  FaultServer,
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

async function persistence(
  url: string,
  logs: string[],
  extra: EventPersistenceOptions = {},
): Promise<EventPersistence> {
  const p = new EventPersistence({
    redisUrl: url,
    streamPrefix: 'e:',
    logger: (l) => logs.push(l),
    ...extra,
  });
  await p.connect();
  cleanup.push(() => p.disconnect());
  return p;
}

/** A consumer loop recording into the ledger; `delayMs` makes it a slow one. */
function runConsumer(
  p: EventPersistence,
  ledger: Ledger,
  name: string,
  opts: { delayMs?: number; count?: number; claimIdleMs?: number } = {},
) {
  const controller = new AbortController();
  const errors: unknown[] = [];
  const done = (async () => {
    try {
      for await (const d of p.consumeEvents(['t'], name, {
        blockMs: 300,
        count: opts.count ?? 10,
        claimIdleMs: opts.claimIdleMs ?? 2000,
        claimEveryMs: 300,
        signal: controller.signal,
      })) {
        ledger.delivered(d.messageId);
        if (opts.delayMs) await sleep(opts.delayMs);
        await d.ack().then(
          () => ledger.ackedOnce(d.messageId),
          () => {},
        );
      }
    } catch (err) {
      errors.push(err);
    }
  })();
  return {
    errors,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** A seed-format `event` field for `data`, as persistEvent writes it. */
function eventField(data: Record<string, unknown>): string {
  return encodeEventJson(completeEvent({ eventType: 't', data }));
}

/** A valid event whose string value `s` holds raw bytes that are not UTF-8. */
function withBinary(): Buffer {
  const [head, tail] = eventField({ s: 'BIN' }).split('BIN');
  return Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from(tail)]);
}

describe('faults on entries (fast)', () => {
  it('malformed entries under a running consumer: each handled or dead-lettered with its reason, the good ones around them all acked', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs);
    const ledger = new Ledger();
    const c = runConsumer(p, ledger, 'w1');
    await waitFor(async () => (await admin.exists('e:t')) === 1);
    const bad: [string, (string | Buffer)[], RegExp | null][] = [
      ['missing field', ['payload', '{"x":1}'], /^cannot decode: no "event" field$/],
      [
        'invalid JSON',
        ['event', '{"event_type":"t",'],
        /^cannot decode: "event" field is not valid JSON$/,
      ],
      [
        'not an object',
        ['event', '[1,2,3]'],
        /^cannot decode: "event" field is not a JSON object$/,
      ],
      [
        'no event_type',
        ['event', '{"event_id":"x","timestamp":"t"}'],
        /^cannot decode: event has no event_type$/,
      ],
      [
        'binary bytes',
        ['event', Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x1b, 0x5b])],
        /^cannot decode: /,
      ],
      // Decodable ones are delivered like any event:
      ['1 MB payload', ['event', eventField({ blob: 'x'.repeat(1024 * 1024) })], null],
      [
        'foreign fields too',
        ['event', eventField({ ok: 1 }), 'trace', 'abc', 'weird\u0000key', 'v'],
        null,
      ],
      ['NaN (Python json)', ['event', eventField({ n: 0 }).replace('"n": 0', '"n": NaN')], null],
      ['binary inside a string', ['event', withBinary()], null],
    ];
    expect(String(bad.find(([n]) => n.startsWith('NaN'))![1][1])).toContain('"n": NaN');
    const good: string[] = [];
    const badIds = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (const [name, fields] of bad) {
        good.push(await p.persistEvent({ eventType: 't', data: { round, before: name } }));
        badIds.set(String(await admin.xadd('e:t', '*', ...fields)), name);
      }
    }
    good.push(await p.persistEvent({ eventType: 't', data: { last: true } }));
    good.forEach((id) => ledger.published.add(id));
    const t0 = Date.now();
    await waitFor(
      async () =>
        good.every((id) => ledger.acked.has(id)) &&
        Number((await admin.xpending('e:t', 'alice-main'))[0]) === 0,
      20_000,
    );
    const drainMs = Date.now() - t0;
    const dead = await p.getDeadLetters('t');
    const deadIds = new Set(dead.map((d) => d.originalId));
    const outcomes: Record<string, string> = {};
    for (const [id, name] of badIds) {
      const want = bad.find(([n]) => n === name)![2];
      const dl = dead.find((d) => d.originalId === id);
      if (want) {
        expect(dl?.reason, name).toMatch(want);
        expect(ledger.deliveries.has(id), name).toBe(false); // never handed to the application
      } else {
        expect(dl, name).toBeUndefined();
        expect(ledger.acked.get(id), name).toBe(1);
      }
      outcomes[name] = dl ? dl.reason : 'delivered, acked';
    }
    // Every entry of the stream: acked once (ours) or dead-lettered.
    const all = ((await admin.xrange('e:t', '-', '+')) as [string, string[]][]).map(([id]) => id);
    const r = ledger.report(deadIds);
    all.forEach((id) => ledger.published.add(id));
    const full = ledger.report(deadIds);
    await c.stop();
    report('malformed entries ×3 rounds', {
      entries: all.length,
      deadLettered: dead.length,
      missing: full.missing.length,
      duplicates: r.duplicates,
      drainMs,
      outcomes,
    });
    expect(full.missing).toEqual([]);
    expect(full.ackedTwice).toEqual([]);
    expect(dead).toHaveLength(3 * bad.filter(([, , w]) => w).length);
    expect(drainMs).toBeLessThan(10_000);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('a PEL of 1,500 entries of a dead consumer, reclaimed with the XAUTOCLAIM cursor while every connection is killed twice', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = await persistence(server.url, logs, { reconnectMaxMs: 500 });
    const ledger = new Ledger();
    const N = 1500;
    await admin.xgroup('CREATE', 'e:t', 'alice-main', '0', 'MKSTREAM');
    const ids = await p.persistEvents(
      Array.from({ length: N }, (_, i) => ({ eventType: 't', data: { i } })),
    );
    // A consumer that read them all and died: its PEL holds 1,500 entries.
    await admin.xreadgroup('GROUP', 'alice-main', 'dead', 'COUNT', N, 'STREAMS', 'e:t', '>');
    expect(Number((await admin.xpending('e:t', 'alice-main'))[0])).toBe(N);
    ids.forEach((id) => ledger.published.add(id));
    await sleep(300); // idle longer than claimIdleMs below
    const before = await commandCalls(admin);
    const t0 = Date.now();
    const c = runConsumer(p, ledger, 'w1', { count: 20, claimIdleMs: 200 });
    for (let k = 0; k < 2; k++) {
      await waitFor(() => ledger.acked.size > (k + 1) * 300, 20_000);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    }
    await waitFor(
      async () =>
        ids.every((id) => ledger.deliveries.has(id)) &&
        Number((await admin.xpending('e:t', 'alice-main'))[0]) === 0,
      30_000,
    );
    const reclaimMs = Date.now() - t0;
    const cps = rate(before, await commandCalls(admin), reclaimMs);
    const claims = (await commandCalls(admin)).get('xautoclaim') ?? 0;
    const ackReplyLost = ids.filter((id) => !ledger.acked.has(id)).length;
    for (const id of ids) if (!ledger.acked.has(id)) ledger.ackedOnce(id); // the PEL says acked
    const r = ledger.report();
    await c.stop();
    report('PEL of 1,500 reclaimed, CLIENT KILL ×2', {
      commandsPerEntry: Number(((cps * reclaimMs) / 1000 / N).toFixed(1)),
      pel: N,
      missing: r.missing.length,
      ackedTwice: r.ackedTwice.length,
      duplicates: r.duplicates,
      ackReplyLost,
      reclaimMs,
      xautoclaimCalls: claims,
      commandsPerSec: Math.round(cps),
    });
    expect(r.missing).toEqual([]);
    expect(r.ackedTwice).toEqual([]);
    expect(claims).toBeGreaterThanOrEqual(N / 200); // paged with the cursor, not one call
    // No hot loop across the kills: a few commands per reclaimed entry (claim, ack, PEL re-read).
    expect((cps * reclaimMs) / 1000 / N).toBeLessThan(6);
    expect(reclaimMs).toBeLessThan(20_000);
    expect(c.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });

  it('length trims with a slow group: nothing it has not acked is trimmed below hardMaxLen; both groups get every event once', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const trim = { maxLen: 100, hardMaxLen: 5000, trimIntervalMs: 50, trimEvery: 20 };
    const producer = await persistence(server.url, logs, trim);
    const fastP = await persistence(server.url, logs, trim);
    const slowP = await persistence(server.url, logs, { ...trim, consumerGroup: 'slow' });
    const fast = new Ledger();
    const slow = new Ledger();
    const cf = runConsumer(fastP, fast, 'f1', { count: 50 });
    const cs = runConsumer(slowP, slow, 's1', { count: 5, delayMs: 2 });
    await waitFor(
      async () => ((await admin.xinfo('GROUPS', 'e:t').catch(() => [])) as unknown[]).length === 2,
    );
    let maxLength = 0;
    const N = 2000;
    for (let i = 0; i < N; i++) {
      const id = await producer.persistEvent({ eventType: 't', data: { i } });
      fast.published.add(id);
      slow.published.add(id);
      if (i % 100 === 0) maxLength = Math.max(maxLength, Number(await admin.xlen('e:t')));
    }
    const behindAtEnd = N - slow.acked.size;
    const t0 = Date.now();
    await waitFor(() => fast.acked.size === N && slow.acked.size === N, 60_000);
    const slowDrainMs = Date.now() - t0;
    // Once the slow group has caught up, the next trims bring the stream back near maxLen.
    await producer.persistEvent({ eventType: 't', data: { after: true } });
    await sleep(100);
    await producer.persistEvents(
      Array.from({ length: 25 }, (_, i) => ({ eventType: 't', data: { tail: i } })),
    );
    const finalLength = await waitFor(async () => {
      const n = Number(await admin.xlen('e:t'));
      return n < 400 ? n : 0;
    }, 10_000);
    const rf = fast.report();
    const rs = slow.report();
    await cf.stop();
    await cs.stop();
    report('trims with a slow group', {
      published: N,
      slowBehindAtEnd: behindAtEnd,
      maxLengthSeen: maxLength,
      finalLength,
      trimLosses: producer.trimLosses,
      fastMissing: rf.missing.length,
      slowMissing: rs.missing.length,
      duplicates: rf.duplicates + rs.duplicates,
      slowDrainMs,
    });
    expect(behindAtEnd).toBeGreaterThan(100); // the slow group really was behind past maxLen
    expect(maxLength).toBeGreaterThan(trim.maxLen); // kept what the slow group still needed
    expect(producer.trimLosses).toBe(0);
    expect(rf.missing).toEqual([]);
    expect(rs.missing).toEqual([]);
    expect(rf.ackedTwice).toEqual([]);
    expect(rs.ackedTwice).toEqual([]);
    expect(logs.filter((l) => /trim|lost/i.test(l))).toEqual([]);
    expect(cf.errors).toEqual([]);
    expect(cs.errors).toEqual([]);
    expect(trap.stop()).toEqual([]);
  });
});
