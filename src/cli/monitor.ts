/**
 * `streamscope [monitor]`: argv → connections → loops → store → Ink. The composition root of
 * the monitor, the only place that sees monitor/, streams/, store/ and ui/ together.
 *
 * The monitor opens even when Redis is unreachable (refused, timeout): the loops retry with
 * backoff and the status bar says why. Errors retrying cannot fix (auth, TLS, not a Redis, unknown
 * host, too old) end it with one line and exit 1 before the screen opens (monitor-preflight.ts). Nothing is logged to stdout while Ink owns it (console output goes to
 * $STREAMSCOPE_LOG if set, else nowhere).
 */
import '../ui/production-mode.js';
import { exitAfterHangup } from './hangup.js';
import { keepCursorRestoreOnTerminal } from './cursor-restore.js';
import { appendFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { DEFAULT_PREFIX, createKeySpace, type KeyLayout } from '../core/keys.js';
import type { MonitorMessage } from '../core/messages.js';
import { isStreamId, nextStreamId } from '../core/stream-id.js';
import type { ResolvedTarget } from '../streams/connection.js';
import {
  CONNECTION_ARGS,
  clusterUsage,
  connectionFromArgs,
  insecureWarning,
  layoutFromArgs,
  tlsUsage,
  type CliConnection,
} from './connection-options.js';
import { parseFlags, parseNumberFlag, UsageError, usageLine } from './args.js';
import {
  THRESHOLD_ARGS,
  ThresholdUsageError,
  thresholdUsage,
  thresholdsFromArgs,
  type ThresholdArgValues,
  type Thresholds,
} from '../core/thresholds.js';
import { preflight } from './monitor-preflight.js';
import { Tail } from '../monitor/tail.js';
import { startStatsFile } from './stats-file.js';
import { Sampler, TailSwitch, TAIL_MODES, type TailMode } from '../monitor/sampler.js';
import { Poller } from '../monitor/poller.js';
import { createCommands } from '../monitor/commands.js';
import { Journal, journalPathFromArgs } from '../monitor/journal.js';
import type { CommandJournal } from '../monitor/journal-commands.js';
import { createQueries } from '../monitor/queries.js';
import { createFiles } from '../monitor/files.js';
import { createMonitorStore } from '../store/create-store.js';
import {
  DEFAULT_BUFFER,
  DEFAULT_MAX_LEN,
  DEFAULT_REFRESH_MS,
  defaultConfig,
} from '../store/state.js';

export const MONITOR_USAGE = `streamscope [monitor] — live events, lag, pending entries and consumer groups

Usage:
  streamscope [monitor] [options]

Options:
  --url <redis-url>        server (default: REDIS_URL, else redis://127.0.0.1:6379);
                           the password is never shown
${tlsUsage(27)}${clusterUsage(27)}  --prefix <prefix>        key prefix (default: ${DEFAULT_PREFIX})
  --read-only              no key changes anything in Redis (ack, claim, replay refused)
  --journal <file>         action journal (default: $XDG_STATE_HOME/streamscope/journal.ndjson,
                           else ~/.local/state/streamscope/journal.ndjson)
  --no-journal             do not record the monitor's actions in the journal
  --since <when>           start the live pane from history: a duration (30s, 5m, 1h, 2d)
                           or a stream ID; default: now (only new events)
  --refresh <ms>           snapshot interval in ms (default ${DEFAULT_REFRESH_MS})
  --buffer <n>             events kept in memory (default ${DEFAULT_BUFFER})
  --max-len <n>            MAXLEN your producers trim type streams to, for the lag warning
                           (default ${DEFAULT_MAX_LEN}, the library default; Redis does not store it)
  --archive <dir>          the history view continues into the days \`streamscope archive\` wrote
                           to <dir> when paging back past a stream's first entry
  --tail <mode>            full: read every event; sample: only the newest screenful per frame
                           (exact rates from entries-added, "sampling: 1 in N shown"); auto
                           (default): full, sampling once the backlog to the stream's end
                           grows past 0.5 s of reading (10k entries at least), full reading
                           falls 2 s behind, keeps its event loop > 90% busy for 2 s, or
                           reads > 150k/s; full again when the rate halves
${thresholdUsage(27)}  -h, --help               this help

Keys: press ? in the monitor.
`;

const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `5m` → ms before now; a stream ID as is; `now` / `$` → '$'. */
export function parseSince(value: string | undefined, now = Date.now()): string | number {
  if (value === undefined || value === 'now' || value === '$') return '$';
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (d) return Math.max(0, Math.floor(now - Number(d[1]) * DURATION_MS[d[2]]));
  if (isStreamId(value)) return value;
  throw new UsageError(
    `--since: expected a duration (30s, 5m, 1h, 2d) or a stream ID (1732694928060-0), got ${JSON.stringify(value)}`,
  );
}

export interface MonitorArgs {
  url: string | undefined;
  /** --url and the TLS options, for the clients. */
  connection: CliConnection;
  /** --layout (Redis Cluster). */
  layout: KeyLayout;
  prefix: string;
  readOnly: boolean;
  /** The action journal's path; null with --no-journal. */
  journal: string | null;
  since: string | number;
  refreshMs: number;
  buffer: number;
  maxLen: number;
  maxLenGiven: boolean;
  /** --lag-warn, --pending-age-warn, --stuck-after (defaults: core/thresholds.ts). */
  thresholds: Thresholds;
  tail: TailMode;
  /** --archive: the archive root the history view reads past retention; null: none. */
  archive: string | null;
  help: boolean;
}

export const MONITOR_FLAGS = {
  ...CONNECTION_ARGS,
  prefix: { type: 'string' },
  'read-only': { type: 'boolean' },
  journal: { type: 'string' },
  'no-journal': { type: 'boolean' },
  since: { type: 'string' },
  refresh: { type: 'string' },
  buffer: { type: 'string' },
  'max-len': { type: 'string' },
  tail: { type: 'string' },
  archive: { type: 'string' },
  ...THRESHOLD_ARGS,
  help: { type: 'boolean', short: 'h' },
} as const;

function parseTailMode(value: string | undefined): TailMode {
  if (value === undefined) return 'auto';
  if ((TAIL_MODES as readonly string[]).includes(value)) return value as TailMode;
  throw new UsageError(`--tail: expected full, sample or auto, got ${JSON.stringify(value)}`);
}

function thresholdsOrUsage(v: ThresholdArgValues): Thresholds {
  try {
    return thresholdsFromArgs(v);
  } catch (err) {
    if (err instanceof ThresholdUsageError) throw new UsageError(err.message);
    throw err;
  }
}

/** `--archive <dir>`: it must be a directory now (a typo would otherwise look like an empty archive). */
function parseArchiveDir(dir: string | undefined): string | null {
  if (dir === undefined) return null;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // Reported below with the name as typed.
  }
  if (!isDir) throw new UsageError(`--archive: ${JSON.stringify(dir)} is not a directory`);
  return dir;
}

/** Throws UsageError (one line) for anything it cannot use. */
export function parseMonitorArgs(argv: string[]): MonitorArgs {
  const v = parseFlags(argv, MONITOR_FLAGS).values;
  const prefix = v.prefix ?? DEFAULT_PREFIX;
  if (prefix === '') throw new UsageError('--prefix must not be empty');
  return {
    url: v.url?.[0],
    connection: connectionFromArgs(v),
    layout: layoutFromArgs(v),
    prefix,
    readOnly: v['read-only'] ?? false,
    journal: journalPathFromArgs(v),
    since: parseSince(v.since),
    refreshMs: parseNumberFlag('refresh', v.refresh, DEFAULT_REFRESH_MS, {
      max: 86_400_000,
      unit: 'ms',
    }),
    buffer: parseNumberFlag('buffer', v.buffer, DEFAULT_BUFFER, {
      max: 10_000_000,
      unit: 'events',
    }),
    maxLen: parseNumberFlag('max-len', v['max-len'], DEFAULT_MAX_LEN, { unit: 'entries' }),
    maxLenGiven: v['max-len'] !== undefined,
    thresholds: thresholdsOrUsage(v),
    tail: parseTailMode(v.tail),
    archive: parseArchiveDir(v.archive),
    help: v.help ?? false,
  };
}

/** Console output must not reach the terminal Ink draws on. */
function silenceConsole(): () => void {
  const file = process.env.STREAMSCOPE_LOG;
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const sink = (...args: unknown[]) => {
    if (file) {
      try {
        appendFileSync(file, `${new Date().toISOString()} ${args.map(String).join(' ')}\n`);
      } catch {
        // A log that cannot be written must not break the monitor.
      }
    }
  };
  console.log = console.info = console.warn = console.error = console.debug = sink;
  return () => Object.assign(console, saved);
}

/**
 * After a hangup (terminal closed: tmux kill-session, ssh drop) the tty is gone: any write fails
 * with EIO, and Node's normal exit path asserts in ResetStdio when it cannot restore the tty
 * mode. So: mark stdio destroyed (Ink then skips its final writes; stdio streams are not really
 * closed by destroy()) and swallow the EIO errors that reads and raw-mode changes still raise.
 */
function abandonStdio(): void {
  for (const s of [process.stdin, process.stdout, process.stderr]) {
    s.on('error', () => {});
    if (s !== process.stdin) s.destroy();
  }
}

/** Error codes of a terminal that went away (closed pty, broken pipe, no device). */
const STDIO_GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'ECONNRESET']);

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

let tui: Promise<{
  React: typeof import('react');
  render: typeof import('ink').render;
  App: typeof import('../ui/components/App.js').App;
}> | null = null;

/**
 * React, Ink and the panes (~0.5–1 s to load on a busy machine) load only for the TUI, so
 * `--help` and usage errors stay fast. The demo calls this early, to load them while its server
 * starts and its history is written.
 */
export function loadTui(): NonNullable<typeof tui> {
  tui ??= Promise.all([import('react'), import('ink'), import('../ui/components/App.js')]).then(
    ([react, ink, app]) => ({ React: react.default, render: ink.render, App: app.App }),
  );
  return tui;
}

export interface RunOptions {
  /**
   * After a hangup, end the process by SIGHUP once loops and connections are closed. Default:
   * yes, unless a SIGHUP listener was already installed when run() began (an embedder such as
   * the demo, with cleanup of its own): then run() returns 129 and the embedder should end with
   * exitAfterHangup() rather than process.exit().
   */
  exitOnHangup?: boolean;
}

export async function run(argv: string[], options: RunOptions = {}): Promise<number> {
  const embedderHangupListeners = process.listeners('SIGHUP');
  let args: MonitorArgs;
  let connection: typeof import('../streams/connection.js');
  let target: ResolvedTarget;
  try {
    args = parseMonitorArgs(argv);
    if (args.help) {
      process.stdout.write(MONITOR_USAGE);
      return 0;
    }
    // ioredis (~0.2–0.6 s to load) only once we connect, so `--help` stays fast.
    connection = await import('../streams/connection.js');
    target = connection.resolveTarget(args.connection);
  } catch (err) {
    process.stderr.write(
      err instanceof UsageError
        ? usageLine('monitor', err)
        : `streamscope monitor: ${(err as Error).message}\n`,
    );
    return 2;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'streamscope monitor: needs an interactive terminal (try `streamscope tail` or `streamscope status` for pipes)\n',
    );
    return 2;
  }
  limitHeapGrowth();
  const check = await preflight(connection, { ...args.connection, url: target.url }, args.since);
  if (check.kind === 'fatal') {
    process.stderr.write(check.line);
    return check.exitCode;
  }
  const { React, render, App } = await loadTui();

  const keys = createKeySpace(args.prefix, args.layout);
  // The store needs the ports and the ports need the store's dispatch: bind late.
  let dispatch: (msg: MonitorMessage) => void = () => {};
  // STREAMSCOPE_STATS_FILE: one JSON line a second (counts, lag, frames) for benchmarks.
  const stats = startStatsFile(process.env.STREAMSCOPE_STATS_FILE);
  const emit = stats
    ? (msg: MonitorMessage) => {
        stats.observe(msg);
        dispatch(msg);
      }
    : (msg: MonitorMessage) => dispatch(msg);
  // A cluster node makes every client a Cluster client; unreachable now: a single node (the
  // loops retry; --cluster forces the cluster client). Loaded here: --help stays ioredis-free.
  const { clusterLayoutProblem, detectCluster } = await import('../streams/cluster.js');
  const cluster =
    (await detectCluster({ ...args.connection, url: target.url, connectTimeoutMs: 2000 })) ??
    undefined;
  // Its actions (dead-letter copy + XACK, redrive) are one MULTI: refused like the library does.
  const layoutProblem = cluster ? clusterLayoutProblem(args.prefix, args.layout) : null;
  if (layoutProblem) {
    stats?.close();
    process.stderr.write(`streamscope monitor: ${layoutProblem}\n`);
    return 1;
  }
  const conn = { ...args.connection, url: target.url, cluster };
  const shared = connection.createRedisClient({
    ...conn,
    // Actions read what they change (the PEL before an ack): from masters, never a lagging replica.
    readFrom: 'masters',
    failFast: false,
    connectionName: 'streamscope-monitor',
  });
  shared.connect().catch(() => {});
  const journal: CommandJournal | undefined = args.journal
    ? {
        journal: new Journal(args.journal),
        server: target.display,
        secrets: [target.password],
        user: null,
        lastError: null,
      }
    : undefined;
  shared.once('ready', () => {
    shared.call('ACL', 'WHOAMI').then(
      (u) => journal && (journal.user = String(u)),
      () => {},
    );
  });
  const commands = createCommands({
    client: shared,
    keys,
    emit,
    readOnly: args.readOnly,
    journal,
    ...(args.archive ? { archiveDir: args.archive } : {}),
  });
  const queries = createQueries({
    client: shared,
    emit,
    keys,
    ...(args.archive ? { archiveDir: args.archive } : {}),
  });
  // The loops own their clients (a new one per attempt) and do their own backoff.
  // Full, sampling, or auto between the two (monitor/sampler.ts).
  const tail = new TailSwitch({
    mode: args.tail,
    emit,
    createTail: (observe, first, after) =>
      new Tail({
        createClient: () =>
          connection.createBlockingClient({ ...conn, connectionName: 'streamscope-tail' }),
        keys,
        emit: observe,
        // After sampling: from the entry after the newest one shown (entries from there to the
        // end arrive as history: shown, not counted twice as arrivals).
        since: first ? args.since : after ? nextStreamId(after) : '$',
      }),
    createSampler: (onRate) =>
      new Sampler({
        createClient: () =>
          connection.createRedisClient({ ...conn, connectionName: 'streamscope-sampler' }),
        keys,
        emit,
        // A screenful: the live pane cannot show more rows than the terminal has.
        rows: () => Math.max(10, process.stdout.rows ?? 40),
        onRate,
      }),
  });
  const poller = new Poller({
    createClient: () =>
      connection.createRedisClient({ ...conn, connectionName: 'streamscope-poller' }),
    keys,
    emit,
    refreshMs: args.refreshMs,
  });

  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const store = createMonitorStore({
    config: defaultConfig({
      url: target.tlsInsecure ? `${target.display} (TLS NOT VERIFIED)` : target.display,
      prefix: args.prefix,
      readOnly: commands.readOnly,
      readOnlyReason: commands.readOnlyReason,
      deniedCommands: [...commands.deniedCommands],
      bufferSize: args.buffer,
      refreshMs: args.refreshMs,
      maxLenHint: args.maxLen,
      maxLenHintIsDefault: !args.maxLenGiven,
      thresholds: args.thresholds,
    }),
    commands,
    queries,
    files: createFiles({ io: { env: process.env, out: process.stdout }, emit }),
    onQuit: () => quit(),
  });
  dispatch = store.dispatch;

  const restoreConsole = silenceConsole();
  const onSignal = () => quit();
  let hungUp = false;
  const onHangup = () => {
    if (!hungUp) abandonStdio();
    hungUp = true;
    quit();
  };
  // The terminal can vanish between two frames: Ink's throttled render then gets EIO (or EPIPE)
  // before SIGHUP arrives, and an 'error' event without a listener kills the process (and
  // Node's exit path asserts in ResetStdio). Any stdio error means the terminal is unusable:
  // leave through the hangup path, quietly. Installed before render() so no frame escapes it.
  const onStdioError = (err: NodeJS.ErrnoException) => {
    if (!STDIO_GONE.has(err.code ?? ''))
      console.error(`monitor: terminal error ${err.code ?? ''}: ${err.message}`);
    onHangup();
  };
  process.stdout.on('error', onStdioError);
  process.stdin.on('error', onStdioError);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  // Left on the main screen, so it is still there after the monitor exits.
  const warning = insecureWarning('monitor', args.connection);
  if (warning) process.stderr.write(warning);
  if (check.warning) process.stderr.write(check.warning);
  keepCursorRestoreOnTerminal();
  process.stdout.write(ALT_SCREEN_ON);
  const ink = render(React.createElement(App, { store }), {
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 20,
  });
  store.start();
  tail.start().catch(() => {});
  poller.start().catch(() => {});
  commands
    .probePermissions()
    .then(() => store.syncPermissions())
    .catch(() => {});

  await quitting;
  store.close();
  // After a hangup stdio is destroyed and Ink writes nothing; it only unsubscribes and unmounts.
  ink.unmount();
  await Promise.allSettled([tail.close(), poller.close()]);
  shared.disconnect();
  if (!hungUp) process.stdout.write(ALT_SCREEN_OFF);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onHangup);
  if (!hungUp) {
    process.stdout.off('error', onStdioError);
    process.stdin.off('error', onStdioError);
  }
  restoreConsole();
  stats?.close();
  if (hungUp) {
    // Standalone: die by SIGHUP now. Embedded: the embedder's own handler finishes its cleanup.
    const embedded = embedderHangupListeners.some((l) => process.listeners('SIGHUP').includes(l));
    if (options.exitOnHangup ?? !embedded) exitAfterHangup();
    return 129;
  }
  // Ink leaves stdin paused in raw mode off; a lingering socket must not keep us alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}

/**
 * Under a fast stream nearly every entry is promoted to the old generation (it lives ≥ 0.2 s in
 * the tail's and the store's batches and the ring buffer, longer than the interval between
 * scavenges) and dies there, so the old generation fills with garbage at the event rate. With
 * V8's default growing factor (up to 4× the live size) the heap then swelled to ~250 MB RSS at
 * 50k events/s for a live size of ~40 MB. A growth factor of 1.5 collects sooner: ~155 MB peak
 * RSS for +0.04 cores (3 runs each, 50k/s). Unlike --max-old-space-size it is not a cap, so a
 * large --buffer of large entries still fits (the limit follows the live size). A
 * --heap-growing-percent given by the user (NODE_OPTIONS or node flags) wins.
 */
function limitHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    /heap[-_]growing[-_]percent/.test(a),
  );
  if (!given) setFlagsFromString('--heap-growing-percent=50');
}
