/**
 * `STREAMSCOPE_STATS_FILE=<file>`: once a second the monitor appends one JSON line with what a
 * benchmark needs to know about it — entries received (total and in the last second), tail lag
 * (receipt time − the entry ID's time, ms: p50/p99/max over the last second), frames drawn and the
 * longest gap between two frames (ms), the sampling state, the process's RSS (MB) and its
 * event-loop delay over the last second (p99 and max, ms: perf_hooks, 10 ms resolution). Benchmarks
 * read this instead of injecting a probe with `--import`. Nothing is written when it is unset.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MonitorMessage } from '../core/messages.js';
import { streamIdToMs } from '../core/stream-id.js';

/** Ink's synchronized-output marks (ink/build/write-synchronized.js), written around each frame. */
const SYNC_BEGIN = '\u001B[?2026h';
const SYNC_END = '\u001B[?2026l';

/** Lag histogram: 1 ms buckets up to 60 s (later ones land in the last bucket). */
const MAX_LAG_MS = 60_000;

export interface StatsLine {
  at: number;
  received: number;
  receivedLastSec: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  /** The last second's lag histogram, sparse: `{ "<ms>": count }` (so a reader can merge seconds). */
  lagBuckets: Record<string, number>;
  /** EventsReceived messages in the last second (the tail batches reads into one per ~100 ms). */
  messages: number;
  /** Frames Ink wrote in the last second (its synchronized-output marks not counted). */
  frames: number;
  maxFrameGapMs: number | null;
  /** While sampling: the ratio (0 until measured), the exact rate, why (`reason` of TailSampled). */
  sampling: { oneIn: number; perSec: number; reason: string | null } | null;
  rssMb: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface StatsRecorder {
  observe(msg: MonitorMessage): void;
  close(): void;
}

export function startStatsFile(
  file: string | undefined,
  stdout: NodeJS.WriteStream = process.stdout,
): StatsRecorder | null {
  if (!file) return null;
  const lag = new Uint32Array(MAX_LAG_MS + 1);
  let lagCount = 0;
  let lagMax = -1;
  let received = 0;
  let lastSec = 0;
  let messages = 0;
  let frames = 0;
  let lastFrame: number | null = null;
  let maxGap: number | null = null;
  let sampling: StatsLine['sampling'] = null;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // Ink writes one chunk per frame, bracketed on a terminal by the synchronized-output marks
  // (CSI ? 2026 h / l, each a write of its own): count the frames, not the marks (counting every
  // write read 3× the frames), and the longest pause between two.
  const write = stdout.write.bind(stdout) as (...a: unknown[]) => boolean;
  stdout.write = ((...args: unknown[]) => {
    if (args[0] === SYNC_BEGIN || args[0] === SYNC_END) return write(...args);
    const now = performance.now();
    if (lastFrame !== null) maxGap = Math.max(maxGap ?? 0, now - lastFrame);
    lastFrame = now;
    frames++;
    return write(...args);
  }) as typeof stdout.write;

  const percentile = (q: number): number | null => {
    if (lagCount === 0) return null;
    const want = Math.ceil(q * lagCount);
    let seen = 0;
    for (let i = 0; i < lag.length; i++) if ((seen += lag[i]) >= want) return i;
    return MAX_LAG_MS;
  };
  const timer = setInterval(() => {
    const line: StatsLine = {
      at: Date.now(),
      received,
      receivedLastSec: received - lastSec,
      lagP50Ms: percentile(0.5),
      lagP99Ms: percentile(0.99),
      lagMaxMs: lagMax < 0 ? null : lagMax,
      lagBuckets: sparse(lag, lagMax),
      messages,
      frames,
      maxFrameGapMs: maxGap === null ? null : Math.round(maxGap),
      sampling,
      rssMb: Math.round(process.memoryUsage.rss() / 1e6),
      // Nanoseconds in the histogram; the resolution (10 ms) is part of every reading.
      loopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
      loopDelayMaxMs: Math.round(loop.max / 1e6),
    };
    loop.reset();
    lastSec = received;
    lag.fill(0);
    lagCount = 0;
    lagMax = -1;
    messages = 0;
    frames = 0;
    maxGap = null;
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A stats file that cannot be written must not break the monitor.
    }
  }, 1000);
  timer.unref();

  return {
    observe(msg) {
      if (msg.type === 'TailSampled')
        sampling = msg.sampling
          ? { oneIn: msg.oneIn, perSec: msg.perSec, reason: msg.reason ?? sampling?.reason ?? null }
          : null;
      if (msg.type !== 'EventsReceived') return;
      received += msg.events.length;
      messages++;
      for (const e of msg.events) {
        const ms = Math.max(0, Math.min(MAX_LAG_MS, msg.receivedAt - streamIdToMs(e.id)));
        if (!Number.isFinite(ms)) continue;
        lag[Math.floor(ms)]++;
        lagCount++;
        if (ms > lagMax) lagMax = Math.floor(ms);
      }
    },
    close() {
      clearInterval(timer);
      loop.disable();
      stdout.write = write as typeof stdout.write;
    },
  };
}

function sparse(lag: Uint32Array, max: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i <= Math.min(max, MAX_LAG_MS); i++) if (lag[i] > 0) out[i] = lag[i];
  return out;
}
