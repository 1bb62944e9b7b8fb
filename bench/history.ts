/**
 * The history view on a 1,000,000-entry stream (issue 11): the real store and queries port on a
 * private redis-server (filled by a Lua loop, IDs one ms apart so entry i is known without
 * reading it back). It walks the window backward through `walkRows` rows (default: the whole
 * stream) checking every landing, samples RSS and heap on the way (after a GC when Node runs with
 * --expose-gc), then `:goto`s 20 IDs and local times typed on the command line and checks each
 * lands on the right entry, and counts a 999,000-entry range exactly (the view's paged count)
 * against a baseline in the same run (a plain XRANGE read of the same range, as the CLI's countRange).
 *
 * Run: node --expose-gc --import tsx bench/history.ts [--walk <rows>] [--json]
 * test/faults/history-1m.slow.test.ts runs it with assertions (npm run test:faults).
 */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/local-redis/private-redis.js';
import { createMonitorStore, type MonitorStore, type Timers } from '../src/store/create-store.js';
import { defaultConfig } from '../src/store/state.js';
import { createQueries } from '../src/monitor/queries.js';
import { selectLayer } from '../src/store/layers.js';
import { HISTORY_WINDOW } from '../src/store/history.js';
import type { MonitorMessage } from '../src/core/messages.js';
import { countRange } from '../src/streams/range-reader.js';
import { countHistoryRange } from '../src/streams/history-count.js';
// The history layer's keys and moves are registered with the pane registry (as the App does).
import '../src/ui/panes/registry.js';

export const N = 1_000_000;
const BASE = 1_760_000_000_000;
const KEY = 'bench:hist:events:t';
export const idOf = (i: number) => `${BASE + i}-0`;

const FILL = `local base = tonumber(ARGV[1]); local from = tonumber(ARGV[2]); local to = tonumber(ARGV[3])
for i = from, to - 1 do
  redis.call('XADD', KEYS[1], (base + i) .. '-0', 'type', 't', 'event', '{"n": ' .. i .. ', "score": 1.0, "path": "/data/assets/' .. i .. '.png"}')
end
return to - from`;

export interface HistoryBenchResult {
  n: number;
  fillMs: number;
  walkedRows: number;
  walkMs: number;
  pageLoads: number;
  /** Every landing of the walk was the expected entry. */
  walkCorrect: boolean;
  maxWindowRows: number;
  /** MB, sampled every 10% of the walk. */
  rssMb: number[];
  heapMb: number[];
  gotos: { target: string; expected: string; landed: string | null }[];
  countMs: number;
  countBaselineMs: number;
  counted: number;
  expectedCount: number;
  load: number[];
}

const NO_TIMERS: Timers = {
  setTimeout: () => null,
  clearTimeout: () => {},
  setInterval: () => null,
  clearInterval: () => {},
};

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

function store(client: Redis): MonitorStore {
  let s: MonitorStore | null = null;
  const emit = (m: MonitorMessage) => s!.dispatch(m);
  s = createMonitorStore({
    config: defaultConfig({ url: 'redis://127.0.0.1', prefix: 'bench:hist:events:' }),
    commands: { readOnly: true, readOnlyReason: 'bench', run: async () => {} },
    queries: createQueries({ client, emit }),
    // No clock: nothing here needs ticks, and the walk must not wait on one.
    timers: NO_TIMERS,
  });
  return s;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

export async function runHistoryBench(o: { walkRows?: number } = {}): Promise<HistoryBenchResult> {
  const server = await startRedisServer();
  const r = new Redis(server.url);
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const t0 = performance.now();
    for (let i = 0; i < N; i += 100_000)
      await r.eval(FILL, 1, KEY, BASE, i, Math.min(N, i + 100_000));
    const fillMs = performance.now() - t0;
    if ((await r.xlen(KEY)) !== N) throw new Error('fill: wrong length');

    const s = store(r);
    const data = () => selectLayer(s.getState(), 'history')!;
    const idle = () => until(() => data().loading === null);
    let pageLoads = 0;
    s.actions.history({ kind: 'open', stream: 't', key: KEY });
    await idle();
    const walkRows = Math.min(o.walkRows ?? N - 1, N - 1);
    const step = 100;
    const samples = 10;
    const rssMb: number[] = [];
    const heapMb: number[] = [];
    const sample = () => {
      gc?.();
      const m = process.memoryUsage();
      rssMb.push(mb(m.rss));
      heapMb.push(mb(m.heapUsed));
    };
    sample();
    let at = N - 1;
    let correct = data().selected === idOf(at);
    let maxWindowRows = 0;
    const t1 = performance.now();
    for (let moved = 0; moved + step <= walkRows; moved += step) {
      const seq = data().seq;
      s.actions.moveCursor(-step);
      at -= step;
      await idle();
      if (data().seq !== seq) pageLoads++;
      maxWindowRows = Math.max(maxWindowRows, data().rows.length);
      if (data().selected !== idOf(at)) correct = false;
      if (Math.floor((moved + step) / (walkRows / samples)) > rssMb.length - 1) sample();
    }
    const walkMs = performance.now() - t1;
    if (rssMb.length < samples + 1) sample();

    // :goto typed on the command line: IDs, a bare millisecond and local times.
    const targets: [string, number][] = [];
    for (let k = 0; k < 20; k++) {
      const i = Math.floor(((k * 7919) % 1000) * 999.7);
      const d = new Date(BASE + i);
      const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
      targets.push(k % 3 === 0 ? [idOf(i), i] : k % 3 === 1 ? [String(BASE + i), i] : [local, i]);
    }
    const gotos: HistoryBenchResult['gotos'] = [];
    for (const [target, i] of targets) {
      s.actions.openCommandLine();
      s.actions.editCommandLine(`goto ${target}`);
      s.actions.submitCommandLine();
      const err = selectLayer(s.getState(), 'command')?.error;
      if (err) throw new Error(err);
      await idle();
      gotos.push({ target, expected: idOf(i), landed: data().selected });
    }

    // The view's range count of 999,000 entries vs reading the same range with plain XRANGE.
    const from = idOf(500);
    const to = idOf(999_499);
    const t2 = performance.now();
    const c = await countHistoryRange(r, KEY, from, to);
    const countMs = performance.now() - t2;
    const t3 = performance.now();
    const base = await countRange(r, KEY, from, to);
    const countBaselineMs = performance.now() - t3;
    if (base.count !== 999_000) throw new Error(`baseline counted ${base.count}`);
    return {
      n: N,
      fillMs,
      walkedRows: N - 1 - at,
      walkMs,
      pageLoads,
      walkCorrect: correct,
      maxWindowRows,
      rssMb,
      heapMb,
      gotos,
      countMs,
      countBaselineMs,
      counted: c.estimated ? -1 : c.count,
      expectedCount: 999_000,
      load: loadavg().map((x) => Math.round(x * 100) / 100),
    };
  } finally {
    r.disconnect();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const walk = process.argv.indexOf('--walk');
  const res = await runHistoryBench(walk > 0 ? { walkRows: Number(process.argv[walk + 1]) } : {});
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(res)}\n`);
    process.exit(0);
  }
  const ok =
    res.walkCorrect &&
    res.maxWindowRows <= HISTORY_WINDOW &&
    res.gotos.every((g) => g.landed === g.expected) &&
    res.counted === res.expectedCount;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    [
      `| fact | value |`,
      `| --- | ---: |`,
      `| stream | ${res.n.toLocaleString('en-US')} entries (Lua fill ${s(res.fillMs)}) |`,
      `| walked back | ${res.walkedRows.toLocaleString('en-US')} rows, 100 per move, ${res.pageLoads} page loads, ${s(res.walkMs)} (${Math.round(res.walkedRows / (res.walkMs / 1000)).toLocaleString('en-US')} rows/s); every landing right: ${res.walkCorrect} |`,
      `| window | ≤ ${res.maxWindowRows} rows (limit ${HISTORY_WINDOW}) |`,
      `| RSS MB at 0, 10 %, … 100 % of the walk${(globalThis as { gc?: unknown }).gc ? ' (after GC)' : ''} | ${res.rssMb.join(' · ')} |`,
      `| heap used MB, same points | ${res.heapMb.join(' · ')} |`,
      `| :goto (IDs, ms, local times) | ${res.gotos.filter((g) => g.landed === g.expected).length} of ${res.gotos.length} landed on the expected entry |`,
      `| range count of 999,000 entries (view, paged script) | ${s(res.countMs)}, exact: ${res.counted === res.expectedCount} |`,
      `| baseline: plain XRANGE read of the same range (countRange) | ${s(res.countBaselineMs)} (view / baseline = ${(res.countMs / res.countBaselineMs).toFixed(2)}) |`,
      `| load average at the end (1/5/15 min) | ${res.load.join(' / ')} |`,
      '',
    ].join('\n'),
  );
  process.exit(ok ? 0 : 1);
}
