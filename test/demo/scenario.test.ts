/**
 * A short run of the demo's traffic and workers against the harness redis-server, under a
 * prefix of its own: history, a slow group falling behind, a crashed consumer's pending entries
 * getting older, and the poison message dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { rawClient, redisUrl, sleep, uniquePrefix, waitFor } from '../helpers/context.js';
import {
  CRASH_GROUP,
  CRASHED_CONSUMER,
  HEALTHY_GROUP,
  SLOW_GROUP,
  SLOW_TYPES,
  WORKFLOW_TYPES,
  startDemoTraffic,
  type DemoHandle,
} from '../../src/demo/scenario.js';
import { isPoison } from '../../src/demo/payloads.js';
import { run as status } from '../../src/cli/status.js';

const prefix = uniquePrefix('demo');
let demo: DemoHandle;
let redis: Redis;
const logs: string[] = [];

/** Sum of a group's lag over some type streams (XINFO GROUPS; null lag counts as a failure). */
async function lag(group: string, types: string[]): Promise<number> {
  let total = 0;
  for (const t of types) {
    const groups = (await redis.call('XINFO', 'GROUPS', `${prefix}${t}`)) as unknown[][];
    const g = groups
      .map((flat) =>
        Object.fromEntries(
          Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]),
        ),
      )
      .find((x) => x.name === group);
    if (!g || g.lag === null) throw new Error(`no lag for ${group} on ${t}`);
    total += Number(g.lag);
  }
  return total;
}

/** The crashed consumer's pending entries over the workflow streams: [count, max idle ms]. */
async function crashedPending(): Promise<[number, number]> {
  let count = 0,
    idle = 0;
  for (const t of WORKFLOW_TYPES) {
    const rows = (await redis.xpending(
      `${prefix}${t}`,
      CRASH_GROUP,
      '-',
      '+',
      1000,
      CRASHED_CONSUMER,
    )) as [string, string, number, number][];
    count += rows.length;
    for (const r of rows) idle = Math.max(idle, Number(r[2]));
  }
  return [count, idle];
}

beforeAll(async () => {
  redis = rawClient();
  demo = await startDemoTraffic({
    url: redisUrl(),
    prefix,
    seed: 42,
    rate: 200,
    history: 400,
    poisonEveryMs: 0,
    retryIdleMs: 100,
    slowMs: 100,
    crashAfter: 10,
    log: (l) => logs.push(l),
  });
});

afterAll(async () => {
  await demo?.stop();
  redis?.disconnect();
});

describe('demo traffic and workers', () => {
  it('seeds history through the library: every type stream and the global stream', async () => {
    expect(await redis.xlen(`${prefix}all`)).toBeGreaterThanOrEqual(400);
    expect(await redis.xlen(`${prefix}asset.discovered`)).toBeGreaterThan(0);
    expect(await redis.xlen(`${prefix}workflow.started`)).toBeGreaterThan(0);
    const [[, fields]] = await redis.xrange(`${prefix}all`, '-', '+', 'COUNT', 1);
    expect(fields[0]).toBe('event');
    expect(fields[2]).toBe('type');
    expect(JSON.parse(fields[1]).event_type).toBe(fields[3]);
  });

  it('keeps producing, and the slow group falls further behind', async () => {
    const len1 = await redis.xlen(`${prefix}all`);
    const lag1 = await lag(SLOW_GROUP, SLOW_TYPES);
    await sleep(1200);
    expect(await redis.xlen(`${prefix}all`)).toBeGreaterThan(len1 + 100);
    const lag2 = await lag(SLOW_GROUP, SLOW_TYPES);
    expect(lag2).toBeGreaterThan(lag1 + 20);
    // The healthy group keeps up meanwhile (its lag is a small fraction of the slow one's).
    expect(await lag(HEALTHY_GROUP, SLOW_TYPES)).toBeLessThan(lag2 / 4);
    expect(demo.stats.workers['thumb-1'].handled).toBeGreaterThan(0);
  });

  it("status --fail-if 'lag>100' exits 1 on the demo's slow group, 0 with a threshold above its lag", async () => {
    const statusOf = async (args: string[]) => {
      let out = '';
      const spy = vi
        .spyOn(process.stdout, 'write')
        .mockImplementation((c) => ((out += String(c)), true));
      try {
        return { code: await status(['--url', redisUrl(), '--prefix', prefix, ...args]), out };
      } finally {
        spy.mockRestore();
      }
    };
    const slow = await statusOf(['--fail-if', 'lag>100']);
    expect(slow.code).toBe(1);
    for (const t of SLOW_TYPES)
      expect(slow.out).toMatch(new RegExp(`FAILED lag>100: ${SLOW_GROUP} on ${t}: lag [\\d,]+`));
    const doc = JSON.parse((await statusOf(['--json'])).out) as {
      groups: { group: string; lag: number | null }[];
    };
    const most = Math.max(...doc.groups.map((g) => g.lag ?? 0));
    expect(most).toBeGreaterThan(100);
    // Above the slow group's lag (it grows ~20/s here; the pass takes about a second).
    const above = await statusOf(['--fail-if', `lag>${most + 5000}`]);
    expect(above.out).not.toContain('FAILED');
    expect(above.code).toBe(0);
  });

  it("leaves the crashed consumer's entries pending, untouched, with idle time rising", async () => {
    await waitFor(() => demo.stats.workers[CRASHED_CONSUMER].crashed, 5000);
    const [n1, idle1] = (await waitFor(async () => {
      const r = await crashedPending();
      return r[0] > 0 ? r : null;
    }))!;
    await sleep(400);
    const [n2, idle2] = await crashedPending();
    expect(n2).toBe(n1);
    expect(idle2).toBeGreaterThanOrEqual(idle1 + 300);
    expect(demo.stats.workers['tracker-2'].handled).toBeGreaterThan(0);
  });

  it('dead-letters the poison message after maxDeliveries failed deliveries', async () => {
    const dlq = `${prefix}dlq:asset.processed`;
    const entries = (await waitFor(async () => {
      const e = await redis.xrange(dlq, '-', '+');
      return e.length > 0 ? e : null;
    }, 10000))!;
    const f = Object.fromEntries(
      Array.from({ length: entries[0][1].length / 2 }, (_, i) => [
        entries[0][1][2 * i],
        entries[0][1][2 * i + 1],
      ]),
    );
    expect(f.dlq_group).toBe(HEALTHY_GROUP);
    expect(Number(f.dlq_delivery_count)).toBeGreaterThan(5);
    expect(isPoison(JSON.parse(f.event))).toBe(true);
    // Acknowledged in the same step: no longer pending in the healthy group.
    const pending = await redis.xpending(
      `${prefix}asset.processed`,
      HEALTHY_GROUP,
      f.dlq_original_id,
      f.dlq_original_id,
      1,
    );
    expect(pending).toEqual([]);
    expect(
      demo.stats.workers['indexer-1'].failed + demo.stats.workers['indexer-2'].failed,
    ).toBeGreaterThanOrEqual(5);
  });

  it('stops promptly and closes its connections', async () => {
    const t0 = Date.now();
    await demo.stop();
    expect(Date.now() - t0).toBeLessThan(2500);
    const written = demo.stats.producer.written;
    await sleep(200);
    expect(demo.stats.producer.written).toBe(written);
  });
});
