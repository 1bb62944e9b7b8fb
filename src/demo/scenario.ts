/**
 * The demo's world on one server: history, a steady producer, and three consumer groups that
 * each show something the monitor is for —
 *   alice-main         healthy (indexer-1, indexer-2 on every type); it rejects the poison
 *                      message, which the library redelivers until it is dead-lettered
 *                      into <prefix>dlq:asset.processed;
 *   thumbnailer        slow (thumb-1, fixed ms per event), so its lag keeps growing;
 *   workflow-tracker   tracker-1 crashes early holding a batch unacknowledged (idle rising,
 *                      ready to be claimed); tracker-2 carries on and never claims them.
 * All of it goes through the library (EventPersistence), one instance per group.
 */
import { EventPersistence } from '../streams/event-persistence.js';
import { createTrafficModel, DEMO_EVENT_TYPES } from './traffic-model.js';
import { newProducerStats, runProducer, seedHistory, type ProducerStats } from './producer.js';
import {
  indexAsset,
  runWorker,
  slowHandler,
  type WorkerSpec,
  type WorkerStats,
} from './workers.js';

export const HEALTHY_GROUP = 'alice-main';
export const SLOW_GROUP = 'thumbnailer';
export const CRASH_GROUP = 'workflow-tracker';
export const CRASHED_CONSUMER = 'tracker-1';
export const SLOW_TYPES = ['asset.discovered', 'asset.processed'];
export const WORKFLOW_TYPES = [
  'workflow.started',
  'workflow.step_completed',
  'workflow.completed',
  'workflow.failed',
];

export interface DemoOptions {
  url: string;
  prefix: string;
  seed: number;
  /** Events per second outside bursts. */
  rate: number;
  /** Events written before the workers start. Default 3000. */
  history?: number;
  /** A poison message every this many ms of live traffic (one is always in the history); 0 for none. Default 30000. */
  poisonEveryMs?: number;
  /** A failed delivery is retried after this long, ms (claimIdleMs of the healthy group). Default 1000. */
  retryIdleMs?: number;
  /** The slow group's time per event, ms. Default 50 (20 events/s). */
  slowMs?: number;
  /** Deliveries tracker-1 handles before it crashes. Default 50. */
  crashAfter?: number;
  log(line: string): void;
}

export interface DemoStats {
  producer: ProducerStats;
  workers: Record<string, WorkerStats>;
}

export interface DemoHandle {
  stats: DemoStats;
  /** Stops producer and workers and closes every connection. Idempotent. */
  stop(): Promise<void>;
}

export async function startDemoTraffic(o: DemoOptions): Promise<DemoHandle> {
  const open: EventPersistence[] = [];
  const persistence = async (group: string): Promise<EventPersistence> => {
    const p = new EventPersistence({
      redisUrl: o.url,
      streamPrefix: o.prefix,
      consumerGroup: group,
      logger: o.log,
    });
    open.push(p);
    await p.connect();
    return p;
  };
  const controller = new AbortController();
  const signal = controller.signal;
  const running: Promise<void>[] = [];
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      controller.abort();
      // Loops end promptly on abort (blocking reads are cut by closing their connection);
      // the cap only guards against a wedged handler.
      await Promise.race([
        Promise.allSettled(running),
        new Promise((r) => setTimeout(r, 2000).unref()),
      ]);
      await Promise.allSettled(open.map((p) => p.disconnect()));
    })());

  const stats: DemoStats = { producer: newProducerStats(), workers: {} };
  try {
    const model = createTrafficModel(o.seed);
    const producer = await persistence(HEALTHY_GROUP);
    const history = o.history ?? 3000;
    await seedHistory(
      producer,
      model,
      history,
      stats.producer,
      history > 0 ? [Math.floor(history / 2)] : [],
    );

    const retryIdleMs = o.retryIdleMs ?? 1000;
    const workers: [string, WorkerSpec][] = [
      ...['indexer-1', 'indexer-2'].map((consumer): [string, WorkerSpec] => [
        HEALTHY_GROUP,
        {
          consumer,
          types: [...DEMO_EVENT_TYPES],
          handle: indexAsset,
          consume: { blockMs: 500, count: 50, claimIdleMs: retryIdleMs, claimEveryMs: retryIdleMs },
        },
      ]),
      [
        SLOW_GROUP,
        {
          consumer: 'thumb-1',
          types: SLOW_TYPES,
          handle: slowHandler(o.slowMs ?? 50, signal),
          consume: { blockMs: 500, count: 10, claimIdleMs: 0 },
        },
      ],
      [
        CRASH_GROUP,
        {
          consumer: CRASHED_CONSUMER,
          types: WORKFLOW_TYPES,
          handle: async () => {},
          crashAfter: o.crashAfter ?? 50,
          // A large batch, so the crash strands a clearly visible pile (up to 50 per stream).
          consume: { blockMs: 500, count: 50, claimIdleMs: 0 },
        },
      ],
      // claimIdleMs 0: tracker-2 never claims tracker-1's entries, so they wait for a person
      // in the monitor (pane 3, `c`).
      [
        CRASH_GROUP,
        {
          consumer: 'tracker-2',
          types: WORKFLOW_TYPES,
          handle: async () => {},
          consume: { blockMs: 500, count: 25, claimIdleMs: 0 },
        },
      ],
    ];
    const byGroup = new Map<string, EventPersistence>();
    for (const [group, spec] of workers) {
      if (!byGroup.has(group)) byGroup.set(group, await persistence(group));
      const s: WorkerStats = { handled: 0, failed: 0, crashed: false };
      stats.workers[spec.consumer] = s;
      running.push(runWorker(byGroup.get(group)!, spec, signal, s, o.log));
    }
    running.push(
      runProducer(
        producer,
        model,
        { rate: o.rate, seed: o.seed, poisonEveryMs: o.poisonEveryMs ?? 30000, log: o.log },
        signal,
        stats.producer,
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { stats, stop };
}
