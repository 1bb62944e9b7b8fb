/**
 * Replay and archive throughput (issue 11), each figure against a baseline in the same run:
 *  - replay at max (runReplay: XRANGE as Buffers → MULTI of type + global XADDs) vs raw XRANGE +
 *    pipelined XADD of the same copies, 20,000 entries;
 *  - replay at 10× of 400 entries spread over 5 s of original time: elapsed vs span/10;
 *  - archive → trim (trimOldEvents with archive) of 50,000 entries ~40 days old: entries/s, MB/s.
 * Run: npx tsx bench/replay-archive.ts  (starts its own private redis-server; prints Markdown)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/local-redis/private-redis.js';
import { createKeySpace } from '../src/core/keys.js';
import { planReplay } from '../src/streams/replay-plan.js';
import { runReplay } from '../src/streams/replay.js';
import { EventPersistence } from '../src/streams/event-persistence.js';
import type { ArchiveReport } from '../src/streams/archive.js';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seed(r: Redis, prefix: string, n: number, startMs: number, stepMs: number) {
  const k = createKeySpace(prefix);
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      const json = `{"n": ${j}, "score": 1.0, "event_type": "t", "path": "/data/assets/${j}.png", "pad": "${'x'.repeat(120)}"}`;
      const id = `${startMs + Math.floor(j * stepMs)}-${j}`;
      p.xadd(k.typeStream('t'), id, 'event', json);
      p.xadd(k.globalStream, id, 'event', json, 'type', 't');
    }
    await p.exec();
  }
  return k;
}

async function rawCopy(r: Redis, from: string, to: string) {
  let start = '-';
  for (;;) {
    const page = (await r.xrangeBuffer(from, start, '+', 'COUNT', 500)) as [Buffer, Buffer[]][];
    const p = r.pipeline();
    for (const [, f] of page) {
      p.xadd(`${to}t`, '*', ...f);
      p.xadd(`${to}all`, '*', ...f, 'type', 't');
    }
    await p.exec();
    if (page.length < 500) return;
    start = `(${page[page.length - 1][0].toString()}`;
  }
}

const server = await startRedisServer();
const r = new Redis(server.url);
try {
  const N = 20_000;
  const live = await seed(r, 'bench:live:', N, 1_700_000_000_000, 1);
  const raw: number[] = [];
  const engine: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    await rawCopy(r, live.typeStream('t'), `bench:raw${run}:`);
    raw.push(N / ((performance.now() - t) / 1000));
    const plan = await planReplay(r, live, {
      stream: 't',
      from: '0-0',
      to: '99999999999999-0',
      target: { kind: 'prefix', prefix: `bench:sb${run}:` },
    });
    t = performance.now();
    const res = await runReplay(r, live, plan, { total: N });
    engine.push(res.replayed / ((performance.now() - t) / 1000));
  }
  // 10×: 400 entries over 5 s of original time → 0.5 s expected.
  const paced = await seed(r, 'bench:paced:', 400, 1_700_000_000_000, 5000 / 399);
  const elapsed: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const plan = await planReplay(r, paced, {
      stream: 't',
      from: '0-0',
      to: '99999999999999-0',
      target: { kind: 'prefix', prefix: `bench:p10x${run}:` },
    });
    const t = performance.now();
    await runReplay(r, paced, plan, { speed: 10 });
    elapsed.push(performance.now() - t);
  }
  // Archive: 50,000 entries 40 days old.
  const [sec] = await r.time();
  const old = Number(sec) * 1000 - 40 * 86_400_000;
  const archRate: number[] = [];
  const archMb: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const prefix = `bench:arch${run}:`;
    await seed(r, prefix, 50_000, old, 2);
    const p = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: prefix,
      checkPermissions: false,
    });
    await p.connect();
    const dir = mkdtempSync(join(tmpdir(), 'ss-bench-archive-'));
    let rep: ArchiveReport | null = null;
    const t = performance.now();
    await p.trimOldEvents('t', { archive: dir, onArchive: (a) => (rep = a) });
    const s = (performance.now() - t) / 1000;
    const a = rep as unknown as ArchiveReport;
    archRate.push(a.entries / s);
    archMb.push(a.bytes / 1e6 / s);
    await p.disconnect();
  }
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  const e10 = median(elapsed);
  process.stdout.write(
    [
      `load before/after: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (1/5/15 min), ${RUNS} runs, medians`,
      '',
      '| measure | result | baseline (same run) | ratio |',
      '| --- | --- | --- | --- |',
      `| replay at max, ${f(N)} entries (type + global copies) | ${f(median(engine))} entries/s | raw XRANGE + pipelined XADD: ${f(median(raw))} entries/s | ${(median(engine) / median(raw)).toFixed(2)} |`,
      `| replay at 10×, 400 entries over 5.0 s | ${(e10 / 1000).toFixed(3)} s (runs: ${elapsed.map((x) => (x / 1000).toFixed(3)).join(', ')}) | span/10 = 0.500 s | ${(e10 / 500).toFixed(3)} |`,
      `| archive → trim, 50,000 entries (~160 B) | ${f(median(archRate))} entries/s, ${median(archMb).toFixed(1)} MB/s | — | — |`,
      '',
    ].join('\n'),
  );
} finally {
  r.disconnect();
  await server.stop();
}
