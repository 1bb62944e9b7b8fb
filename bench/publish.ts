/**
 * publish: EventPersistence.persistEvent with 64 in flight vs raw ioredis doing the same two
 * XADDs (type stream MAXLEN ~ N, global MAXLEN ~ 2N, same wire fields) in MULTI at the same
 * concurrency — alternating order in the same run — plus the server's XADD ceiling from
 * redis-benchmark -P 16 against the same private server.
 */
import { withTimeout, type Benchmark, type BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client, redisBenchmark } from './lib/redis.js';
import { closedLoop } from './lib/load.js';
import { summarize, fmtSummary, fmt, median } from './lib/stats.js';
import { loadEventPersistence } from './lib/library.js';
import { sampleEvent, wireJson } from './lib/workload.js';

const CONCURRENCY = 64;
const MAX_LEN = 100_000;
const BATCH = 2_000;

export const benchmark: Benchmark = {
  name: 'publish',
  title: 'publish: persistEvent vs raw MULTI + 2×XADD',
  async run(ctx: BenchContext) {
    const durationMs = ctx.quick ? 1_000 : 5_000;
    const warmupMs = ctx.quick ? 300 : 1_000;
    const section = emptySection(
      'publish',
      this.title,
      `Closed loop, ${CONCURRENCY} publishes in flight, ${durationMs / 1000} s per run after ${warmupMs / 1000} s warm-up, ` +
        `${ctx.runs} runs each, library and baselines alternating order run by run on one private redis-server. ` +
        `Each event is a realistic ~390-byte seed-format event (5 event types). ` +
        `**raw (same wire bytes)**: one ioredis client, \`MULTI; XADD <prefix><type> MAXLEN ~ ${MAX_LEN} * event <json>; ` +
        `XADD <prefix>all MAXLEN ~ ${2 * MAX_LEN} * event <json> type <type>; EXEC\`, building the JSON with the same codec ` +
        `(uuid, timestamp, Python-style JSON) per event, so the ratio isolates the library's own overhead. ` +
        `**raw (pre-encoded)**: the same commands with one JSON string built once (no per-event encoding). ` +
        `**server ceiling**: \`redis-benchmark -P 16 -c 50 XADD <key> MAXLEN ~ ${2 * MAX_LEN} * event <json> type <type>\` (one XADD per request; a publish is two).`,
    );
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const EventPersistence = await loadEventPersistence();
    if (!EventPersistence)
      section.notes.push(
        '`src/streams/event-persistence.ts` has not landed: only the baselines were measured.',
      );

    const raw = client(server, 'bench-raw');
    ctx.onCleanup(() => void raw.disconnect());
    const fixed = wireJson(0);

    let runId = 0;
    const rawRun = async (encode: boolean) => {
      const prefix = `bench:pub${runId++}:`;
      const r = await closedLoop(
        CONCURRENCY,
        durationMs,
        async (seq) => {
          const { eventType, json } = encode ? wireJson(seq) : fixed;
          const res = await raw
            .multi()
            .xadd(`${prefix}${eventType}`, 'MAXLEN', '~', MAX_LEN, '*', 'event', json)
            .xadd(`${prefix}all`, 'MAXLEN', '~', 2 * MAX_LEN, '*', 'event', json, 'type', eventType)
            .exec();
          if (!res || res.some(([err]) => err)) throw new Error('MULTI failed');
        },
        warmupMs,
      );
      await dropPrefix(prefix);
      return r.perSecond;
    };
    const libRun = async () => {
      const prefix = `bench:pub${runId++}:`;
      const ep = new EventPersistence!({
        redisUrl: server.url,
        streamPrefix: prefix,
        maxLen: MAX_LEN,
      });
      await ep.connect();
      try {
        const r = await closedLoop(
          CONCURRENCY,
          durationMs,
          (seq) => ep.persistEvent(sampleEvent(seq)),
          warmupMs,
        );
        return r.perSecond;
      } finally {
        await ep.disconnect();
        await dropPrefix(prefix);
      }
    };
    // persistEvents: batches of BATCH (script chunks of 500, 4 in flight), `callers` calls in
    // flight on one EventPersistence (1: one batch at a time; 2: two application tasks publishing
    // at once, so one batch is encoded while the server runs the other's chunks).
    const batchRun = async (callers: number) => {
      const prefix = `bench:pub${runId++}:`;
      const ep = new EventPersistence!({
        redisUrl: server.url,
        streamPrefix: prefix,
        maxLen: MAX_LEN,
      });
      await ep.connect();
      try {
        // The inputs are built before the window (the application has them; the ceiling's
        // redis-benchmark builds nothing either); every call still stamps and encodes each event
        // afresh (new event_id and timestamp), so reusing the input objects saves only the bench's
        // own object building.
        const pool = Array.from({ length: 10 }, (_, b) =>
          Array.from({ length: BATCH }, (_, i) => sampleEvent(b * BATCH + i)),
        );
        let seq = 0;
        const next = () => pool[seq++ % pool.length];
        const until = performance.now() + warmupMs;
        while (performance.now() < until) await ep.persistEvents!(next());
        const t0 = performance.now();
        let n = 0;
        const caller = async () => {
          while (performance.now() - t0 < durationMs) {
            await ep.persistEvents!(next());
            n += BATCH;
          }
        };
        await Promise.all(Array.from({ length: callers }, caller));
        return n / ((performance.now() - t0) / 1000);
      } finally {
        await ep.disconnect();
        await dropPrefix(prefix);
      }
    };
    const hasBatch = !!EventPersistence?.prototype?.persistEvents;
    const dropPrefix = async (prefix: string) => {
      // Only our own private server; keys are known, no KEYS/SCAN needed.
      const types = new Set(Array.from({ length: 5 }, (_, i) => sampleEvent(i).eventType));
      await raw.del(`${prefix}all`, ...[...types].map((t) => `${prefix}${t}`));
    };

    const batch: number[] = [];
    const batch2: number[] = [];
    const lib: number[] = [];
    const rawEnc: number[] = [];
    const rawPre: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const order =
        i % 2 === 0
          ? ['lib', 'raw', 'pre', 'batch', 'batch2']
          : ['batch2', 'batch', 'pre', 'raw', 'lib'];
      let l = NaN;
      let r = NaN;
      for (const which of order) {
        if (which === 'lib' && EventPersistence)
          lib.push((l = await withTimeout(libRun(), 60_000, 'persistEvent run')));
        if (which === 'raw') rawEnc.push((r = await rawRun(true)));
        if (which === 'pre') rawPre.push(await rawRun(false));
        if (which === 'batch' && hasBatch)
          batch.push(await withTimeout(batchRun(1), 60_000, 'persistEvents run'));
        if (which === 'batch2' && hasBatch)
          batch2.push(await withTimeout(batchRun(2), 60_000, 'persistEvents run (2 callers)'));
      }
      if (Number.isFinite(l)) ratios.push(l / r);
      ctx.log(
        `run ${i + 1}/${ctx.runs}: lib ${fmt(l)} /s, raw ${fmt(r)} /s, raw pre-encoded ${fmt(rawPre[rawPre.length - 1])} /s`,
      );
    }

    // Server ceiling (same server, same entry shape).
    const n = ctx.quick ? 200_000 : 1_000_000;
    const ceil: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const key = `bench:ceiling${i}`;
      ceil.push(
        await redisBenchmark(server.port, [
          '-P',
          '16',
          '-c',
          '50',
          '-n',
          String(n),
          'XADD',
          key,
          'MAXLEN',
          '~',
          String(2 * MAX_LEN),
          '*',
          'event',
          fixed.json,
          'type',
          fixed.eventType,
        ]),
      );
      await raw.del(key);
    }
    ctx.log(`ceiling ${fmt(median(ceil))} XADD/s`);

    const s = {
      batch: summarize(batch),
      batch2: summarize(batch2),
      lib: summarize(lib),
      raw: summarize(rawEnc),
      pre: summarize(rawPre),
      ceil: summarize(ceil),
      ratio: summarize(ratios),
    };
    section.tables.push({
      headers: ['variant', 'events/s', 'XADD/s', 'vs raw (same wire bytes)'],
      rows: [
        [
          'persistEvent (library), 64 in flight',
          fmtSummary(s.lib),
          fmtSummary(summarize(lib.map((x) => 2 * x))),
          ratios.length ? `${fmtSummary(s.ratio, 2)}×` : 'n/a',
        ],
        [
          'raw ioredis MULTI + 2×XADD, same wire bytes, 64 in flight',
          fmtSummary(s.raw),
          fmtSummary(summarize(rawEnc.map((x) => 2 * x))),
          '1.00×',
        ],
        [
          'raw ioredis MULTI + 2×XADD, pre-encoded JSON, 64 in flight',
          fmtSummary(s.pre),
          fmtSummary(summarize(rawPre.map((x) => 2 * x))),
          `${fmt(s.pre.median / s.raw.median, 2)}×`,
        ],
        [
          `persistEvents (library), batches of ${fmt(BATCH)}`,
          batch.length ? fmtSummary(s.batch) : 'n/a',
          batch.length ? fmtSummary(summarize(batch.map((x) => 2 * x))) : 'n/a',
          batch.length ? `${fmt(s.batch.median / s.raw.median, 2)}×` : 'n/a',
        ],
        [
          `persistEvents (library), batches of ${fmt(BATCH)}, 2 calls in flight`,
          batch2.length ? fmtSummary(s.batch2) : 'n/a',
          batch2.length ? fmtSummary(summarize(batch2.map((x) => 2 * x))) : 'n/a',
          batch2.length ? `${fmt(s.batch2.median / s.raw.median, 2)}×` : 'n/a',
        ],
        [
          'server ceiling: redis-benchmark XADD -P 16 -c 50',
          `${fmt(s.ceil.median / 2)} (= XADD/s ÷ 2)`,
          fmtSummary(s.ceil),
          '—',
        ],
      ],
    });
    section.targets.push({
      what: 'persistEvent vs raw baseline',
      target: '≥ 0.95×',
      measured: ratios.length
        ? `${fmt(s.ratio.median, 2)}× (pairs: ${ratios.map((x) => x.toFixed(2)).join(', ')})`
        : 'library not available',
      status: ratios.length ? (s.ratio.median >= 0.95 ? 'met' : 'missed') : 'not measured',
    });
    // persistEvents against the ceiling, one call at a time and two in flight.
    const ceilingTarget = (what: string, runs: number[], median: number) => {
      const share = median / (s.ceil.median / 2);
      section.targets.push({
        what,
        target: '≥ 0.50×',
        measured: runs.length
          ? `${fmt(share, 2)}× (${fmt(median)} of ${fmt(s.ceil.median / 2)} events/s)`
          : 'not available',
        status: runs.length ? (share >= 0.5 ? 'met' : 'missed') : 'not measured',
      });
    };
    ceilingTarget(
      'persistEvents vs server ceiling (redis-benchmark XADD/s ÷ 2)',
      batch,
      s.batch.median,
    );
    ceilingTarget('persistEvents, 2 calls in flight, vs server ceiling', batch2, s.batch2.median);
    section.notes.push(
      `The publish path (both variants) reaches ${fmt((100 * 2 * s.raw.median) / s.ceil.median)}% of the server's pipelined XADD ceiling: ` +
        'one client, one connection, MULTI/EXEC framing, and the Node process building JSON share 2 cores with redis-server.',
    );
    return section;
  },
};
