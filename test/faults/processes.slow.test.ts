/**
 * Slow fault tests (`npm run test:faults`): kill -9 of consumer processes mid-handler, and a
 * redis-server restart with AOF (appendfsync always) under consumers and the monitor's loops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { createBlockingClient, createRedisClient } from '../../src/streams/connection.js';
import { createKeySpace } from '../../src/core/keys.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { Tail } from '../../src/monitor/tail.js';
import { Poller } from '../../src/monitor/poller.js';
import { FaultServer, Ledger, sleep, trapUnhandled, waitFor } from './harness.js';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function startWorker(url: string, name: string, ledger: Ledger): ChildProcess {
  const child = spawn(process.execPath, [WORKER, url, 'k:', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [kind, id] = buf.slice(0, nl).split(' ');
      buf = buf.slice(nl + 1);
      if (kind === 'DLV') ledger.delivered(id);
      else if (kind === 'ACK') ledger.ackedOnce(id);
    }
  });
  return child;
}

describe('faults (slow)', () => {
  it('kill -9 of consumer processes mid-handler, repeatedly, restarted under the same names: 6,000 events, none lost', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start();
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const p = new EventPersistence({ redisUrl: server.url, streamPrefix: 'k:', logger: () => {} });
    await p.connect();
    cleanup.push(() => p.disconnect());
    const ledger = new Ledger();
    const names = ['w1', 'w2'];
    const workers = new Map(names.map((n) => [n, startWorker(server.url, n, ledger)]));
    cleanup.push(() => workers.forEach((w) => w.kill('SIGKILL')));
    let publishing = true;
    const producer = (async () => {
      for (let i = 0; i < 6000; i++) {
        ledger.published.add(await p.persistEvent({ eventType: 't', data: { i } }));
        if (i % 200 === 0) await sleep(20);
      }
      publishing = false;
    })();
    let kills = 0;
    while (publishing || kills < 6) {
      await sleep(700);
      const name = names[kills % names.length];
      workers.get(name)!.kill('SIGKILL');
      kills++;
      workers.set(name, startWorker(server.url, name, ledger)); // same name: its own PEL first
    }
    await producer;
    const t0 = Date.now();
    await waitFor(
      async () =>
        [...ledger.published].every((id) => ledger.deliveries.has(id)) &&
        Number((await admin.xpending('k:t', 'alice-main'))[0]) === 0,
      60_000,
    );
    const drainMs = Date.now() - t0;
    const unconfirmed = [...ledger.published].filter((id) => !ledger.acked.has(id)).length;
    const r = ledger.report();
    console.log(
      `fault: kill -9 ×${kills}: ${JSON.stringify({ published: r.published, missing: r.missing.length, duplicates: r.duplicates, ackReplyLost: unconfirmed, drainMs })}`,
    );
    // Every event delivered and nothing pending: acked (some acks' replies died with the process).
    expect([...ledger.published].filter((id) => !ledger.deliveries.has(id))).toEqual([]);
    expect(r.ackedTwice).toEqual([]);
    expect(trap.stop()).toEqual([]);
  }, 120_000);

  it('restart with AOF (appendfsync always) under consumers and the monitor loops: nothing lost, both resume', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start(['appendonly yes', 'appendfsync always']);
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
    const logs: string[] = [];
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: 'a:',
      logger: (l) => logs.push(l),
    });
    await p.connect();
    cleanup.push(() => p.disconnect());
    const ledger = new Ledger();
    const controller = new AbortController();
    const consuming = (async () => {
      for await (const d of p.consumeEvents(['t'], 'w', {
        blockMs: 300,
        claimIdleMs: 2000,
        claimEveryMs: 500,
        signal: controller.signal,
      })) {
        ledger.delivered(d.messageId);
        await d.ack().then(
          () => ledger.ackedOnce(d.messageId),
          () => {},
        );
      }
    })();
    // The monitor's two loops, as the TUI runs them.
    const messages: MonitorMessage[] = [];
    const keys = createKeySpace('a:');
    const tail = new Tail({
      createClient: () => createBlockingClient({ url: server.url }),
      keys,
      emit: (m) => messages.push(m),
    });
    const poller = new Poller({
      createClient: () => createRedisClient({ url: server.url }),
      keys,
      emit: (m) => messages.push(m),
      refreshMs: 200,
    });
    await tail.start();
    await poller.start();
    cleanup.push(async () => {
      await tail.close();
      await poller.close();
    });
    const seen = () =>
      messages
        .filter((m) => m.type === 'EventsReceived')
        .reduce((n, m) => n + (m.type === 'EventsReceived' ? m.events.length : 0), 0);
    for (let i = 0; i < 500; i++)
      ledger.published.add(await p.persistEvent({ eventType: 't', data: { i } }));
    await waitFor(() => ledger.acked.size >= 500 && seen() >= 500, 20_000);
    await server.kill('SIGKILL');
    await sleep(1500);
    await server.restart();
    const back = Date.now();
    const after: string[] = [];
    for (let i = 0; i < 500; i++) {
      for (;;) {
        try {
          after.push(await p.persistEvent({ eventType: 't', data: { i, after: true } }));
          break;
        } catch {
          await sleep(50);
        }
      }
    }
    after.forEach((id) => ledger.published.add(id));
    await waitFor(
      async () =>
        [...ledger.published].every((id) => ledger.deliveries.has(id)) &&
        Number((await admin.xpending('a:t', 'alice-main'))[0]) === 0,
      30_000,
    );
    const resumeMs = Date.now() - back;
    await waitFor(() => seen() >= 1000, 20_000);
    const countSnapshotsAfter = () =>
      messages.filter((m) => m.type === 'SnapshotReceived' && m.at > back).length;
    // On a quiet machine the rest can finish before the poller's first snapshot after its
    // reconnect backoff: wait for one (bounded) instead of sampling too early.
    await waitFor(() => countSnapshotsAfter() > 0, 10_000).catch(() => {});
    const snapshotsAfter = countSnapshotsAfter();
    const states = messages
      .filter((m) => m.type === 'ConnectionChanged')
      .map((m) => (m.type === 'ConnectionChanged' ? `${m.loop}:${m.state}` : ''));
    controller.abort();
    await consuming;
    console.log(
      `fault: restart with AOF: ${JSON.stringify({ published: ledger.published.size, duplicates: ledger.report().duplicates, resumeMs, tailSeen: seen(), snapshotsAfter })}`,
    );
    expect(ledger.report().ackedTwice).toEqual([]);
    expect(seen()).toBeGreaterThanOrEqual(1000); // the tail missed nothing across the restart
    expect(snapshotsAfter).toBeGreaterThan(0); // the poller (pane 2) keeps refreshing
    expect(states).toContain('tail:reconnecting');
    expect(states.lastIndexOf('tail:connected')).toBeGreaterThan(
      states.lastIndexOf('tail:reconnecting'),
    );
    expect(logs.filter((l) => /NOGROUP|was deleted/.test(l))).toEqual([]); // AOF kept the group
    expect(trap.stop()).toEqual([]);
  }, 120_000);
});
