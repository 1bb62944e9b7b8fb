/**
 * The status bar on a Redis Cluster: the topology, and — with `--read-from replicas` — where the
 * snapshot really read: streams whose slot has no replica in the client's slot map are read from
 * their master, and the bar says so instead of implying replicas.
 */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterFacts, MonitorMessage } from '../../src/core/messages.js';
import { events, triageSnapshot } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

function clusterSnapshot(cluster: ClusterFacts): MonitorMessage {
  const s = triageSnapshot();
  if (s.type !== 'SnapshotReceived') throw new Error('not a snapshot');
  return { ...s, server: { ...s.server, cluster } };
}

const base = () => [connected('tail'), connected('poller'), events(0, 5)];

describe('status bar on a cluster', () => {
  it('the topology; reads from masters: no --read-from replicas segment', async () => {
    m = mount(
      [...base(), clusterSnapshot({ masters: 3, replicas: 3 })],
      {},
      { width: 120, height: 30 },
    );
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  0 ev/s  cluster: 3 masters, 3 replicas  held 5  snapshot 0.4s ago',
    );
  });

  it('--read-from replicas, a slot map without the replicas yet: how many streams read from masters', async () => {
    m = mount(
      [
        ...base(),
        clusterSnapshot({ masters: 3, replicas: 3, replicaReads: { replicas: 1, masters: 3 } }),
      ],
      {},
      { width: 120, height: 30 },
    );
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  0 ev/s  cluster: 3 masters, 3 replicas  reads: 3/4 on masters (no replica known)  held 5  snapshot 0.4s ago',
    );
    // Next snapshot, the map names them: the warning goes, "reads: replicas" stays where room is.
    m.store.dispatch(
      clusterSnapshot({ masters: 3, replicas: 3, replicaReads: { replicas: 4, masters: 0 } }),
    );
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  0 ev/s  cluster: 3 masters, 3 replicas  reads: replicas  held 5  snapshot 0.4s ago',
    );
  });

  it('a cluster without replicas: "no replicas"; at 80 columns the warning outranks the topology', async () => {
    m = mount([
      ...base(),
      clusterSnapshot({ masters: 3, replicas: 0, replicaReads: { replicas: 0, masters: 4 } }),
    ]);
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  0 ev/s  reads: 4/4 on masters (no replicas)  snapshot 0.4s ago',
    );
  });
});
