/**
 * bulk actions: 100,000 pending entries acknowledged and claimed through the bulk executors (the
 * same plans the CLI and the monitor run: a whole-PEL scan by rule, then XACK / XCLAIM … JUSTID
 * in calls of 1,000 IDs), against raw XACK / XCLAIM batches of 1,000 IDs sent by a bare ioredis
 * client in the same run (IDs known up front, no scan, no progress, no journal).
 */
import type { Redis } from 'ioredis';
import type { Benchmark, BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client } from './lib/redis.js';
import { summarize, fmtSummary, fmt } from './lib/stats.js';
import { buildPel } from './lib/preload.js';
import { createKeySpace } from '../src/core/keys.js';
import { parseRule } from '../src/core/pel-rule.js';
import { planAck, planClaim } from '../src/monitor/bulk/plans.js';
import type { BulkContext } from '../src/monitor/bulk/context.js';

const GROUP = 'workers';
const BATCH = 1000;

async function pelIds(r: Redis, key: string): Promise<string[]> {
  const ids: string[] = [];
  let start = '-';
  for (;;) {
    const rows = (await r.xpending(key, GROUP, start, '+', 10_000)) as [string][];
    for (const [id] of rows) ids.push(id);
    if (rows.length < 10_000) return ids;
    start = `(${rows[rows.length - 1][0]}`;
  }
}

async function rawAck(r: Redis, key: string, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += BATCH)
    n += Number(await r.xack(key, GROUP, ...ids.slice(i, i + BATCH)));
  return n;
}

async function rawClaim(r: Redis, key: string, ids: string[], to: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += BATCH)
    n += ((await r.xclaim(key, GROUP, to, 0, ...ids.slice(i, i + BATCH), 'JUSTID')) as unknown[])
      .length;
  return n;
}

export const benchmark: Benchmark = {
  name: 'bulk',
  title: 'bulk actions: ack and claim of 100,000 pending entries',
  async run(ctx: BenchContext) {
    const n = ctx.quick ? 20_000 : 100_000;
    const section = emptySection(
      'bulk',
      this.title,
      `A private redis-server; before each measurement a fresh PEL of ${fmt(n)} small seed-format entries held by one consumer ` +
        `(built server-side with Lua; a second consumer exists as the claim target). **streamscope**: \`planAck\` / \`planClaim\` ` +
        '(monitor/bulk/plans.ts: the whole-PEL XPENDING scan by the rule `all`, in pages of 1,000) and `run()` (XACK / XCLAIM … JUSTID, ' +
        '1,000 IDs per call, progress after each batch), timed from the start of the plan to the end of the run. **raw**: the IDs read ' +
        'beforehand (not timed), then XACK / XCLAIM … JUSTID of 1,000 IDs per call from a bare ioredis client, one call after another. ' +
        `${ctx.runs} repetitions of each, alternating; medians.`,
    );
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const r = client(server, 'bench-bulk');
    ctx.onCleanup(() => void r.disconnect());
    const keys = createKeySpace('bulk:events:');
    const ctxB: BulkContext = { client: r, keys, display: server.url, secrets: [] };
    const rule = parseRule('all');
    if (!rule.ok) throw new Error(rule.error);
    const key = keys.typeStream('asset.discovered');

    const fresh = async () => {
      await r.del(key);
      await buildPel(r, key, GROUP, n, 1);
      await r.xgroup('CREATECONSUMER', key, GROUP, 'target');
    };
    const times = {
      ack: [] as number[],
      rawAck: [] as number[],
      claim: [] as number[],
      rawClaim: [] as number[],
    };
    for (let i = 0; i < ctx.runs; i++) {
      await fresh();
      let t = performance.now();
      const a = await planAck(ctxB, { stream: key, group: GROUP, rule: rule.rule });
      const ar = await a.run();
      times.ack.push(performance.now() - t);
      if (ar.done !== n) throw new Error(`bulk ack did ${ar.done} of ${n}`);

      await fresh();
      let ids = await pelIds(r, key);
      t = performance.now();
      if ((await rawAck(r, key, ids)) !== n) throw new Error('raw ack incomplete');
      times.rawAck.push(performance.now() - t);

      await fresh();
      t = performance.now();
      const c = await planClaim(ctxB, { stream: key, group: GROUP, rule: rule.rule, to: 'target' });
      const cr = await c.run();
      times.claim.push(performance.now() - t);
      if (cr.done !== n) throw new Error(`bulk claim did ${cr.done} of ${n}`);

      await fresh();
      ids = await pelIds(r, key);
      t = performance.now();
      if ((await rawClaim(r, key, ids, 'target')) !== n) throw new Error('raw claim incomplete');
      times.rawClaim.push(performance.now() - t);
      ctx.log(
        `run ${i + 1}: ack ${fmt(times.ack[i])} ms (raw ${fmt(times.rawAck[i])}), claim ${fmt(times.claim[i])} ms (raw ${fmt(times.rawClaim[i])})`,
      );
    }
    const row = (what: string, ours: number[], raw: number[]) => {
      const o = summarize(ours).median;
      const b = summarize(raw).median;
      return [
        what,
        fmtSummary(summarize(ours), 0, 'ms'),
        fmtSummary(summarize(raw), 0, 'ms'),
        `${(o / b).toFixed(2)}×`,
        `${fmt(n / (o / 1000))} entries/s`,
      ];
    };
    section.tables.push({
      caption: `${fmt(n)} pending entries, ${ctx.runs} runs each`,
      headers: [
        'action',
        'streamscope (scan + run)',
        'raw batches (run only)',
        'ratio',
        'streamscope rate',
      ],
      rows: [row('ack', times.ack, times.rawAck), row('claim', times.claim, times.rawClaim)],
    });
    for (const [what, xs] of [
      ['ack', times.ack],
      ['claim', times.claim],
    ] as const) {
      const med = summarize(xs).median;
      section.targets.push({
        what: `bulk ${what} of ${fmt(n)} entries`,
        target: '≤ 10 s',
        measured: `${fmt(med / 1000, 2)} s (median)`,
        status: n < 100_000 ? 'not measured' : med <= 10_000 ? 'met' : 'missed',
      });
    }
    section.notes.push(
      'The streamscope time includes reading the whole PEL (XPENDING, 1,000 per page) that the raw baseline is given for free; that scan is what lets a rule select across the PEL.',
    );
    return section;
  },
};
