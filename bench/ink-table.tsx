/**
 * `npx tsx bench/ink-table.tsx [--frames N] [--runs N]`: the events pane's table drawn by the
 * local Table (src/ui/components/Table.tsx) vs @alcalzone/ink-table 1.1.1 (issue 8, item 11).
 *
 * No Redis: what differs is only the drawing, so the store is fed by hand. Each frame is what
 * the monitor does at 50k events/s: one batch of 5,000 events into the real store (the store
 * batches one setState per ~100 ms tick), the pane follows the tail, Ink renders the frame into
 * an 80×24 fake terminal. Measured per variant, variants alternating run by run:
 *  - CPU per frame: process.cpuUsage() over the frames ÷ frames (reducer + React + Yoga + output);
 *  - wall per frame: from the dispatch until Ink has written the frame;
 *  - rows visible: data rows on the 80×24 screen (pane height as the App gives it at 80×24).
 * Both variants get the same visible rows (virtualised: only the window on screen is passed in)
 * and the same cell text; the ink-table variants receive it already fitted to the local
 * layout's widths (ink-table sizes columns by their longest value and cannot truncate).
 */
import { Writable } from 'node:stream';
import { Box, render, Text } from 'ink';
import { Table as InkTable } from '@alcalzone/ink-table';
import type { ReactNode } from 'react';
import type { TailEvent } from '../src/core/messages.js';
import { ReceivedEvent } from '../src/monitor/tail.js';
import { createMonitorStore, type MonitorStore } from '../src/store/create-store.js';
import { defaultConfig } from '../src/store/state.js';
import { eventAt, selectEventCursor, selectEventRows } from '../src/store/selectors.js';
import { layoutColumns, scrollOffset, Table } from '../src/ui/components/Table.js';
import { fit } from '../src/ui/format.js';
import { StoreContext, useMonitor } from '../src/ui/hooks/use-monitor.js';
import { EVENT_COLUMNS } from '../src/ui/panes/events/LiveEventsPane.js';
import { sanitize } from '../src/ui/sanitize.js';
import { setThemeMode } from '../src/ui/theme.js';
import { wireJson } from './lib/workload.js';

const WIDTH = 80;
/** The events pane's table height in the App at 80×24: 23 rows drawn (one short of the terminal), minus status bar, tabs, footer and the pane's title line. */
const TABLE_HEIGHT = 23 - 1 - 1 - 1 - 1;
const BATCH = 5_000; // 50k events/s in 100 ms ticks
const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const FRAMES = flag('--frames', 120);
const RUNS = flag('--runs', 3);

// ── events (built once, as the tail builds them) ───────────────────────────────────────────

const POOL = Array.from({ length: 2_000 }, (_, i) => wireJson(i));
let nextMs = 1_764_000_000_000;
function batch(n: number): TailEvent[] {
  const out: TailEvent[] = [];
  for (let i = 0; i < n; i++) {
    const w = POOL[(nextMs + i) % POOL.length];
    const fields = { event: w.json, type: w.eventType };
    out.push(new ReceivedEvent(`${nextMs}-${i}`, fields, w.json.length + 40));
  }
  nextMs += 1;
  return out;
}

// ── the three tables ───────────────────────────────────────────────────────────────────────

type Variant = 'local' | 'ink-table (default borders)' | 'ink-table (borderless, dense)';
const VARIANTS: Variant[] = [
  'local',
  'ink-table (default borders)',
  'ink-table (borderless, dense)',
];

function LocalTable() {
  const rows = useMonitor(selectEventRows);
  const cursor = useMonitor((s) => selectEventCursor(s, selectEventRows(s)));
  return (
    <Table
      data={{ length: rows.length, at: (i) => eventAt(rows, i) }}
      columns={EVENT_COLUMNS}
      width={WIDTH}
      height={TABLE_HEIGHT}
      cursor={cursor}
    />
  );
}

const Nothing = (): ReactNode => null;
const Line = ({ children }: { children?: ReactNode }) => (
  <Text wrap="truncate-end">{children}</Text>
);

/** ink-table fed what the local Table shows: the visible window, cells fitted to the same widths. */
function InkTableEvents({ borderless }: { borderless: boolean }) {
  const rows = useMonitor(selectEventRows);
  const cursor = useMonitor((s) => selectEventCursor(s, selectEventRows(s)));
  // Bordered: every row costs a separator line, and the frame two more.
  const body = borderless ? TABLE_HEIGHT - 1 : Math.floor((TABLE_HEIGHT - 3) / 2);
  const offset = scrollOffset(0, cursor, rows.length, body);
  const end = Math.min(rows.length, offset + body);
  // The local layout (content-measured like Table does), then narrowed by what ink-table adds:
  // one space each side of every cell (its padding cannot be 0) and, bordered, the │ lines.
  const measure = (col: (typeof EVENT_COLUMNS)[number]) => {
    let w = 0;
    for (let i = offset; i < end; i++) w = Math.max(w, sanitize(col.cell(eventAt(rows, i))).length);
    return w;
  };
  const layout = layoutColumns(EVENT_COLUMNS, WIDTH, 1, measure).map((l) => ({ ...l }));
  const k = layout.length;
  const localTotal = 2 + layout.reduce((n, l) => n + l.width, 0) + (k - 1);
  const inkTotal = (w: number) => (borderless ? 3 + w + 2 * k : k + 2 + 3 + w + 2 * k);
  const excess = inkTotal(localTotal - 2 - (k - 1)) - WIDTH;
  layout[k - 1].width = Math.max(1, layout[k - 1].width - excess);
  const data: Record<string, string>[] = [];
  for (let i = offset; i < end; i++) {
    const e = eventAt(rows, i);
    const r: Record<string, string> = { ' ': i === cursor ? '›' : ' ' };
    for (const { col, width } of layout) r[col.title] = fit(sanitize(col.cell(e)), width);
    data.push(r);
  }
  return (
    <InkTable
      data={data}
      columns={[' ', ...layout.map((l) => l.col.title)]}
      padding={1}
      {...(borderless ? { skeleton: Nothing as never, cell: Line as never } : {})}
    />
  );
}

function Pane({ variant }: { variant: Variant }) {
  return (
    <Box flexDirection="column" width={WIDTH} height={TABLE_HEIGHT} overflow="hidden">
      {variant === 'local' ? (
        <LocalTable />
      ) : (
        <InkTableEvents borderless={variant === 'ink-table (borderless, dense)'} />
      )}
    </Box>
  );
}

// ── a fake 80×24 terminal ──────────────────────────────────────────────────────────────────

class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = WIDTH;
  readonly rows = 24;
  writes = 0;
  last = '';
  private waiting: (() => void) | null = null;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.writes++;
    // Ink brackets each frame with synchronized-output markers, written separately.
    const text = chunk.toString();
    if (text.includes('\n')) this.last = text;
    this.waiting?.();
    this.waiting = null;
    done();
  }
  nextWrite(): Promise<void> {
    return new Promise((r) => (this.waiting = r));
  }
}

interface RunResult {
  cpuMsPerFrame: number;
  wallMsPerFrame: number[];
  rowsVisible: number;
}

async function run(variant: Variant): Promise<RunResult> {
  setThemeMode('plain');
  const store: MonitorStore = createMonitorStore({
    config: defaultConfig(),
    commands: { readOnly: false, readOnlyReason: null, run: async () => {} },
    queries: { loadPendingPage: async () => {}, loadEntry: async () => {} },
    timers: {
      setTimeout: () => null,
      clearTimeout: () => {},
      setInterval: () => null,
      clearInterval: () => {},
    },
  });
  // A full ring first (10,000 held), as after two seconds at 50k/s.
  store.dispatch({ type: 'EventsReceived', events: batch(10_000), receivedAt: Date.now() });
  store.flush();
  const term = new FakeTerminal();
  const app = render(
    <StoreContext.Provider value={store}>
      <Pane variant={variant} />
    </StoreContext.Provider>,
    {
      stdout: term as unknown as NodeJS.WriteStream,
      patchConsole: false,
      exitOnCtrlC: false,
      maxFps: 10_000,
    },
  );
  await new Promise((r) => setTimeout(r, 50));
  const batches = Array.from({ length: FRAMES + 10 }, () => batch(BATCH));
  const frame = async (i: number) => {
    const written = term.nextWrite();
    store.dispatch({ type: 'EventsReceived', events: batches[i], receivedAt: Date.now() });
    store.flush();
    await written;
  };
  for (let i = 0; i < 10; i++) await frame(i); // warm-up
  const wall: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 10; i < FRAMES + 10; i++) {
    const t0 = performance.now();
    await frame(i);
    wall.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  // Rows on screen: lines of the last frame that hold a stream ID.
  const frameText = term.last;
  const rowsVisible = frameText.split('\n').filter((l) => /\b\d{13}-\d+\b/.test(l)).length;
  if (args.includes('--show'))
    console.log(`${variant}:\n${frameText.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')}`);
  app.unmount();
  store.close();
  return {
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / FRAMES,
    wallMsPerFrame: wall,
    rowsVisible,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

const results = new Map<Variant, RunResult[]>(VARIANTS.map((v) => [v, []]));
for (let r = 0; r < RUNS; r++) {
  // Alternate the order run by run, so a load spike does not land on one variant.
  const order = r % 2 ? [...VARIANTS].reverse() : VARIANTS;
  for (const v of order) results.get(v)!.push(await run(v));
}
const base = median(results.get('local')!.map((x) => x.cpuMsPerFrame));
console.log(
  `| table | CPU ms per frame, median of ${RUNS} runs (min–max) | vs local | wall ms per frame p50 / p95 | data rows visible at 80×24 |`,
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const v of VARIANTS) {
  const rs = results.get(v)!;
  const cpus = rs.map((x) => x.cpuMsPerFrame);
  const walls = rs.flatMap((x) => x.wallMsPerFrame);
  const f = (n: number) => n.toFixed(2);
  console.log(
    `| ${v} | ${f(median(cpus))} (${f(Math.min(...cpus))}–${f(Math.max(...cpus))}) | ${(median(cpus) / base).toFixed(2)}× | ${f(median(walls))} / ${f(p95(walls))} | ${rs[0].rowsVisible} |`,
  );
}
