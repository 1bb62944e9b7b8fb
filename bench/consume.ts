/**
 * consume: EventPersistence.consumeEvents + ack vs raw XREADGROUP COUNT n + XACK, draining the
 * same preloaded stream with a fresh consumer group per run, alternating order.
 */
import { withTimeout, type Benchmark, type BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client } from './lib/redis.js';
import { summarize, fmtSummary, fmt } from './lib/stats.js';
import { loadEventPersistence } from './lib/library.js';
import { preloadStream } from './lib/preload.js';
import { decodeFields, fieldsFromArray } from '../src/core/codec.js';

const COUNT = 100; // XREADGROUP COUNT for both sides
const PREFIX = 'bench:consume:';
const TYPE = 'asset.discovered';

type XReadGroupReply = [string, [string, string[]][]][] | null;

export const benchmark: Benchmark = {
  name: 'consume',
  title: 'consume: consumeEvents + ack vs raw XREADGROUP + XACK',
  async run(ctx: BenchContext) {
    const total = ctx.quick ? 20_000 : 100_000;
    const section = emptySection(
      'consume',
      this.title,
      `${fmt(total)} seed-format entries are preloaded into one type stream; each run drains all of them with a new consumer ` +
        `group created at ID 0, one consumer, COUNT ${COUNT}, and every entry decoded and acknowledged; ${ctx.runs} runs per variant, ` +
        `variants alternating order. **Per-entry ack** is the documented usage (\`for await (const d of consumeEvents(…)) { await d.ack() }\`), ` +
        `compared with raw code of the same semantics (\`XREADGROUP GROUP g c COUNT ${COUNT} STREAMS key >\`, decode each entry with the same codec, ` +
        `\`await XACK\` per entry). **Pipelined acks**: the library's \`ack()\` promises are not awaited one by one (awaited in bulk at the end) vs ` +
        `raw code that acknowledges each batch with one \`XACK key g id1 … id${COUNT}\`. **Batches**: \`for await (const b of consumeEventBatches(…, { count: ${COUNT} })) { await b.ack() }\` ` +
        `(every event decoded) against that same raw code. Both sides open their reading connection and create their group inside the timed window ` +
        `(the library's loop must: XGROUP CREATE … MKSTREAM, then its own PEL first), so the ratio compares the same work.`,
    );
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const r = client(server, 'bench-raw');
    ctx.onCleanup(() => void r.disconnect());
    const key = `${PREFIX}${TYPE}`;
    ctx.log(`preloading ${total} entries…`);
    await preloadStream(r, key, total);

    const EventPersistence = await loadEventPersistence();
    if (!EventPersistence)
      section.notes.push(
        '`src/streams/event-persistence.ts` has not landed: only the baselines were measured.',
      );

    let g = 0;
    const rawRun = async (batchAck: boolean) => {
      const group = `raw-${g++}`;
      // Timed like the library's loop, which opens its reading connection and creates its group
      // (XGROUP CREATE … MKSTREAM) inside the window: the same set-up work on both sides.
      const t0 = performance.now();
      const reader = client(server, 'bench-raw-reader');
      try {
        await reader.xgroup('CREATE', key, group, '0', 'MKSTREAM');
        let got = 0;
        while (got < total) {
          const reply = (await reader.xreadgroup(
            'GROUP',
            group,
            'c1',
            'COUNT',
            COUNT,
            'BLOCK',
            1000,
            'STREAMS',
            key,
            '>',
          )) as XReadGroupReply;
          if (!reply)
            throw new Error('raw consumer: BLOCK timed out before the stream was drained');
          const entries = reply[0][1];
          if (batchAck) {
            for (const [, f] of entries) decodeFields(fieldsFromArray(f));
            await reader.xack(key, group, ...entries.map(([id]) => id));
          } else {
            for (const [id, f] of entries) {
              decodeFields(fieldsFromArray(f));
              await reader.xack(key, group, id);
            }
          }
          got += entries.length;
        }
        return total / ((performance.now() - t0) / 1000);
      } finally {
        reader.disconnect();
        await r.xgroup('DESTROY', key, group);
      }
    };
    const libRun = async (pipelinedAcks: boolean) => {
      const group = `lib-${g++}`;
      const ep = new EventPersistence!({
        redisUrl: server.url,
        streamPrefix: PREFIX,
        consumerGroup: group,
      });
      await ep.connect();
      const abort = new AbortController();
      try {
        const t0 = performance.now();
        let got = 0;
        const acks: Promise<void>[] = [];
        for await (const d of ep.consumeEvents([TYPE], 'c1', {
          count: COUNT,
          blockMs: 1000,
          signal: abort.signal,
        })) {
          if (pipelinedAcks) acks.push(d.ack());
          else await d.ack();
          if (++got >= total) break;
        }
        await Promise.all(acks);
        const perSecond = total / ((performance.now() - t0) / 1000);
        const pending = (await r.xpending(key, group)) as [number, ...unknown[]];
        if (Number(pending[0]) !== 0) throw new Error(`library left ${pending[0]} entries pending`);
        return perSecond;
      } finally {
        abort.abort();
        await ep.disconnect();
        await r.xgroup('DESTROY', key, group);
      }
    };

    // consumeEventBatches: one `await batch.ack()` (one XACK) per batch, like rawB.
    const libBatchRun = async () => {
      const group = `libb-${g++}`;
      const ep = new EventPersistence!({
        redisUrl: server.url,
        streamPrefix: PREFIX,
        consumerGroup: group,
      });
      await ep.connect();
      const abort = new AbortController();
      try {
        const t0 = performance.now();
        let got = 0;
        for await (const b of ep.consumeEventBatches!([TYPE], 'c1', {
          count: COUNT,
          blockMs: 1000,
          signal: abort.signal,
        })) {
          for (const d of b.deliveries) void d.event; // decoded, as the raw side decodes
          await b.ack();
          got += b.deliveries.length;
          if (got >= total) break;
        }
        const perSecond = total / ((performance.now() - t0) / 1000);
        const pending = (await r.xpending(key, group)) as [number, ...unknown[]];
        if (Number(pending[0]) !== 0) throw new Error(`library left ${pending[0]} entries pending`);
        return perSecond;
      } finally {
        abort.abort();
        await ep.disconnect();
        await r.xgroup('DESTROY', key, group);
      }
    };
    const hasBatches = !!EventPersistence?.prototype?.consumeEventBatches;

    const res: Record<'lib' | 'libP' | 'libB' | 'raw' | 'rawB', number[]> = {
      lib: [],
      libP: [],
      libB: [],
      raw: [],
      rawB: [],
    };
    const ratio: number[] = [];
    const ratioP: number[] = [];
    const ratioB: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const order: (keyof typeof res)[] =
        i % 2 === 0
          ? ['lib', 'raw', 'libP', 'rawB', 'libB']
          : ['libB', 'rawB', 'libP', 'raw', 'lib'];
      const got: Partial<Record<keyof typeof res, number>> = {};
      for (const v of order) {
        if ((v === 'lib' || v === 'libP' || v === 'libB') && !EventPersistence) continue;
        if (v === 'libB' && !hasBatches) continue;
        const x =
          v === 'libB'
            ? await withTimeout(libBatchRun(), 120_000, 'consumeEventBatches run')
            : v === 'lib'
              ? await withTimeout(libRun(false), 120_000, 'consumeEvents run')
              : v === 'libP'
                ? await withTimeout(libRun(true), 120_000, 'consumeEvents run')
                : v === 'raw'
                  ? await rawRun(false)
                  : await rawRun(true);
        res[v].push(x);
        got[v] = x;
      }
      if (got.lib !== undefined && got.raw !== undefined) ratio.push(got.lib / got.raw);
      if (got.libP !== undefined && got.rawB !== undefined) ratioP.push(got.libP / got.rawB);
      if (got.libB !== undefined && got.rawB !== undefined) ratioB.push(got.libB / got.rawB);
      ctx.log(
        `run ${i + 1}/${ctx.runs}: ${Object.entries(got)
          .map(([k, v]) => `${k} ${fmt(v)}/s`)
          .join(', ')}`,
      );
    }
    section.tables.push({
      headers: ['variant', 'events/s (consumed + acked)', 'vs its raw counterpart'],
      rows: [
        [
          'consumeEvents, `await d.ack()` per delivery',
          fmtSummary(summarize(res.lib)),
          ratio.length ? `${fmtSummary(summarize(ratio), 2)}×` : 'n/a',
        ],
        [
          'raw XREADGROUP COUNT 100, `await XACK` per entry',
          fmtSummary(summarize(res.raw)),
          '1.00×',
        ],
        [
          'consumeEvents, `d.ack()` pipelined (not awaited one by one)',
          fmtSummary(summarize(res.libP)),
          ratioP.length ? `${fmtSummary(summarize(ratioP), 2)}×` : 'n/a',
        ],
        [
          'consumeEventBatches COUNT 100, `await batch.ack()` (one XACK per batch)',
          fmtSummary(summarize(res.libB)),
          ratioB.length ? `${fmtSummary(summarize(ratioB), 2)}×` : 'n/a',
        ],
        [
          'raw XREADGROUP COUNT 100, one XACK per batch of 100',
          fmtSummary(summarize(res.rawB)),
          '1.00×',
        ],
      ],
    });
    const rm = summarize(ratio).median;
    section.targets.push({
      what: 'consumeEvents + ack vs raw (same ack semantics)',
      target: '≥ 0.80×',
      measured: ratio.length ? `${fmt(rm, 2)}×` : 'library not available',
      status: ratio.length ? (rm >= 0.8 ? 'met' : 'missed') : 'not measured',
    });
    const bm = summarize(ratioB).median;
    section.targets.push({
      what: 'consumeEventBatches + batch ack vs raw XREADGROUP COUNT 100 + one XACK per batch',
      target: '≥ 0.90×',
      measured: ratioB.length
        ? `${fmt(bm, 2)}× (pairs: ${ratioB.map((x) => x.toFixed(2)).join(', ')})`
        : 'not available',
      status: ratioB.length ? (bm >= 0.9 ? 'met' : 'missed') : 'not measured',
    });
    if (ratioP.length) {
      section.notes.push(
        `With acks pipelined, the library reached ${fmt(summarize(ratioP).median, 2)}× of raw code that acknowledges each batch of ${COUNT} with one XACK ` +
          '(not a target: each delivery acknowledges exactly itself, one XACK each; consumeEventBatches is the API that acknowledges a batch with one XACK).',
      );
    }
    return section;
  },
};
