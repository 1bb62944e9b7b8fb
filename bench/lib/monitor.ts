/**
 * Runs the real monitor (`node dist/cli/main.js`) in a tmux terminal with its stats hook
 * (`STREAMSCOPE_STATS_FILE`, src/cli/stats-file.ts: one JSON line a second) and reads the lines.
 */
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxTerminal } from './tmux.js';
import { DIST_MAIN } from './library.js';
import { LatencyHistogram } from './stats.js';
import { sleep } from './context.js';
import type { StatsLine } from '../../src/cli/stats-file.js';

/** What the monitor's stats file said so far. */
export interface MonitorStats {
  lines: StatsLine[];
  /** Entries the tail delivered since start (the last line's count). */
  received: number;
  /** `at` of the last line (ms since epoch), or 0 with no line yet. */
  at: number;
}

/** Tail lag (receipt − entry time) of the seconds after `since` (a MonitorStats.at), merged. */
export function lagHistogram(s: MonitorStats, since = 0): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const line of s.lines)
    if (line.at > since)
      for (const [ms, n] of Object.entries(line.lagBuckets ?? {})) h.add(Number(ms), n);
  return h;
}

/** Sum of a per-second counter over the seconds after `since`. */
export function sumSince(s: MonitorStats, since: number, f: (l: StatsLine) => number): number {
  return s.lines.filter((l) => l.at > since).reduce((a, l) => a + f(l), 0);
}

/**
 * The V8 flags the binary's shebang gives it (`#!/usr/bin/env -S node <flags>`): the monitor is
 * measured as an installed `streamscope` runs, not as a bare `node dist/cli/main.js`.
 */
export function binaryNodeFlags(): string[] {
  const first = readFileSync(DIST_MAIN, 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env -S node (.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/) : [];
}

export interface MonitorHandle {
  pid: number;
  term: TmuxTerminal;
  launchedAt: number;
  stats(): MonitorStats | null;
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
  const statsFile = join(dir, 'stats.ndjson');
  const term = new TmuxTerminal(120, 40);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [
    'exec',
    'node',
    ...binaryNodeFlags(),
    ...nodeArgs,
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
    STREAMSCOPE_STATS_FILE: statsFile,
    STREAMSCOPE_LOG: join(dir, 'monitor.log'),
  });
  return {
    pid,
    term,
    launchedAt,
    stats() {
      try {
        const lines = readFileSync(statsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as StatsLine);
        if (lines.length === 0) return null;
        const last = lines[lines.length - 1];
        return { lines, received: last.received, at: last.at };
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
