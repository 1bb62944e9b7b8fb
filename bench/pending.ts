/**
 * a million pending: a 1,000,000-entry PEL; time to the first page and paging through, via the
 * monitor's own queries port, and in the real monitor (pane 3, `n` for the next page); poller
 * refresh and monitor RSS at a small vs a huge PEL.
 */
import type { Redis } from 'ioredis';
import { sleep, type Benchmark, type BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { privateRedis, client, usedMemory, type RunningRedis } from './lib/redis.js';
import { summarize, fmtSummary, fmt, percentile } from './lib/stats.js';
import { importSource, type Emit, type MonitorMessage } from './lib/library.js';
import { buildPel } from './lib/preload.js';
import { launchMonitor, waitForScreen } from './lib/monitor.js';
import { memory, MB } from './lib/proc.js';
import { createKeySpace, type KeySpace } from '../src/core/keys.js';
import type { MonitorQueriesPort } from '../src/core/ports.js';

interface QueriesModule {
  createQueries(o: { client: Redis; emit: Emit }): MonitorQueriesPort;
}
interface PollerModule {
  Poller: new (options: {
    createClient: () => Redis;
    keys: KeySpace;
    emit: Emit;
    refreshMs?: number;
  }) => { start(): Promise<void>; refreshNow(): Promise<void>; close(): Promise<void> };
}

const PAGE = 100; // the monitor's default page size (store/state.ts DEFAULT_PAGE_SIZE)
const GROUP = 'workers';

type Page = Extract<MonitorMessage, { type: 'PendingPageReceived' }>;

/** First page N times, then page through `pages` pages (or the whole PEL), timing each page. */
async function pageThrough(
  server: RunningRedis,
  mod: QueriesModule,
  key: string,
  pages: number,
  runs: number,
) {
  const c = client(server, 'bench-queries');
  try {
    let last: Page | null = null;
    let failed: string | null = null;
    const emit: Emit = (m) => {
      if (m.type === 'PendingPageReceived') last = m;
      if (m.type === 'PendingPageFailed') failed = m.error.message;
    };
    const q = mod.createQueries({ client: c, emit });
    const first: number[] = [];
    for (let i = 0; i < runs; i++) {
      const a = performance.now();
      await q.loadPendingPage(key, GROUP, { afterId: null, count: PAGE, consumer: null });
      first.push(performance.now() - a);
      if (failed) throw new Error(`loadPendingPage: ${failed}`);
    }
    const per: number[] = [];
    let entries = 0;
    let afterId: string | null = null;
    const t0 = performance.now();
    for (let p = 0; p < pages; p++) {
      const a = performance.now();
      await q.loadPendingPage(key, GROUP, { afterId, count: PAGE, consumer: null });
      per.push(performance.now() - a);
      if (failed) throw new Error(`loadPendingPage: ${failed}`);
      const page = last as Page | null;
      if (!page) throw new Error('no page received');
      entries += page.entries.length;
      afterId = page.entries.at(-1)?.id ?? afterId;
      if (!page.hasMore) break;
    }
    return { first, per, entries, totalMs: performance.now() - t0 };
  } finally {
    c.disconnect();
  }
}

async function pollerRefresh(
  server: RunningRedis,
  mod: PollerModule,
  prefix: string,
  runs: number,
): Promise<number[]> {
  const durs: number[] = [];
  const emit: Emit = (m) => {
    if (m.type === 'SnapshotReceived') durs.push(m.durationMs);
  };
  const p = new mod.Poller({
    createClient: () => client(server, 'bench-poller'),
    keys: createKeySpace(prefix),
    emit,
    refreshMs: 3_600_000,
  });
  try {
    await p.start();
    durs.length = 0;
    for (let i = 0; i < runs; i++) await p.refreshNow();
    return durs;
  } finally {
    await p.close();
  }
}

/** Real monitor: launch, press 3, time until the first PEL page is on screen, page with `n`, RSS. */
async function inMonitor(
  server: RunningRedis,
  prefix: string,
  firstId: string,
  pages: number,
  ctx: BenchContext,
) {
  const mon = launchMonitor(server.url, prefix);
  ctx.onCleanup(() => mon.stop());
  try {
    if ((await waitForScreen(mon.term, (s) => s.includes('connected'), 15_000)) === null)
      throw new Error('monitor did not connect');
    await waitForScreen(mon.term, (s) => /snapshot [\d.]+m?s ago/.test(s), 5_000);
    const idle = memory(mon.pid)?.rss ?? NaN;
    const a = Date.now();
    mon.term.sendKeys('3');
    const shown = await waitForScreen(mon.term, (s) => s.includes(firstId), 15_000, 5);
    if (shown === null) throw new Error(`first PEL page not shown; screen:\n${mon.term.capture()}`);
    const firstMs = shown - a;
    const perPage: number[] = [];
    let prevTop = firstId;
    for (let p = 0; p < pages; p++) {
      const before = mon.term.capture();
      const b = Date.now();
      mon.term.sendKeys('n');
      const at = await waitForScreen(
        mon.term,
        (s) => s !== before && !s.includes(prevTop),
        10_000,
        5,
      );
      if (at === null) break;
      perPage.push(at - b);
      prevTop = /\b(\d{13}-\d+)\b/.exec(mon.term.capture())?.[1] ?? prevTop;
    }
    await sleep(500);
    const mem = memory(mon.pid);
    return {
      firstMs,
      perPage,
      idleRssMb: idle / MB,
      rssMb: (mem?.rss ?? NaN) / MB,
      hwmMb: (mem?.hwm ?? NaN) / MB,
    };
  } finally {
    await mon.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'pending',
  title: 'a million pending: first page and paging through a 1,000,000-entry PEL',
  async run(ctx: BenchContext) {
    const big = ctx.quick ? 200_000 : 1_000_000;
    const small = 1_000;
    const pagesApi = ctx.quick ? 200 : big / PAGE;
    const pagesUi = ctx.quick ? 5 : 20;
    const section = emptySection(
      'pending',
      this.title,
      `A private redis-server holds two streams, one with a PEL of ${fmt(small)} and one with a PEL of ${fmt(big)} entries (group \`${GROUP}\`, 4 consumers), ` +
        'built server-side with Lua (XADD in chunks, then XREADGROUP COUNT 100000 per chunk) so no entries cross the wire. ' +
        `**queries port**: the monitor's own \`createQueries().loadPendingPage\` (XPENDING extended form, page size ${PAGE}, cursor = last ID of the page), ` +
        `timed until its PendingPageReceived message; first page ${ctx.runs}×, then ${pagesApi === big / PAGE ? 'every page of the PEL' : `${fmt(pagesApi)} consecutive pages`}. ` +
        `**real monitor**: \`node dist/cli/main.js\` in a 120×40 tmux terminal; time from pressing \`3\` until the oldest pending ID is on screen, then \`n\` ${pagesUi}× ` +
        '(time until the screen shows the next page); RSS of the monitor process after paging. **poller**: refresh duration (own counter) with each PEL.',
    );
    const queries = await importSource<QueriesModule>('monitor/queries.ts');
    const poller = await importSource<PollerModule>('monitor/poller.ts');
    if (!queries || !poller) {
      section.error = '`src/monitor/queries.ts` / `poller.ts` have not landed';
      return section;
    }
    const server = await privateRedis();
    ctx.onCleanup(() => server.stop());
    const r = client(server, 'bench-loader');
    ctx.onCleanup(() => void r.disconnect());

    const rows: string[][] = [];
    const uiRows: string[][] = [];
    const rss: number[] = [];
    for (const [n, size] of [
      ['small', small],
      ['big', big],
    ] as const) {
      const prefix = `pel-${n}:`;
      const key = `${prefix}asset.discovered`;
      const t0 = performance.now();
      await buildPel(r, key, GROUP, size);
      const built = (performance.now() - t0) / 1000;
      const pending = Number(((await r.xpending(key, GROUP)) as unknown[])[0]);
      ctx.log(
        `PEL of ${fmt(pending)} built in ${built.toFixed(1)} s; redis used_memory ${fmt((await usedMemory(r)) / MB)} MB`,
      );
      const firstId = String(((await r.xpending(key, GROUP, '-', '+', 1)) as [string][])[0][0]);

      const api = await pageThrough(server, queries, key, pagesApi, ctx.runs);
      const refresh = await pollerRefresh(server, poller, prefix, ctx.runs);
      rows.push([
        fmt(pending),
        fmtSummary(summarize(api.first), 2, 'ms'),
        `${fmt(summarize(api.per).median, 2)} ms / ${fmt(percentile(api.per, 99), 2)} ms`,
        `${fmt(api.entries)} entries in ${fmt(api.totalMs / 1000, 1)} s (${fmt(api.entries / (api.totalMs / 1000))} entries/s)`,
        fmtSummary(summarize(refresh), 1, 'ms'),
      ]);
      ctx.log(
        `${n}: first page ${fmt(summarize(api.first).median, 2)} ms; ${fmt(api.entries)} entries paged in ${fmt(api.totalMs)} ms; refresh ${fmt(summarize(refresh).median, 1)} ms`,
      );

      const ui = [];
      for (let i = 0; i < (ctx.quick ? 1 : Math.min(3, ctx.runs)); i++)
        ui.push(await inMonitor(server, prefix, firstId, pagesUi, ctx));
      rss.push(summarize(ui.map((u) => u.hwmMb)).median);
      uiRows.push([
        fmt(pending),
        fmtSummary(summarize(ui.map((u) => u.firstMs)), 0, 'ms'),
        fmtSummary(summarize(ui.flatMap((u) => u.perPage)), 0, 'ms'),
        fmtSummary(summarize(ui.map((u) => u.idleRssMb)), 0, 'MB'),
        fmtSummary(summarize(ui.map((u) => u.rssMb)), 0, 'MB'),
        fmtSummary(summarize(ui.map((u) => u.hwmMb)), 0, 'MB'),
      ]);
      ctx.log(
        `${n}: monitor first page on screen ${fmt(summarize(ui.map((u) => u.firstMs)).median)} ms; RSS peak ${fmt(rss.at(-1)!)} MB`,
      );
      await r.del(key);
    }
    section.tables.push({
      caption: "The monitor's queries port (in-process, no UI)",
      headers: [
        'PEL size',
        'first page',
        'next page: median / p99',
        'paging through',
        'poller refresh',
      ],
      rows,
    });
    section.tables.push({
      caption: 'The real monitor in a 120×40 terminal',
      headers: [
        'PEL size',
        'press 3 → first page on screen',
        'press n → next page on screen',
        'RSS before pane 3',
        'RSS after paging',
        'peak RSS (VmHWM)',
      ],
      rows: uiRows,
    });
    const growth = rss[1] - rss[0];
    section.targets.push({
      what: 'monitor RSS independent of PEL size',
      target: `no growth from ${fmt(small)} to ${fmt(big)} pending`,
      measured: `peak ${fmt(rss[0])} MB vs ${fmt(rss[1])} MB (${growth >= 0 ? '+' : ''}${fmt(growth)} MB)`,
      status: Math.abs(growth) <= Math.max(10, 0.1 * rss[0]) ? 'met' : 'missed',
    });
    section.notes.push(
      'Entries in these PELs are small seed-format events (the PEL cost does not depend on entry size); the keep-up benchmark uses full-size events.',
    );
    return section;
  },
};
