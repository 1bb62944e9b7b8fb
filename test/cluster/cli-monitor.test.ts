/**
 * The CLI commands and the monitor's loops on a 3-master Redis Cluster, in both layouts, pointed
 * at ONE node: status (with --check-global), tail, the poller's discovery and snapshots (streams
 * from every master), the live tail, and the mutations (ack, claim, replay). No CROSSSLOT anywhere.
 */
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeySpace, type KeyLayout } from '../../src/core/keys.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { createBlockingClient, createRedisClient } from '../../src/streams/connection.js';
import { Poller } from '../../src/monitor/poller.js';
import { Tail } from '../../src/monitor/tail.js';
import { createCommands } from '../../src/monitor/commands.js';
import { keySlot } from '../../src/core/hash-slot.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { redisUrl, waitFor } from '../helpers/context.js';
import { freePort } from '../../src/local-redis/private-redis.js';
import { sink } from '../monitor/helpers.js';
import { MAIN } from '../helpers/terminal.js';

let cluster: RunningCluster;
beforeAll(async () => {
  cluster = await startCluster({ masters: 3 });
}, 60000);
afterAll(() => cluster?.stop());

const TYPES = ['asset.discovered', 'asset.processed', 'workflow.failed', 'quality.assessed'];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The built CLI (npm test builds first): a tsx start costs ~10 s on a loaded 2-core box.
  return promisify(execFile)(process.execPath, [MAIN, ...args], {
    cwd: process.cwd(),
    timeout: 30000,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('seeds and --cluster', () => {
  it('several --url seed the client (a dead first seed is skipped); --cluster forces it', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const seeded = await cli(['status', '--url', dead, '--url', cluster.nodes[1].url, '--json']);
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.stdout).cluster).toEqual({ masters: 3, replicas: 0 });
    const forced = await cli(['status', '--url', cluster.nodes[0].url, '--cluster', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).cluster).toEqual({ masters: 3, replicas: 0 });
  });

  it('--cluster on a plain server: one line saying it is not a cluster node, not "None of startup nodes"', async () => {
    const r = await cli(['status', '--url', redisUrl(), '--cluster']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^streamscope status: redis:\/\/127\.0\.0\.1:\d+ is not a Redis Cluster node \(redis_mode:standalone\): drop --cluster/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

const layouts: { layout: KeyLayout; prefix: string }[] = [
  { layout: 'hash-tag', prefix: '{cli}:events:' },
  { layout: 'spread', prefix: 'cli:events:' },
];

describe.each(layouts)('on a cluster, $layout layout', ({ layout, prefix }) => {
  let p: EventPersistence;
  beforeAll(async () => {
    p = new EventPersistence({ redisUrl: cluster.url, streamPrefix: prefix, layout });
    await p.connect();
    for (let i = 0; i < 40; i++) await p.persistEvent({ eventType: TYPES[i % 4], data: { i } });
  });
  afterAll(() => p?.disconnect());
  const flags = ['--prefix', prefix, '--layout', layout];

  it('status shows the topology and the streams of every master; --check-global finds a missing copy', async () => {
    const url = cluster.nodes[2].url; // any one node
    const ok = await cli(['status', '--url', url, ...flags, '--check-global']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/at redis:\/\/127\.0\.0\.1:\d+ \(cluster: 3 masters, 0 replicas\)/);
    for (const t of TYPES) expect(ok.stdout).toContain(`${prefix}${t}`);
    expect(ok.stdout).toContain(`${prefix}all`);
    expect(ok.stdout).toMatch(/check-global: 40 type-stream entries .*: 0 missing/);
    // A half-written publish (type stream only), as a crash between the two steps leaves it.
    const raw = createRedisClient({ url, cluster: true });
    await raw.connect();
    const json = JSON.stringify({ event_id: 'half-written', event_type: TYPES[0] });
    const id = String(await raw.xadd(`${prefix}${TYPES[0]}`, '*', 'event', json));
    const bad = await cli(['status', '--url', url, ...flags, '--check-global', '--json']);
    await raw.xdel(`${prefix}${TYPES[0]}`, id);
    raw.disconnect();
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout);
    expect(doc.cluster).toEqual({ masters: 3, replicas: 0 });
    expect(doc.checkGlobal.missing).toEqual([
      { stream: `${prefix}${TYPES[0]}`, id, eventId: 'half-written' },
    ]);
  });

  it('tail --json follows the global stream through one node', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, 'tail', '--json', '--url', cluster.nodes[1].url, ...flags],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    try {
      // Publish until the tail (which starts at `$`) has printed some of them.
      await waitFor(
        async () => {
          await p.persistEvent({ eventType: TYPES[3], data: { tail: true } });
          return out.split('\n').filter(Boolean).length >= 2;
        },
        20000,
        300,
      );
      const line = JSON.parse(out.split('\n')[0]);
      expect(line.type).toBe(TYPES[3]);
      expect(err).not.toMatch(/CROSSSLOT|error/i);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('the monitor loops: snapshots from every master in one round trip per node, a live tail, and ack/claim/replay', async () => {
    const keys = createKeySpace(prefix, layout);
    const s = sink();
    const poller = new Poller({
      createClient: () => createRedisClient({ url: cluster.nodes[0].url, cluster: true }),
      keys,
      emit: s.emit,
      refreshMs: 200,
    });
    const tail = new Tail({
      createClient: () => createBlockingClient({ url: cluster.nodes[0].url, cluster: true }),
      keys,
      emit: s.emit,
      since: '0',
      blockMs: 200,
    });
    const shared = createRedisClient({ url: cluster.nodes[0].url, cluster: true, failFast: false });
    try {
      await poller.start();
      await tail.start();
      const snap = await waitFor(() => {
        const last = s.of('SnapshotReceived').at(-1);
        return last && last.streams.length >= 5 ? last : undefined;
      }, 15000);
      if (!snap) throw new Error('no snapshot');
      expect(snap.streams.map((x) => x.key).sort()).toEqual(
        [...TYPES.map((t) => `${prefix}${t}`), `${prefix}all`].sort(),
      );
      expect(snap.server.cluster).toEqual({ masters: 3, replicas: 0 });
      // Streams on n nodes: n pipelines (+1 for CLUSTER NODES, +1 server facts on the first).
      const nodes = new Set(snap.streams.map((x) => keySlot(x.key))).size;
      expect(snap.roundTrips).toBeLessThanOrEqual(3 * 2 + 3 + 2);
      if (layout === 'hash-tag') expect(nodes).toBe(1);
      await waitFor(() => s.events().length >= 40, 15000);

      // Mutations, routed by slot.
      await shared.connect();
      const commands = createCommands({ client: shared, keys, emit: s.emit });
      const key = `${prefix}${TYPES[1]}`;
      await shared.xgroup('CREATE', key, 'g', '0');
      const read = (await shared.xreadgroup(
        'GROUP',
        'g',
        'w1',
        'COUNT',
        3,
        'STREAMS',
        key,
        '>',
      )) as [string, [string, string[]][]][];
      const ids = read[0][1].map(([id]) => id);
      // A claim targets an existing consumer (the monitor refuses to create one by a typo).
      await shared.xgroup('CREATECONSUMER', key, 'g', 'w2');
      await commands.run({
        kind: 'claim',
        stream: key,
        group: 'g',
        consumer: 'w2',
        ids: ids.slice(0, 2),
      });
      await commands.run({ kind: 'ack', stream: key, group: 'g', ids });
      await commands.run({ kind: 'replay', stream: key, group: '', ids: ids.slice(0, 1) });
      const done = s.of('CommandCompleted').map((m) => m.command);
      expect(done).toEqual(['claim', 'ack', 'replay']);
      expect(s.of('CommandFailed')).toEqual([]);
      expect(
        s
          .of('SnapshotFailed')
          .map((m) => m.error.message)
          .join(' '),
      ).not.toMatch(/CROSSSLOT/);
    } finally {
      await Promise.all([poller.close(), tail.close()]);
      shared.disconnect();
    }
  });
});
