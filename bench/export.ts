/**
 * export: `streamscope export` of 1,000,000 entries to a file, RSS sampled from outside every
 * 100 ms. Constant memory means the RSS during the 1M export stays at the level of a 10,000-entry
 * export measured in the same run (the baseline), not growing with entries written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client } from './lib/redis.js';
import { ProcSampler, MB } from './lib/proc.js';
import { fmt, median } from './lib/stats.js';
import { DIST_MAIN } from './lib/library.js';
import { assertBuilt } from './lib/monitor.js';

const VALUE = JSON.stringify({
  asset_id: 'a-000000',
  path: '/photos/2026/11/27/IMG_0001.jpg',
  bytes: 1234567,
  event_id: '00000000-0000-4000-8000-000000000000',
  timestamp: '2026-11-27T07:08:48.060876+00:00',
  source: 'bench',
  version: '1.0.0',
  event_type: 'asset.processed',
});

interface Run {
  entries: number;
  seconds: number;
  rssMb: number[];
  peakMb: number;
  bytes: number;
}

async function exportOnce(
  url: string,
  prefix: string,
  type: string,
  out: string,
  nodeFlags: string[] = [],
): Promise<Run> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      DIST_MAIN,
      'export',
      '--url',
      url,
      '--prefix',
      prefix,
      '--stream',
      type,
      '--out',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  const sampler = new ProcSampler(child.pid!, 100).start();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const { peakRss } = sampler.stop();
  if (code !== 0) throw new Error(`export exited ${code}: ${err}`);
  const entries = Number(/exported ([\d,]+) entr/.exec(err)?.[1].replace(/,/g, '') ?? NaN);
  return {
    entries,
    seconds: (performance.now() - started) / 1000,
    rssMb: sampler.rssSamples.map((b) => b / MB),
    // The high-water mark can be unreadable once the process has exited: fall back to the samples.
    peakMb:
      (Number.isFinite(peakRss) && peakRss > 0 ? peakRss : Math.max(...sampler.rssSamples)) / MB,
    bytes: statSync(out).size,
  };
}

/** Median RSS of a slice of the samples (by position: 0.1 = the first tenth). */
const sliceMedian = (xs: number[], from: number, to: number) =>
  median(
    xs.slice(
      Math.floor(xs.length * from),
      Math.max(Math.floor(xs.length * from) + 1, Math.floor(xs.length * to)),
    ),
  );

export const benchmark: Benchmark = {
  name: 'export',
  title: 'export: NDJSON of 1,000,000 entries in constant memory',
  async run(ctx: BenchContext) {
    assertBuilt();
    const big = ctx.quick ? 200_000 : 1_000_000;
    const small = 10_000;
    const section = emptySection(
      'export',
      this.title,
      `A private redis-server with a type stream of ${fmt(big)} seed-format entries (${VALUE.length} bytes of JSON each) and one of ${fmt(small)}. ` +
        '`node dist/cli/main.js export --stream <type> --out <file>` runs as a child process; its RSS is read from /proc every 100 ms. ' +
        `The ${fmt(small)}-entry export is the baseline (Node + the CLI + one page in flight), measured in the same run. ` +
        "Flat means: the median RSS over the last quarter of the big export is within 10 % of the median over its second quarter (the first quarter includes start-up), and the export also completes with V8's old space capped at 40 MB.",
    );
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const r = client(server, 'bench-loader');
    ctx.onCleanup(() => void r.disconnect());
    const prefix = 'export:';
    const load = async (key: string, n: number) => {
      for (let done = 0; done < n; done += 100_000)
        await r.eval(
          "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'event', ARGV[2]) end return 1",
          1,
          key,
          Math.min(100_000, n - done),
          VALUE,
        );
    };
    await load(`${prefix}asset.processed`, big);
    await load(`${prefix}project.created`, small);
    ctx.log(`${fmt(big)} + ${fmt(small)} entries loaded`);
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-bench-export-'));
    ctx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 3);
    const rows: string[][] = [];
    const flat: number[] = [];
    const peaks: number[] = [];
    const bases: number[] = [];
    for (let i = 0; i < runs; i++) {
      const base = await exportOnce(
        server.url,
        prefix,
        'project.created',
        join(dir, 'small.ndjson'),
      );
      const run = await exportOnce(server.url, prefix, 'asset.processed', join(dir, 'big.ndjson'));
      if (run.entries !== big || base.entries !== small)
        throw new Error(`exported ${run.entries} / ${base.entries} entries`);
      const quarters = [0, 1, 2, 3].map((q) => sliceMedian(run.rssMb, q / 4, (q + 1) / 4));
      flat.push(quarters[3] / quarters[1]);
      peaks.push(run.peakMb);
      bases.push(base.peakMb);
      rows.push([
        String(i + 1),
        fmt(base.peakMb, 1),
        ...quarters.map((q) => fmt(q, 1)),
        fmt(run.peakMb, 1),
        fmt(run.entries / run.seconds),
        fmt(run.bytes / MB, 0),
      ]);
      ctx.log(
        `run ${i + 1}: baseline peak ${fmt(base.peakMb, 1)} MB; RSS by quarter ${quarters.map((q) => fmt(q, 1)).join(' / ')} MB, peak ${fmt(run.peakMb, 1)} MB, ${fmt(run.entries / run.seconds)} entries/s`,
      );
    }
    section.tables.push({
      headers: [
        'run',
        `baseline peak RSS, ${fmt(small)} entries (MB)`,
        'median RSS, 1st quarter (MB)',
        '2nd quarter',
        '3rd quarter',
        '4th quarter',
        `peak RSS, ${fmt(big)} entries (MB)`,
        'entries/s',
        'file (MB)',
      ],
      rows,
    });
    // Bounded, not just lazily collected: the same export with V8's old space capped at 40 MB.
    const capped = await exportOnce(
      server.url,
      prefix,
      'asset.processed',
      join(dir, 'capped.ndjson'),
      ['--max-old-space-size=40'],
    );
    section.notes.push(
      `With \`node --max-old-space-size=40\` the ${fmt(big)}-entry export completes too (${fmt(capped.entries)} entries, peak RSS ${fmt(capped.peakMb, 1)} MB, ${fmt(capped.entries / capped.seconds)} entries/s): what RSS growth there is without the cap is V8 sizing its heap lazily, not retained entries.`,
    );
    const ratio = median(flat);
    section.targets.push({
      what: `RSS flat over a ${fmt(big)}-entry export (median RSS, 4th quarter / 2nd quarter)`,
      target: '≤ 1.10×',
      measured: `${fmt(ratio, 2)}× (peak ${fmt(median(peaks), 1)} MB vs ${fmt(median(bases), 1)} MB for ${fmt(small)} entries)`,
      status: capped.entries === big && ratio <= 1.1 ? 'met' : 'missed',
    });
    return section;
  },
};
