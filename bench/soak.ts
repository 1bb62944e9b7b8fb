/**
 * `npm run soak -- --minutes 10 [--rate 100] [--out file.json]`: a long run of everything at once
 * on a private redis-server — the demo traffic and workers (src/demo/scenario.ts, in this
 * process) and the real monitor (dist/cli/main.js) in a tmux terminal of its own — sampling every
 * 5 s the monitor's RSS (/proc) and event-loop delay (its STREAMSCOPE_STATS_FILE lines), this
 * process's RSS and event-loop delay, and what the screen shows.
 *
 * Passes when:
 *  - RSS slope over the last half of the run is ~0: |least-squares slope| ≤ 1 MB/min for the
 *    monitor and for the worker process (the first half is warm-up: rings and caches fill);
 *  - no error lines: the monitor's stderr is empty, its screen never showed `reconnecting` or
 *    `✖`, and every library/demo log line is one the scenario causes on purpose (the poison
 *    event's failed deliveries and dead letter, the simulated crash of tracker-1);
 *  - all events accounted for: after the producer stops, a drain consumer finishes the healthy
 *    group; then for every type stream its pending count and lag are 0 and entries-added equals
 *    what the producer wrote, and the monitor's tail received every entry of the global stream
 *    added while it ran (unless it reported sampling).
 * Prints one JSON summary (and writes it to --out) and exits 1 when a check fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/local-redis/private-redis.js';
import { startDemoTraffic, HEALTHY_GROUP } from '../src/demo/scenario.js';
import { DEMO_EVENT_TYPES } from '../src/demo/traffic-model.js';
import { isPoison } from '../src/demo/payloads.js';
import { EventPersistence } from '../src/streams/event-persistence.js';
import { DIST_MAIN } from './lib/library.js';
import { memory } from './lib/proc.js';
import { TmuxTerminal } from './lib/tmux.js';
import { sleep } from './lib/context.js';

const SAMPLE_MS = 5000;
const SLOPE_BOUND_MB_PER_MIN = 1;
const PREFIX = 'soak:events:';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`soak: --${name} needs a positive number, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return v;
}

function outArg(): string | null {
  const i = process.argv.indexOf('--out');
  return i < 0 ? null : (process.argv[i + 1] ?? null);
}

/** Least-squares slope of y over x (x in minutes): MB per minute. */
export function slope(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Log lines the scenario causes on purpose (the poison event, the simulated crash). */
const EXPECTED_LOG = [
  /worker indexer-\d: .* failed \(delivery \d+\): cannot decode .*truncated PNG/,
  /dead-letter/i,
  /worker tracker-1: crashed \(simulated\)/,
];

interface Sample {
  atMin: number;
  monitorRssMb: number | null;
  monitorLoopP99Ms: number | null;
  monitorLoopMaxMs: number | null;
  workersRssMb: number;
  workersLoopP99Ms: number;
  written: number;
  monitorReceived: number | null;
  connected: boolean;
}

async function main(): Promise<number> {
  const minutes = arg('minutes', 10);
  const rate = arg('rate', 100);
  if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: npm run build`);
  const started = Date.now();
  const loadStart = loadavg().map((l) => l.toFixed(2));
  const server = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-soak-'));
  const statsFile = join(dir, 'stats.ndjson');
  const errFile = join(dir, 'monitor.stderr');
  const term = new TmuxTerminal(120, 40, 'streamscope-soak-i13');
  const admin = new Redis(server.url, { maxRetriesPerRequest: 2 });
  const logs: string[] = [];
  const screenProblems: string[] = [];
  let demo: Awaited<ReturnType<typeof startDemoTraffic>> | null = null;
  try {
    // The monitor first, so its tail (from `$`) sees every event the demo writes.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const pid = term.start(
      `exec node ${quote(DIST_MAIN)} --url ${quote(server.url)} --prefix ${quote(PREFIX)} 2>${quote(errFile)}`,
      { STREAMSCOPE_STATS_FILE: statsFile, XDG_STATE_HOME: dir },
    );
    for (let i = 0; i < 100 && !/connected/.test(safeCapture(term)); i++) await sleep(100);
    demo = await startDemoTraffic({
      url: server.url,
      prefix: PREFIX,
      seed: 13,
      rate,
      history: 500,
      log: (l) => logs.push(l),
    });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const samples: Sample[] = [];
    const end = started + minutes * 60_000;
    while (Date.now() < end) {
      await sleep(SAMPLE_MS);
      const screen = safeCapture(term);
      if (/reconnecting|✖/.test(screen))
        screenProblems.push(screen.split('\n').find((l) => /reconnecting|✖/.test(l)) ?? '');
      const stats = lastStats(statsFile);
      const mem = memory(pid);
      samples.push({
        atMin: (Date.now() - started) / 60_000,
        monitorRssMb: mem ? mem.rss / 1024 / 1024 : null,
        monitorLoopP99Ms: stats?.loopDelayP99Ms ?? null,
        monitorLoopMaxMs: stats?.loopDelayMaxMs ?? null,
        workersRssMb: process.memoryUsage.rss() / 1024 / 1024,
        workersLoopP99Ms: Math.round(loop.percentile(99) / 1e6),
        written: demo.stats.producer.written,
        monitorReceived: stats?.received ?? null,
        connected: /● connected/.test(screen),
      });
      loop.reset();
      const s = samples[samples.length - 1];
      console.error(
        `soak: ${s.atMin.toFixed(1)} min: monitor ${s.monitorRssMb?.toFixed(1)} MB, loop p99 ${s.monitorLoopP99Ms} ms; workers ${s.workersRssMb.toFixed(1)} MB, loop p99 ${s.workersLoopP99Ms} ms; written ${s.written}`,
      );
    }
    const producerStats = demo.stats.producer;
    await demo.stop(); // a write in flight at the stop is counted once it resolves
    demo = null;
    const writtenByProducer = producerStats.written;

    // Drain: the healthy group's own consumers, restarted, finish what is left (own PEL first,
    // then idle claims, then new entries). Poison keeps failing until it is dead-lettered.
    const drain = new EventPersistence({
      redisUrl: server.url,
      streamPrefix: PREFIX,
      consumerGroup: HEALTHY_GROUP,
      logger: (l) => logs.push(l),
    });
    await drain.connect();
    const controller = new AbortController();
    let drained = 0;
    const consumers = ['indexer-1', 'indexer-2'].map(async (name) => {
      for await (const d of drain.consumeEvents([...DEMO_EVENT_TYPES], name, {
        blockMs: 200,
        count: 100,
        claimIdleMs: 200,
        claimEveryMs: 200,
        signal: controller.signal,
      })) {
        const poison = d.event?.eventType === 'asset.processed' && isPoison(d.event.data);
        if (!poison) {
          await d.ack();
          drained++;
        }
      }
    });
    const groupState = async () => {
      let added = 0;
      let pending = 0;
      let lag = 0;
      for (const type of DEMO_EVENT_TYPES) {
        const key = `${PREFIX}${type}`;
        if (!(await admin.exists(key))) continue;
        const info = (await admin.xinfo('STREAM', key)) as unknown[];
        added += Number(info[info.indexOf('entries-added') + 1]);
        const groups = (await admin.xinfo('GROUPS', key)) as unknown[][];
        const g = groups.find((x) => x[x.indexOf('name') + 1] === HEALTHY_GROUP);
        if (!g) continue;
        pending += Number(g[g.indexOf('pending') + 1]);
        lag += Number(g[g.indexOf('lag') + 1] ?? 0);
      }
      return { added, pending, lag };
    };
    const drainDeadline = Date.now() + 120_000;
    let state = await groupState();
    while ((state.pending > 0 || state.lag > 0) && Date.now() < drainDeadline) {
      await sleep(500);
      state = await groupState();
    }
    controller.abort();
    await Promise.allSettled(consumers);
    let deadLetters = 0;
    for (const type of DEMO_EVENT_TYPES) deadLetters += (await drain.getDeadLetters(type)).length;
    await drain.disconnect();

    const gInfo = (await admin.xinfo('STREAM', `${PREFIX}all`).catch(() => null)) as
      unknown[] | null;
    const globalAdded = gInfo ? Number(gInfo[gInfo.indexOf('entries-added') + 1]) : 0;
    await sleep(1500); // the monitor's last stats line
    const stats = readStats(statsFile);
    const everSampled = stats.some((l) => l.sampling !== null);
    const received = stats.at(-1)?.received ?? 0;
    const stderr = readFileSync(errFile, 'utf8');
    term.sendKeys('q');
    for (let i = 0; i < 40 && !term.paneDead(); i++) await sleep(50);

    const half = samples.filter((s) => s.atMin >= minutes / 2);
    const monSlope = slope(
      half.filter((s) => s.monitorRssMb !== null).map((s) => [s.atMin, s.monitorRssMb!]),
    );
    const wrkSlope = slope(half.map((s) => [s.atMin, s.workersRssMb]));
    const unexpected = logs.filter((l) => !EXPECTED_LOG.some((re) => re.test(l)));
    const max = (xs: (number | null)[]) => Math.max(...xs.map((x) => x ?? 0));
    const summary = {
      command: `npm run soak -- --minutes ${minutes} --rate ${rate}`,
      startedAt: new Date(started).toISOString(),
      wallMinutes: Number(((Date.now() - started) / 60_000).toFixed(1)),
      loadStart,
      loadEnd: loadavg().map((l) => l.toFixed(2)),
      samples: samples.length,
      writtenByProducer,
      typeStreamsAdded: state.added,
      healthyPendingAfterDrain: state.pending,
      healthyLagAfterDrain: state.lag,
      drainedAfterStop: drained,
      deadLetters,
      monitor: {
        rssFirstMb: Number(samples[0]?.monitorRssMb?.toFixed(1)),
        rssLastMb: Number(samples.at(-1)?.monitorRssMb?.toFixed(1)),
        rssMaxMb: Number(max(samples.map((s) => s.monitorRssMb)).toFixed(1)),
        rssSlopeLastHalfMbPerMin: Number(monSlope.toFixed(3)),
        loopDelayP99MaxMs: max(samples.map((s) => s.monitorLoopP99Ms)),
        loopDelayMaxMs: max(samples.map((s) => s.monitorLoopMaxMs)),
        received,
        globalAdded,
        everSampled,
        stderrBytes: stderr.length,
        samplesConnected: samples.filter((s) => s.connected).length,
        screenProblems: screenProblems.length,
      },
      workers: {
        rssFirstMb: Number(samples[0]?.workersRssMb.toFixed(1)),
        rssLastMb: Number(samples.at(-1)?.workersRssMb.toFixed(1)),
        rssSlopeLastHalfMbPerMin: Number(wrkSlope.toFixed(3)),
        loopDelayP99MaxMs: max(samples.map((s) => s.workersLoopP99Ms)),
      },
      logLines: logs.length,
      unexpectedLogLines: unexpected.slice(0, 10),
      slopeBoundMbPerMin: SLOPE_BOUND_MB_PER_MIN,
    };
    const failures: string[] = [];
    if (Math.abs(monSlope) > SLOPE_BOUND_MB_PER_MIN)
      failures.push(`monitor RSS slope ${monSlope.toFixed(2)} MB/min`);
    if (Math.abs(wrkSlope) > SLOPE_BOUND_MB_PER_MIN)
      failures.push(`workers RSS slope ${wrkSlope.toFixed(2)} MB/min`);
    if (stderr.length > 0) failures.push(`monitor stderr: ${stderr.slice(0, 200)}`);
    if (screenProblems.length > 0) failures.push(`screen: ${screenProblems[0]}`);
    if (unexpected.length > 0) failures.push(`log: ${unexpected[0]}`);
    if (state.pending > 0 || state.lag > 0)
      failures.push(`healthy group not drained: ${JSON.stringify(state)}`);
    if (state.added !== writtenByProducer)
      failures.push(`type streams added ${state.added} ≠ written ${writtenByProducer}`);
    if (!everSampled && received !== globalAdded)
      failures.push(`monitor received ${received} of ${globalAdded}`);
    const result = { ...summary, pass: failures.length === 0, failures };
    const json = JSON.stringify(result, null, 2);
    console.log(json);
    const out = outArg();
    if (out) writeFileSync(out, json + '\n');
    return failures.length === 0 ? 0 : 1;
  } finally {
    if (demo) await demo.stop();
    term.kill();
    admin.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function safeCapture(term: TmuxTerminal): string {
  try {
    return term.capture();
  } catch {
    return '';
  }
}

interface StatsLine {
  received: number;
  sampling: unknown;
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
}

function readStats(file: string): StatsLine[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as StatsLine);
  } catch {
    return [];
  }
}

function lastStats(file: string): StatsLine | null {
  return readStats(file).at(-1) ?? null;
}

// tmux must exist (the monitor needs a terminal).
if (spawnSync('tmux', ['-V']).status !== 0) {
  console.error('soak: needs tmux');
  process.exit(2);
}
process.exitCode = await main();
