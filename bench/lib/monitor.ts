/**
 * Runs the real monitor (`node dist/cli/main.js`) in a tmux terminal with the observation preload
 * (monitor-probe.mjs), and reads what the preload reports.
 */
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TmuxTerminal } from './tmux.js';
import { DIST_MAIN } from './library.js';
import { LatencyHistogram } from './stats.js';
import { sleep } from './context.js';

const PROBE = fileURLToPath(new URL('./monitor-probe.mjs', import.meta.url));

export interface ProbeStats {
  pid: number;
  xreads: number;
  entries: number;
  firstEntryAt: number | null;
  lastEntryAt: number | null;
  lastId: string | null;
  writes: number;
  writeBytes: number;
  lag: Record<string, number>;
  at: number;
  memory: NodeJS.MemoryUsage;
}

export function lagHistogram(s: ProbeStats): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const [ms, n] of Object.entries(s.lag)) h.add(Number(ms), n);
  return h;
}

export interface MonitorHandle {
  pid: number;
  term: TmuxTerminal;
  launchedAt: number;
  stats(): ProbeStats | null;
  /** `q`, then kill the tmux server; the process is gone when this resolves. */
  stop(): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(DIST_MAIN))
    throw new Error(`${DIST_MAIN} is missing: run \`npm run build\` (npm run bench does)`);
}

export function launchMonitor(
  url: string,
  prefix: string,
  extraArgs: string[] = [],
  nodeArgs: string[] = [],
): MonitorHandle {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-bench-mon-'));
  const statsFile = join(dir, 'stats.json');
  const term = new TmuxTerminal(120, 40);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [
    'exec',
    'node',
    ...nodeArgs,
    '--import',
    PROBE,
    DIST_MAIN,
    '--url',
    url,
    '--prefix',
    prefix,
    ...extraArgs,
  ]
    .map((a, i) => (i === 0 ? a : quote(a)))
    .join(' ');
  const launchedAt = Date.now();
  const pid = term.start(`cd ${quote(dir)} && ${cmd}`, {
    STREAMSCOPE_BENCH_STATS: statsFile,
    STREAMSCOPE_LOG: join(dir, 'monitor.log'),
  });
  return {
    pid,
    term,
    launchedAt,
    stats() {
      try {
        return JSON.parse(readFileSync(statsFile, 'utf8')) as ProbeStats;
      } catch {
        return null;
      }
    },
    async stop() {
      try {
        if (!term.paneDead()) term.sendKeys('q');
        for (let i = 0; i < 40 && !term.paneDead(); i++) await sleep(50);
      } catch {
        // fall through to kill
      }
      term.kill();
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Newest stream ID visible on screen (the live pane's STREAM ID column), as ms since the epoch. */
export function newestIdOnScreen(screen: string): number | null {
  let best: number | null = null;
  for (const m of screen.matchAll(/\b(\d{13})-\d+\b/g)) {
    const ms = Number(m[1]);
    if (best === null || ms > best) best = ms;
  }
  return best;
}

/** Wait until `pred(screen)` holds; returns the time it first held (ms since epoch) or null on timeout. */
export async function waitForScreen(
  term: TmuxTerminal,
  pred: (screen: string) => boolean,
  timeoutMs: number,
  pollMs = 20,
): Promise<number | null> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    let screen = '';
    try {
      screen = term.capture();
    } catch {
      // not up yet
    }
    if (pred(screen)) return Date.now();
    await sleep(pollMs);
  }
  return null;
}
