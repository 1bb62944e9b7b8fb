/**
 * "No CROSSSLOT error is reachable from any CLI command or library call in either layout": one
 * 3-master cluster for the file, both layouts, and every public method of EventPersistence,
 * PersistentEventBus and the library's free functions, then every CLI verb (status, tail, export,
 * ack, claim, deadletter, consumer delete, group setid, dlq list/redrive/delete, journal, undo,
 * replay, archive, restore), run in-process. Each call must succeed — a routing failure (MOVED,
 * a pipeline over two nodes) fails the test as surely as a CROSSSLOT — and every error or log line
 * seen is checked for CROSSSLOT at the end.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cluster, type Redis } from 'ioredis';
import { main } from '../../src/cli/main.js';
import { run as runTail } from '../../src/cli/tail.js';
import { keySlot } from '../../src/core/hash-slot.js';
import { createKeySpace, type KeyLayout } from '../../src/core/keys.js';
import {
  closeSharedPersistence,
  EventPersistence,
  getPersistence,
  monitorEventsFromRedis,
  PersistentEventBus,
  planReplay,
  previewReplay,
  publishPersistentEvent,
  readArchiveFile,
  restoreFile,
  runReplay,
} from '../../src/index.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/context.js';
import { puller } from '../streams/helpers.js';

let cluster: RunningCluster;
const dir = mkdtempSync(join(tmpdir(), 'crossslot-'));
beforeAll(async () => {
  cluster = await startCluster({ masters: 3 });
}, 60000);
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const TYPES = ['asset.discovered', 'asset.processed', 'workflow.failed', 'quality.assessed'];
/** A range end after everything the test writes (the library takes full IDs). */
const END = `${Date.now() + 3_600_000}-0`;
const fast = { blockMs: 100, claimIdleMs: 0, retryBaseMs: 50, retryMaxMs: 200 };

const layouts: { layout: KeyLayout; prefix: string; sandbox: string }[] = [
  { layout: 'hash-tag', prefix: '{xs}:events:', sandbox: '{xsbox}:events:' },
  // An unbraced sandbox too: its type stream and global stream are on different slots.
  { layout: 'spread', prefix: 'xs:events:', sandbox: 'xsbox:events:' },
];

describe.each(layouts)('every public call on a 3-master cluster, $layout layout', (l) => {
  const seen: string[] = [];
  const open: { disconnect(): unknown }[] = [];
  let raw: Redis;
  let p: EventPersistence;
  const keys = createKeySpace(l.prefix, l.layout);
  const journal = join(dir, `${l.layout}.ndjson`);

  beforeAll(async () => {
    raw = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0].port }]) as unknown as Redis;
    raw.on('error', () => {});
    open.push(raw);
    p = new EventPersistence({
      redisUrl: cluster.nodes[1].url,
      streamPrefix: l.prefix,
      layout: l.layout,
      logger: (x) => seen.push(x),
    });
    open.push(p);
    await p.connect();
  });
  afterAll(async () => {
    for (const o of open) await o.disconnect();
  });
  // Last in the file's order for this layout: nothing ever said CROSSSLOT.
  afterAll(() => expect(seen.filter((x) => /CROSSSLOT/i.test(x))).toEqual([]));

  /** Another instance on the same prefix with its own consumer group. */
  async function inGroup(consumerGroup: string): Promise<EventPersistence> {
    const q = new EventPersistence({
      redisUrl: cluster.nodes[0].url,
      streamPrefix: l.prefix,
      layout: l.layout,
      consumerGroup,
      logger: (x) => seen.push(x),
    });
    open.push(q);
    await q.connect();
    return q;
  }

  async function noted<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      seen.push(String((err as Error).message));
      throw err;
    }
  }

  /** `streamscope <args>` in-process; exit code and output; stderr is remembered. */
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      const server = ['--url', cluster.nodes[2].url, '--prefix', l.prefix, '--layout', l.layout];
      // `journal` reads a file only.
      const code = await main(args[0] === 'journal' ? args : [...args, ...server]);
      seen.push(err);
      return { code, out, err };
    } finally {
      vi.restoreAllMocks();
    }
  }
  const ok = async (args: string[], journalled = true) => {
    const r = await cli([...args, ...(journalled ? ['--journal', journal] : [])]);
    if (r.code !== 0) throw new Error(`streamscope ${args.join(' ')} → ${r.code}: ${r.err}`);
    expect(r.err).not.toMatch(/CROSSSLOT|MOVED|slots allocation|error/i);
    return r;
  };

  it('the layout puts the streams where it says', () => {
    const slots = new Set(
      [...TYPES.map((t) => keys.typeStream(t)), keys.globalStream].map(keySlot),
    );
    expect(slots.size > 1).toBe(l.layout === 'spread');
    expect(keySlot(keys.deadLetterStream(TYPES[0]))).toBe(keySlot(keys.typeStream(TYPES[0])));
  });

  describe('EventPersistence', () => {
    it('persistEvent, persistEvents, getEvents (type and all)', async () => {
      for (let i = 0; i < 8; i++)
        await noted(p.persistEvent({ eventType: TYPES[i % 4], data: { i } }));
      await noted(p.persistEvents(TYPES.map((t, k) => ({ eventType: t, data: { batch: k } }))));
      expect(await noted(p.getEvents(TYPES[0]))).toHaveLength(3);
      expect(await noted(p.getEvents('all'))).toHaveLength(12);
    });

    it('consumeEvents (with and without idempotency), consumeEventBatches, acks', async () => {
      const c = puller(p.consumeEvents(TYPES, 'w1', fast));
      for (const d of await c.take(12, 15000)) await noted(d.ack());
      await c.close();
      const idem = puller(
        (await inGroup('idem')).consumeEvents(TYPES, 'w-idem', {
          ...fast,
          idempotency: { ttlMs: 60000 },
        }),
      );
      for (const d of await idem.take(12, 15000)) await noted(d.ack());
      await idem.close();
      const b = puller((await inGroup('batches')).consumeEventBatches(TYPES, 'bw', fast));
      let n = 0;
      while (n < 12) {
        const [batch] = await b.take(1, 15000);
        n += batch.deliveries.length;
        await noted(batch.ack());
      }
      await b.close();
      for (const t of TYPES)
        expect((await noted(p.getStreamInfo(t))).consumerGroups.length).toBe(3);
    });

    it('getPendingEvents, getDeadLetters, getStreamInfo (type, all, missing)', async () => {
      await noted(p.persistEvent({ eventType: TYPES[2], data: { pending: true } }));
      const c = puller(p.consumeEvents([TYPES[2]], 'crashed', fast));
      await c.take(1, 15000);
      await c.close();
      const claimed = await noted(p.getPendingEvents(TYPES[2], { idleMs: 0, consumerName: 'r' }));
      expect(claimed).toHaveLength(1);
      await noted(claimed[0].ack());
      expect(await noted(p.getDeadLetters(TYPES[2]))).toEqual([]);
      expect((await noted(p.getStreamInfo('all'))).exists).toBe(true);
      expect((await noted(p.getStreamInfo('never.published'))).exists).toBe(false);
    });

    it('dead letters: an undecodable entry is copied to the DLQ and acked in one MULTI', async () => {
      await raw.xadd(keys.typeStream(TYPES[3]), '*', 'junk', '1');
      const c = puller(p.consumeEvents([TYPES[3]], 'w1', fast));
      // Pulling drives the loop; the junk entry is dead-lettered, never yielded.
      const pulling = c.take(1, 15000).catch(() => []);
      await waitFor(async () => (await p.getDeadLetters(TYPES[3])).length === 1, 15000);
      await c.close();
      await pulling;
    });

    it('replayRange: a sandbox prefix, the same stream, a new group; a type stream and all', async () => {
      for (const stream of [TYPES[0], 'all']) {
        const sandbox = await noted(
          p.replayRange({
            stream,
            from: '0-1',
            to: END,
            target: { kind: 'prefix', prefix: l.sandbox },
          }),
        );
        expect(sandbox.result.replayed).toBeGreaterThan(0);
        const same = await noted(
          p.replayRange({ stream, from: '0-1', to: END, target: { kind: 'same' } }),
        );
        expect(same.result.replayed).toBe(sandbox.result.replayed);
        await noted(
          p.replayRange({
            stream,
            from: '0-1',
            to: END,
            target: { kind: 'group', group: `replay-${stream}` },
          }),
        );
      }
      // A type-stream copy has its global copy (in two transactions in the spread layout).
      const box = createKeySpace(l.sandbox, l.layout);
      // 3 from the type stream, then from all: its 3 of that type + the 3 same-stream copies.
      expect(await raw.xlen(box.typeStream(TYPES[0]))).toBe(3 + 6);
    });

    it('trimOldEvents: plain, and archived first (type stream and all)', async () => {
      expect(await noted(p.trimOldEvents(TYPES[1], { maxAgeDays: 30 }))).toBe(0);
      const archive = join(dir, `lib-${l.layout}`);
      await noted(p.persistEvent({ eventType: 'to.archive', data: {} }));
      await new Promise((r) => setTimeout(r, 20)); // older than "now" by the server's clock
      expect(await noted(p.trimOldEvents('to.archive', { maxAgeDays: 0, archive }))).toBe(1);
      await noted(p.trimOldEvents('all', { maxAgeDays: 30, archive }));
    });
  });

  it('free functions: planReplay / previewReplay / runReplay, restoreFile, readArchiveFile', async () => {
    const plan = await noted(
      planReplay(raw, keys, {
        stream: 'all',
        from: '0-1',
        to: END,
        target: { kind: 'prefix', prefix: `${l.sandbox.replace('events', 'free')}` },
      }),
    );
    const preview = await noted(previewReplay(raw, plan));
    const result = await noted(runReplay(raw, keys, plan, { batchSize: 7 }));
    expect(result.replayed).toBe(preview.count);
    const archive = join(dir, `lib-${l.layout}`);
    const files = readdirSync(join(archive, keys.typeStream('to.archive')));
    const file = join(archive, keys.typeStream('to.archive'), files[0]);
    let n = 0;
    for await (const e of readArchiveFile(file)) n += e.id ? 1 : 0;
    expect(n).toBe(1);
    const restored = await noted(restoreFile(raw, file, `${l.sandbox}to.archive`));
    expect(restored.originalIds + restored.newIds).toBe(1);
  });

  it('PersistentEventBus (every method) and monitorEventsFromRedis', async () => {
    const bus = new PersistentEventBus({
      persistence: await inGroup('bus'),
      logger: (x) => seen.push(x),
    });
    await noted(bus.initialize());
    const off = bus.subscribe('*', () => {});
    const lines: string[] = [];
    const stop = new AbortController();
    const tail = monitorEventsFromRedis(undefined, {
      redisUrl: cluster.nodes[0].url,
      streamPrefix: l.prefix,
      json: true,
      signal: stop.signal,
      blockMs: 100,
      output: (x) => void lines.push(x),
      logger: (x) => seen.push(x),
    });
    await new Promise((r) => setTimeout(r, 300));
    await noted(bus.publish({ eventType: TYPES[0], data: { bus: 1 } }));
    await noted(bus.publishMany(TYPES.map((t) => ({ eventType: t, data: { bus: 2 } }))));
    expect(await noted(bus.replayEvents(TYPES[0]))).toBeGreaterThan(0);
    let handled = 0;
    bus.startConsumer(TYPES, 'bus-w', async () => void handled++, fast);
    await waitFor(() => handled >= 5, 15000);
    await noted(bus.stopConsumer());
    await noted(bus.flush());
    expect(bus.queuedCount).toBe(0);
    off();
    await waitFor(() => lines.length >= 5, 15000);
    stop.abort();
    await tail;
    await noted(bus.close());
  });

  it('getPersistence / publishPersistentEvent / closeSharedPersistence', async () => {
    const options = {
      redisUrl: cluster.nodes[0].url,
      streamPrefix: l.prefix,
      layout: l.layout,
      logger: (x: string) => void seen.push(x),
    };
    const shared = getPersistence(options);
    expect(getPersistence(options)).toBe(shared);
    const before = (await noted(shared.getStreamInfo('all'))).length;
    await noted(publishPersistentEvent({ eventType: TYPES[1], data: { shared: true } }, options));
    expect((await noted(shared.getStreamInfo('all'))).length).toBe(before + 1);
    await noted(closeSharedPersistence());
  });

  describe('CLI verbs, pointed at one node', () => {
    let held: string[] = [];
    const stream = () => keys.typeStream('held');
    beforeAll(async () => {
      for (let i = 0; i < 20; i++) await p.persistEvent({ eventType: 'held', data: { i } });
      await raw.xgroup('CREATE', stream(), 'g', '0');
      const read = (await raw.xreadgroup(
        'GROUP',
        'g',
        'dead-1',
        'COUNT',
        20,
        'STREAMS',
        stream(),
        '>',
      )) as [string, [string, string[]][]][];
      held = read[0][1].map(([id]) => id);
      for (const c of ['w2', 'w3']) await raw.xgroup('CREATECONSUMER', stream(), 'g', c);
    });

    it('status (--json, --check-global) and tail', async () => {
      const s = await ok(['status', '--json', '--check-global'], false);
      const doc = JSON.parse(s.out);
      expect(doc.cluster).toEqual({ masters: 3, replicas: 0 });
      expect(doc.checkGlobal.missing).toEqual([]);
      const stop = new AbortController();
      let out = '';
      let err = '';
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.on('data', (x) => (out += String(x)));
      stderr.on('data', (x) => (err += String(x)));
      const io = { stdout, stderr, signal: stop.signal };
      const tail = runTail(
        ['--json', '--url', cluster.nodes[2].url, '--prefix', l.prefix, '--layout', l.layout],
        io,
      );
      await waitFor(
        async () => {
          await p.persistEvent({ eventType: TYPES[0], data: { tail: true } });
          return out.includes('"type"');
        },
        15000,
        300,
      );
      stop.abort();
      expect(await tail).toBe(0);
      seen.push(err);
      expect(err).toBe('');
    });

    it('export: a type stream, all, and a dead-letter stream', async () => {
      expect((await ok(['export', '--stream', TYPES[0]], false)).out.split('\n')).not.toHaveLength(
        1,
      );
      const all = await ok(['export', '--stream', 'all', '--types', TYPES[1]], false);
      expect(all.out.trim().split('\n').length).toBeGreaterThan(2);
      const dlq = await ok(['export', '--stream', `dlq:${TYPES[3]}`], false);
      // The junk entry, dead-lettered by each group that met it.
      const lines = dlq.out
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x) as { stream: string });
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const x of lines) expect(x.stream).toBe(keys.deadLetterStream(TYPES[3]));
    });

    it('claim, ack, deadletter, consumer delete, group setid, undo, journal', async () => {
      const g = ['--stream', 'held', '--group', 'g'];
      await ok(['claim', ...g, '--to', 'w2', '--ids', held.slice(0, 5).join(','), '--yes']);
      await ok(['ack', ...g, '--ids', held.slice(5, 8).join(','), '--yes']);
      await ok(['deadletter', ...g, '--ids', held.slice(8, 11).join(','), '--yes']);
      expect(await raw.xlen(keys.deadLetterStream('held'))).toBe(3);
      await ok(['consumer', 'delete', ...g, '--consumer', 'w3', '--yes']);
      await ok(['group', 'setid', ...g, '--to', '0', '--yes']);
      const j = JSON.parse((await ok(['journal', '--json'])).out) as {
        records: { id: string; verb: string }[];
      };
      expect(j.records.map((r) => r.verb)).toEqual(
        expect.arrayContaining(['claim', 'ack', 'deadletter', 'delconsumer', 'setid']),
      );
      for (const verb of ['claim', 'deadletter', 'setid']) {
        const rec = j.records.filter((r) => r.verb === verb).at(-1)!;
        await ok(['undo', rec.id, '--yes']);
      }
      // Undoing the deadletter redrove the three copies.
      expect(await raw.xlen(keys.deadLetterStream('held'))).toBe(0);
    });

    it('dlq list, redrive, delete', async () => {
      const g = ['--stream', 'held', '--group', 'g'];
      await ok(['deadletter', ...g, '--ids', held.slice(11, 15).join(','), '--yes']);
      const list = JSON.parse((await ok(['dlq', 'list', '--json'], false)).out) as {
        deadLetters: { id: string }[];
      };
      // Every DLQ under the prefix, whichever master holds it: held's and the junk one.
      expect(list.deadLetters.length).toBeGreaterThanOrEqual(5);
      const mine = JSON.parse(
        (await ok(['dlq', 'list', '--stream', 'held', '--json'], false)).out,
      ) as { deadLetters: { id: string }[] };
      expect(mine.deadLetters).toHaveLength(4);
      await ok(['dlq', 'redrive', '--stream', 'held', '--ids', mine.deadLetters[0].id, '--yes']);
      await ok(['dlq', 'delete', '--stream', 'held', '--all', '--yes']);
      expect(await raw.xlen(keys.deadLetterStream('held'))).toBe(0);
    });

    it('replay (sandbox, same stream, new group), archive, restore', async () => {
      const range = ['--from', '-', '--to', '+'];
      await ok(['replay', '--stream', TYPES[2], ...range, '--to-prefix', l.sandbox, '--yes']);
      await ok(['replay', '--stream', 'all', ...range, '--to-prefix', l.sandbox, '--yes']);
      await ok(['replay', '--stream', TYPES[2], ...range, '--same-stream', '--yes']);
      await ok(['replay', '--stream', 'all', ...range, '--new-group', 'cli-replay', '--yes']);
      const archiveDir = join(dir, `cli-${l.layout}`);
      await p.persistEvent({ eventType: 'cli.archive', data: {} });
      await new Promise((r) => setTimeout(r, 20));
      await ok([
        'archive',
        '--stream',
        'cli.archive',
        '--older-than',
        '0s',
        '--dir',
        archiveDir,
        '--yes',
      ]);
      await ok(['archive', '--stream', 'all', '--older-than', '30d', '--dir', archiveDir, '--yes']);
      expect(await raw.xlen(keys.typeStream('cli.archive'))).toBe(0);
      const sub = join(archiveDir, keys.typeStream('cli.archive'));
      const file = join(sub, readdirSync(sub)[0]);
      await ok(['restore', file, '--to-prefix', l.sandbox, '--yes']);
      await ok(['restore', file, '--original', '--yes']);
      expect(await raw.xlen(keys.typeStream('cli.archive'))).toBe(1);
    });
  });
});

describe('an unbraced prefix in the hash-tag layout on a cluster', () => {
  it('is refused with the fix by every mutating verb (never a CROSSSLOT)', async () => {
    const common = ['--url', cluster.url, '--prefix', 'plain:events:', '--yes', '--no-journal'];
    for (const args of [
      ['deadletter', '--stream', 't', '--group', 'g', '--all'],
      ['dlq', 'redrive', '--stream', 't', '--all'],
      ['replay', '--stream', 't', '--from', '-', '--to', '+', '--same-stream'],
      ['archive', '--stream', 't', '--older-than', '1d', '--dir', dir],
    ]) {
      let err = '';
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
      try {
        expect(await main([...args, ...common])).toBe(1);
      } finally {
        vi.restoreAllMocks();
      }
      expect(err).toMatch(/no hash tag.*"\{plain\}:events:".*--layout spread/);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).not.toMatch(/CROSSSLOT/);
    }
  });
});
