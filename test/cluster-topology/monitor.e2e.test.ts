/**
 * Slow topology test (npm run test:cluster): the real monitor (dist/cli/main.js) in tmux, pointed
 * at ONE node of a 3-master cluster with a replica each (spread layout). It shows the streams of
 * every master and the live events; while the global stream's slot migrates (the tail's stream)
 * and while a master is killed (kill -9) and its replica promoted, it keeps drawing (the status
 * bar is on every frame sampled), and afterwards it shows events published after the change and
 * the new topology.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/core/hash-slot.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/context.js';
import { MAIN, Terminal, hasTmux } from '../helpers/terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PREFIX = 'tm:events:';

let cluster: RunningCluster;
let term: Terminal | null = null;
let producer: EventPersistence | null = null;
let producing = false;
let loop: Promise<void> = Promise.resolve();
let published = 0;

/** The highest `seq-<n>` on the screen (the live pane previews each event's data). */
function maxSeq(screen: string): number {
  let max = -1;
  for (const m of screen.matchAll(/seq-(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

describe.skipIf(!hasTmux)('the monitor on a Redis Cluster (tmux)', () => {
  beforeAll(async () => {
    if (!existsSync(MAIN))
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
    cluster = await startCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
  }, 180_000);
  afterAll(async () => {
    producing = false;
    await loop;
    await producer?.disconnect();
    term?.kill();
    await cluster?.stop();
  });

  it('streams from all masters, live events; keeps drawing through a reshard and a failover', async () => {
    // One type stream on each master (the spread layout hashes each stream on its name).
    const owners = new Map<number, string>();
    for (let i = 0; owners.size < 3 && i < 200; i++) {
      const t = `kind${i}.seen`;
      const port = (await cluster.ownerOf(keySlot(`${PREFIX}${t}`))).port;
      if (!owners.has(port)) owners.set(port, t);
    }
    const types = [...owners.values()];
    expect(types).toHaveLength(3);
    producer = new EventPersistence({
      redisUrl: cluster.url,
      streamPrefix: PREFIX,
      layout: 'spread',
      logger: () => {},
    });
    await producer.connect();
    producing = true;
    const p = producer;
    // A steady trickle; a publish that fails (the failover window) is tried again.
    loop = (async () => {
      while (producing) {
        const n = published;
        try {
          await p.persistEvent({ eventType: types[n % 3], data: { seq: `seq-${n}` } });
          published++;
        } catch {
          await sleep(200);
        }
        await sleep(40);
      }
    })();

    term = new Terminal(160, 45);
    const node = cluster.nodes[1]; // one node is enough
    term.start(['--url', node.url, '--prefix', PREFIX, '--layout', 'spread']);
    await term.waitFor(
      (s) => s.includes('● connected') && s.includes('cluster: 3 masters, 3 replicas'),
      'connected to the cluster',
      30_000,
    );
    term.keys('2');
    await term.waitFor(
      (s) => types.every((t) => s.includes(t)) && s.includes(`${PREFIX}all`),
      'the streams of all three masters',
      20_000,
    );
    term.keys('1');
    await term.waitFor((s) => maxSeq(s) >= 0, 'live events', 20_000);

    /** While `change` runs: every sampled frame still has the status bar; then newer events. */
    const survives = async (what: string, change: () => Promise<void>, timeoutMs: number) => {
      let frames = 0;
      let blank = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          const s = term!.screen();
          frames++;
          if (!/[●◌✖] /.test(s)) blank++;
          await sleep(200);
        }
      })();
      await change();
      const after = published;
      await term!.waitFor(
        (s) => maxSeq(s) >= after + 2,
        `events published after the ${what}`,
        timeoutMs,
      );
      running = false;
      await sampler;
      console.log(
        `monitor e2e: ${what}: ${frames} frames sampled, ${blank} without a status bar; events shown again past seq ${after}`,
      );
      expect(blank).toBe(0);
    };

    // A reshard: the global stream's slot (the live tail reads it) moves to another master.
    const globalSlot = keySlot(`${PREFIX}all`);
    await survives(
      'reshard',
      async () => {
        const from = await cluster.ownerOf(globalSlot);
        const to = (await cluster.roles()).masters.find((m) => m.port !== from.port)!;
        await cluster.migrateSlot(globalSlot, to, { batch: 1, pauseMs: 1500 });
        expect((await cluster.ownerOf(globalSlot)).port).toBe(to.port);
      },
      30_000,
    );

    // A failover: kill -9 the master that now serves the global stream; its replica takes over.
    await survives(
      'failover',
      async () => {
        const victim = await cluster.ownerOf(globalSlot);
        cluster.kill(victim);
        await cluster.waitHealthy(60_000);
        expect((await cluster.ownerOf(globalSlot)).port).not.toBe(victim.port);
      },
      60_000,
    );
    // The status bar shows the new topology (the dead master is no longer counted).
    await term.waitFor(
      (s) => s.includes('cluster: 3 masters, 2 replicas') && s.includes('● connected'),
      'the topology after the failover',
      30_000,
    );
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit', 10_000);
  }, 300_000);
});
