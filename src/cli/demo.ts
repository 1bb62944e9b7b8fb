/**
 * `streamscope demo`: a private redis-server (free loopback port, temp dir, no persistence),
 * history and live traffic written with the library, workers in three consumer groups, and
 * the monitor on top. It never touches a server it did not start, and leaves no process behind.
 */
import { DEFAULT_PREFIX } from '../core/keys.js';
import { randomSeed } from '../demo/prng.js';
import type { DemoHandle, DemoStats } from '../demo/scenario.js';
import { exitAfterHangup } from './hangup.js';
import { parseFlags, parseNumberFlag, UsageError, usageLine } from './args.js';
import type { RunningRedis } from '../local-redis/private-redis.js';

export const DEMO_USAGE = `streamscope demo — see streamscope at work, with nothing to configure

Starts a private redis-server (loopback, a free port, a temp dir, no persistence), seeds a few
thousand events, keeps producing, runs workers (a healthy group, a slow one, a crashed consumer,
a poison message), then opens the monitor on it. Quitting stops everything it started.

Usage:
  streamscope demo [options]

Options:
  --no-ui           only the server and the traffic; print the URL to point the monitor or
                    redis-cli at from another terminal (stop with ctrl+c)
  --seed <n>        make the traffic reproducible (default: random, printed)
  --rate <n>        events per second outside bursts (default 200)
  --port <n>        port for the private server (default: a free one; must be free)
  -y, --yes         install redis-server without asking if it is missing (Debian/Ubuntu)
  -h, --help        this help
`;

export interface DemoArgs {
  ui: boolean;
  seed: number | null;
  rate: number;
  port: number | undefined;
  yes: boolean;
  help: boolean;
}

export const DEMO_FLAGS = {
  'no-ui': { type: 'boolean' },
  seed: { type: 'string' },
  rate: { type: 'string' },
  port: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The parsed flags, or the one-line reason they cannot be used. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs | string {
  try {
    const v = parseFlags(argv, DEMO_FLAGS).values;
    return {
      ui: !v['no-ui'],
      seed:
        v.seed === undefined
          ? null
          : parseNumberFlag('seed', v.seed, 0, { min: 0, max: 2 ** 32 - 1 }),
      rate: parseNumberFlag('rate', v.rate, 200, { min: 0, max: 100000, unit: 'events/s' }),
      port: v.port === undefined ? undefined : parseNumberFlag('port', v.port, 0, { max: 65535 }),
      yes: v.yes ?? false,
      help: v.help ?? false,
    };
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

/** Events written before the workers start (the history the monitor opens on). */
const DEMO_HISTORY = 3000;

/** Log lines the scenario produces on purpose (see src/demo/scenario.ts). */
const SCENARIO_LINE = /crashed \(simulated\)|failed \(delivery \d+\)|dead-lettered /;

const err = (line: string) =>
  process.stderr.write(`streamscope demo: ${line.replace(/\n?$/, '\n')}`);

function statusLine(stats: DemoStats, rate: number): string {
  const w = stats.workers;
  const idx = (w['indexer-1']?.handled ?? 0) + (w['indexer-2']?.handled ?? 0);
  return `written ${stats.producer.written}${stats.producer.bursting ? ' (burst)' : ''} · alice-main handled ${idx} · thumbnailer ${w['thumb-1']?.handled ?? 0} (falling behind) · workflow-tracker ${w['tracker-2']?.handled ?? 0}${w['tracker-1']?.crashed ? ', tracker-1 crashed' : ''} · poison sent ${stats.producer.poison} · target ${rate}/s`;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseDemoArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(usageLine('demo', new UsageError(args)));
    return 2;
  }
  if (args.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  // Progress on stderr, so the screen is never blank for long while the demo starts (the
  // monitor's alternate screen covers these lines; they are back after it closes).
  const t0 = Date.now();
  const progress = (line: string) => err(`${line} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  progress('loading…');
  // Load the monitor (React, Ink, the panes: ~0.5–1 s) while the server starts and the history is
  // written, not after. A failed import surfaces where it is awaited.
  const monitorModule = args.ui ? import('./monitor.js') : null;
  monitorModule?.then((m) => m.loadTui()).catch(() => {});
  // The server, the library and ioredis load after --help and argument errors (fast help).
  const [
    { ensureRedisServer },
    { installShutdown, startWatchdog },
    { startDemoTraffic },
    { startDemoServer },
  ] = await Promise.all([
    import('../demo/install.js'),
    import('../demo/lifecycle.js'),
    import('../demo/scenario.js'),
    import('../demo/server.js'),
  ]);
  if (!(await ensureRedisServer(args.yes, (l) => process.stderr.write(l)))) return 1;
  // This process talks only to the server it starts. Settings meant for the user's own server
  // must not leak into it: the library and the monitor would otherwise send that password
  // (AUTH fails on a server without one) or fall back to that URL.
  for (const name of ['REDIS_URL', 'REDIS_PASSWORD', 'REDISCLI_AUTH']) delete process.env[name];

  let server: RunningRedis | null = null;
  let traffic: DemoHandle | null = null;
  let watchdog: ReturnType<typeof import('../demo/lifecycle.js').startWatchdog> = null;
  let quiet = false; // once stopping, connection errors are expected: don't print them
  const cleanup = async () => {
    quiet = true;
    await traffic?.stop();
    // The watchdog leads its own process group: kill the group, so its `sleep` goes too.
    if (watchdog?.pid)
      try {
        process.kill(-watchdog.pid);
      } catch {
        /* already gone */
      }
    await server?.stop();
  };
  const force = () => {
    if (server)
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
  };
  const shutdown = installShutdown(cleanup, force, err, exitAfterHangup);
  const logs: string[] = [];
  // With the monitor on screen nothing may write to the terminal: keep the last unexpected
  // lines (the scenario's own crash, failures and dead letters are what the monitor shows)
  // and print them after it closes. Without the monitor, everything goes to stderr.
  const log = (line: string) => {
    if (quiet) return;
    if (!args.ui) return err(line);
    if (SCENARIO_LINE.test(line)) return;
    logs.push(line);
    if (logs.length > 10) logs.shift();
  };
  try {
    progress('starting a private redis-server…');
    server = await startDemoServer(args.port);
    watchdog = startWatchdog(server.pid, server.dir);
    const seed = args.seed ?? randomSeed();
    progress(
      `redis-server ${server.version} on ${server.url}; seeding ${DEMO_HISTORY} events, starting workers…`,
    );
    traffic = await startDemoTraffic({
      url: server.url,
      prefix: DEFAULT_PREFIX,
      seed,
      rate: args.rate,
      history: DEMO_HISTORY,
      log,
    });
    if (args.ui) progress(`seeded ${traffic.stats.producer.written} events; opening the monitor…`);
    const where = `${server.url} (redis-server ${server.version}, pid ${server.pid}, prefix ${DEFAULT_PREFIX}, seed ${seed})`;
    if (!args.ui) {
      process.stdout.write(
        `streamscope demo: ${where}\n` +
          `  seeded ${traffic.stats.producer.written} events; producing about ${args.rate} events/s with bursts\n` +
          `  watch it:  streamscope --url ${server.url}     or: redis-cli -p ${server.port}\n` +
          `  stop it:   ctrl+c (the server and its data go away)\n`,
      );
      const t = traffic;
      const timer = setInterval(
        () =>
          process.stdout.write(
            `  ${new Date().toISOString().slice(11, 19)}  ${statusLine(t.stats, args.rate)}\n`,
          ),
        10000,
      );
      timer.unref();
      // Runs until a signal: the shutdown handler cleans up and exits.
      await new Promise<never>(() => {});
    }
    const monitor = await monitorModule!;
    // --since: the live pane opens on the history just seeded, so the first frame already has
    // rows instead of waiting for the next event (the tail then follows as usual).
    const code = await monitor.run([
      '--url',
      server.url,
      '--prefix',
      DEFAULT_PREFIX,
      '--since',
      '10m',
    ]);
    await shutdown.run();
    // Everything the demo started is stopped; should some handle still hold the event loop
    // (a connection the monitor forgot), exit anyway after 2 s rather than hang after `q`.
    setTimeout(() => process.exit(code), 2000).unref();
    const st = traffic.stats.producer;
    err(
      `stopped after writing ${st.written} events (${st.poison} poison); the private redis-server and its data are gone`,
    );
    if (logs.length > 0)
      process.stderr.write(
        `streamscope demo: last log lines:\n${logs.map((l) => `  ${l}`).join('\n')}\n`,
      );
    return code;
  } catch (e) {
    await shutdown.run();
    err(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    shutdown.dispose();
  }
}
