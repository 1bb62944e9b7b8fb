/**
 * ioredis clients from a URL, with finite timeouts, and a connect check that turns every way a
 * connection can fail into a StreamscopeError a person can act on. Messages never contain the
 * password: every error passes through classifyRedisError with the password as a secret.
 *
 * Two reconnect modes (`failFast`):
 *  - true (default, library and CLI): the first connection attempt fails fast. Once the client
 *    has been ready, a lost connection is retried with backoff; commands issued while it is
 *    down fail at once (no offline queue) so callers can queue or report instead of hanging.
 *  - false (background loops such as the monitor): retry from the first attempt, forever, with
 *    capped exponential backoff and jitter. Listen to the client's `reconnecting` event.
 */
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { StreamscopeError, classifyRedisError, redactUrl } from '../core/errors.js';
import { QuietStandaloneConnector } from './quiet-connector.js';
import { newClusterClient, type ReadFrom } from './cluster-client.js';
import { backoffDelay } from '../core/retry.js';

/** Used when neither an option nor `REDIS_URL` names a server. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Oldest server we support: XAUTOCLAIM and XADD/XTRIM MINID arrived in 6.2. */
export const MIN_REDIS_VERSION = '6.2.0';

/** How to reach Redis: URL, password, timeouts, TLS, cluster. */
export interface ConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Default: REDIS_URL, else redis://127.0.0.1:6379. */
  url?: string;
  /** Overrides a password in the URL. Default when the URL has none: REDIS_PASSWORD, else REDISCLI_AUTH. */
  password?: string;
  /** TCP + TLS handshake limit, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Limit for one non-blocking command, ms. Default 5000. */
  commandTimeoutMs?: number;
  /** See the module comment. Default true. */
  failFast?: boolean;
  /** First reconnect delay, ms (doubles per attempt). Default 100. */
  retryBaseMs?: number;
  /** Reconnect delay cap, ms. Default 5000. */
  retryMaxMs?: number;
  /** Shown in CLIENT LIST. */
  connectionName?: string;
  /**
   * Options for tls.connect on rediss:// URLs: `ca`, `cert` + `key` (client certificates),
   * `servername`… The host name in the URL is verified against the server certificate unless
   * `checkServerIdentity` or `tlsInsecure` says otherwise.
   */
  tls?: RedisOptions['tls'];
  /**
   * rediss:// only: a PEM file with the CA certificate(s) that signed the server certificate.
   * It replaces Node's default CAs for this connection (like `redis-cli --cacert`). Without code:
   * `NODE_EXTRA_CA_CERTS=<file>` adds a CA to Node's defaults for every TLS connection.
   */
  tlsCaFile?: string;
  /**
   * rediss:// only: do not verify the server certificate or host name. For self-signed
   * development servers only: anyone on the network path can read the password and the data.
   * Default false.
   */
  tlsInsecure?: boolean;
  /**
   * Redis Cluster: true = an ioredis Cluster client seeded with `url` and `seedUrls` (the
   * cluster's other nodes are found with CLUSTER SLOTS). Left undefined, connectAuto
   * (cluster.ts) detects it from the server (`redis_mode:cluster`).
   */
  cluster?: boolean;
  /** More seed nodes for a cluster (several `--url`s); same user, password and TLS options. */
  seedUrls?: string[];
  /** Cluster only: `replicas` sends read-only commands (tail, snapshots) to replicas. Default `masters`. */
  readFrom?: ReadFrom;
}

/** The TLS part of ConnectionOptions, for APIs that forward it (EventPersistence, tail). */
export type TlsConnectionOptions = Pick<ConnectionOptions, 'tls' | 'tlsCaFile' | 'tlsInsecure'>;

/** A server address after the defaults and environment were applied. */
export interface ResolvedTarget {
  url: string;
  /** The URL with the password masked: the only form that may appear in a message. */
  display: string;
  /** The ACL user named in the URL (or, for a cluster, in the first seed URL naming one). */
  username?: string;
  password: string | undefined;
  tls: boolean;
  /** tls.connect options for a rediss:// URL; undefined for redis://. */
  tlsOptions?: NonNullable<RedisOptions['tls']>;
  /** rediss:// without verifying the server certificate (tlsInsecure). */
  tlsInsecure: boolean;
}

/** TLS options (the CA file read now, so a bad path fails before any connection). */
function tlsOptionsFor(
  options: TlsConnectionOptions,
  display: string,
): NonNullable<RedisOptions['tls']> {
  const out: NonNullable<RedisOptions['tls']> = { ...(options.tls ?? {}) };
  if (options.tlsCaFile) {
    let pem: string;
    try {
      pem = readFileSync(options.tlsCaFile, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `cannot read the TLS CA file ${options.tlsCaFile} (--tls-ca / tlsCaFile): ${code}.`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `the TLS CA file ${options.tlsCaFile} (--tls-ca / tlsCaFile) holds no PEM certificate (-----BEGIN CERTIFICATE-----) for ${display}.`,
      );
    }
    out.ca = pem;
  }
  if (options.tlsInsecure) out.rejectUnauthorized = false;
  return out;
}

/** The user and password written in a seed URL (undefined when it names none or is no URL). */
function seedCredentials(url: string): { username?: string; password?: string } {
  try {
    const u = new URL(url);
    return {
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Apply the defaults (`REDIS_URL`, `REDIS_PASSWORD`, `REDISCLI_AUTH`) and check the URL; connects
 * to nothing. Cluster seeds share one user and password: when `url` names none, the first of
 * `seedUrls` that does gives them.
 */
export function resolveTarget(
  options: Pick<ConnectionOptions, 'url' | 'password' | 'seedUrls'> & TlsConnectionOptions = {},
): ResolvedTarget {
  const url = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  let urlPassword: string | undefined;
  let username: string | undefined;
  let tls = false;
  try {
    const u = new URL(url);
    urlPassword = u.password ? decodeURIComponent(u.password) : undefined;
    username = u.username ? decodeURIComponent(u.username) : undefined;
    tls = u.protocol === 'rediss:';
  } catch {
    throw new StreamscopeError(
      'UNREACHABLE',
      `not a Redis URL: ${redactUrl(url)}. Use redis://host:port or rediss://host:port.`,
    );
  }
  if (username === undefined && urlPassword === undefined) {
    const seed = (options.seedUrls ?? [])
      .map(seedCredentials)
      .find((c) => c.username !== undefined || c.password !== undefined);
    username = seed?.username;
    urlPassword = seed?.password;
  }
  const password =
    options.password ??
    urlPassword ??
    process.env.REDIS_PASSWORD ??
    process.env.REDISCLI_AUTH ??
    undefined;
  const display = redactUrl(url);
  const tlsAsked =
    options.tls !== undefined || Boolean(options.tlsCaFile) || Boolean(options.tlsInsecure);
  if (tlsAsked && !tls) {
    // ioredis would quietly speak TLS to a redis:// URL given TLS options; say which one is meant.
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `TLS options (--tls-ca, --tls-insecure, tls) need a rediss:// URL, but the URL is ${display}. Use rediss://host:port for a TLS port.`,
    );
  }
  return {
    url,
    display,
    username,
    password: password || undefined,
    tls,
    tlsOptions: tls ? tlsOptionsFor(options, display) : undefined,
    tlsInsecure: tls && Boolean(options.tlsInsecure),
  };
}

/** Capped exponential backoff with jitter (the one in core/retry.ts; re-exported for the public API). */
export { backoffDelay };

function clientOptions(
  target: ResolvedTarget,
  options: ConnectionOptions,
): { opts: RedisOptions; markReady: () => void } {
  const failFast = options.failFast ?? true;
  const base = options.retryBaseMs ?? 100;
  const max = options.retryMaxMs ?? 5000;
  let everReady = false;
  const opts: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // A command fails instead of being retried on another connection: callers decide.
    maxRetriesPerRequest: failFast ? 0 : 1,
    enableOfflineQueue: !failFast,
    connectionName: options.connectionName,
    // connectChecked does PING + INFO itself, with timeouts; ioredis' own INFO ready check has
    // none and prints a console warning under a restricted ACL user.
    enableReadyCheck: false,
    // RESP2 reply shapes everywhere (ioredis 6 defaults to RESP3, where XREAD answers a map).
    protocol: 2,
    // A socket that errors twice must not crash the process (see quiet-connector.ts).
    // (ioredis types its constructor with `options: unknown`; ours takes the standalone options it gets.)
    Connector: QuietStandaloneConnector as unknown as RedisOptions['Connector'],
    retryStrategy: (times: number) =>
      failFast && !everReady ? null : backoffDelay(times, base, max),
    // ioredis' disconnect() arms a destroy timer (default 2000 ms) that only a later 'close'
    // clears: after a failed connect the socket is already closed, so the timer kept every CLI
    // error path alive for 2 s. Nothing of ours is unflushed at disconnect(); 100 ms is plenty.
    ...BLOCKING_DISCONNECT,
  };
  if (target.username !== undefined) opts.username = target.username;
  if (target.password !== undefined) opts.password = target.password;
  if (target.tlsOptions) opts.tls = target.tlsOptions;
  // Readiness lives in this closure: the first failure is fast, later ones are retried.
  return {
    opts,
    markReady: () => {
      everReady = true;
    },
  };
}

function build(options: ConnectionOptions, extra: RedisOptions): Redis {
  const target = resolveTarget(options);
  const { opts, markReady } = clientOptions(target, options);
  if (options.cluster) {
    const seeds = [target.url, ...(options.seedUrls ?? [])];
    return newClusterClient(
      seeds,
      { ...opts, ...extra },
      {
        failFast: options.failFast ?? true,
        readFrom: options.readFrom ?? 'masters',
        retry: (times) =>
          backoffDelay(times, options.retryBaseMs ?? 100, options.retryMaxMs ?? 5000),
      },
    );
  }
  // The URL without its user and password: ioredis lets a URL's fields win over the options, so
  // `redis://app@host` (password from REDIS_PASSWORD) would log in with the URL's empty password.
  const client = new Redis(withoutCredentials(target.url), { ...opts, ...extra });
  client.on('ready', markReady);
  // Errors surface through commands and connectChecked; an unhandled 'error' event would crash.
  client.on('error', () => {});
  return client;
}

function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** A client for ordinary commands (publish, ack, XRANGE…), with a finite command timeout. Not connected yet. */
export function createRedisClient(options: ConnectionOptions = {}): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 5000;
  // commandTimeout rejects a command but keeps the socket: on a half-open connection every later
  // command would time out too, forever. No byte for this long while a command waits → the
  // socket is destroyed and the client reconnects.
  return build(options, { commandTimeout, socketTimeout: commandTimeout * 2 + 2000 });
}

/**
 * A client of its own for blocking reads (XREAD/XREADGROUP BLOCK): never share it with acks or
 * publishes (redis/ioredis#1285). A client-side watchdog fails a blocking command that has not
 * answered within BLOCK + commandTimeoutMs, so a dead socket cannot hang the loop.
 */
export function createBlockingClient(options: ConnectionOptions = {}): Redis {
  const grace = options.commandTimeoutMs ?? 5000;
  // disconnect() half-closes and waits up to disconnectTimeout (ioredis default 2000 ms) for
  // the server to close; a blocked reader has nothing to flush, so give up after 100 ms instead
  // of keeping a finished process alive for 2 s.
  return build(options, {
    blockingTimeout: grace,
    blockingTimeoutGrace: grace,
    ...BLOCKING_DISCONNECT,
  });
}

/**
 * XREAD / XREADGROUP reply → `[key, entries]` pairs, whatever the protocol: RESP2 sends
 * `[[key, entries], …]`, RESP3 (ioredis' legacy mapping) a flat `[key, entries, key, entries]`.
 */
export function streamsOfReadReply(reply: unknown): [string, unknown[]][] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (Array.isArray(reply[0])) return reply as [string, unknown[]][];
  const out: [string, unknown[]][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2)
    out.push([String(reply[i]), (reply[i + 1] as unknown[]) ?? []]);
  return out;
}

/** Untyped ioredis option (in its defaults, not in its .d.ts); see createBlockingClient. */
export const BLOCKING_DISCONNECT = { disconnectTimeout: 100 } as RedisOptions;

/** What connect() learned about the server (version, mode). */
export interface ServerCheck {
  version: string;
  /** `redis_mode` (standalone, cluster, sentinel). */
  mode: string;
}

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const b = min.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * Connect (if not yet connected), PING, and read the version from INFO server. Every failure
 * becomes a StreamscopeError: UNREACHABLE, TIMEOUT, AUTH, NOPERM or VERSION.
 */
export async function connectChecked(
  client: Redis,
  options: Pick<ConnectionOptions, 'url' | 'password' | 'seedUrls'> = {},
): Promise<ServerCheck> {
  // Only the URL and password matter for messages (callers may pass all their options).
  const target = targetOf(client, {
    url: options.url,
    password: options.password,
    seedUrls: options.seedUrls,
  });
  const secrets = [target.password, target.url];
  let lastError: unknown;
  const remember = (err: unknown) => {
    lastError = err;
  };
  client.on('error', remember);
  try {
    if (client.status === 'wait' || client.status === 'end' || client.status === 'close') {
      // connectTimeout covers TCP/TLS only; a server that accepts and never answers the
      // handshake (AUTH, CLIENT SETNAME) must fail in finite time too.
      const limitMs = (client.options.connectTimeout ?? 5000) + 1000;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          client.disconnect();
          reject(
            Object.assign(new Error(`connect timed out after ${limitMs} ms`), {
              code: 'ETIMEDOUT',
            }),
          );
        }, limitMs);
      });
      try {
        await Promise.race([client.connect(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    }
    await client.ping();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '0.0.0';
    const mode = /redis_mode:(\S+)/.exec(info)?.[1] ?? 'standalone';
    if (!versionAtLeast(version, MIN_REDIS_VERSION)) {
      throw new StreamscopeError(
        'VERSION',
        `${target.display} runs Redis ${version}; streamscope needs ${MIN_REDIS_VERSION} or newer (XAUTOCLAIM, MINID). Upgrade the server.`,
      );
    }
    return { version, mode };
  } catch (err) {
    // ioredis often rejects connect() with a bare "Connection is closed"; the cause (AUTH,
    // ECONNREFUSED) arrived earlier as an 'error' event.
    const cause =
      /Connection is closed/i.test(String((err as Error)?.message)) && lastError ? lastError : err;
    throw classifyRedisError(cause, target.display, secrets, { connecting: true });
  } finally {
    client.off('error', remember);
  }
}

/** The target of an existing client (for messages), masking its password. */
function targetOf(
  client: Redis,
  options: Pick<ConnectionOptions, 'url' | 'password' | 'seedUrls'>,
): ResolvedTarget {
  if (options.url) return resolveTarget(options);
  const o = client.options;
  const scheme = o.tls ? 'rediss' : 'redis';
  const url = `${scheme}://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
  return {
    url,
    display: url,
    password: options.password ?? o.password,
    tls: Boolean(o.tls),
    tlsInsecure: o.tls?.rejectUnauthorized === false,
  };
}

/**
 * Probe that the user may run each command on keys under the prefix, without side effects: each
 * probe targets a key that does not exist, so the server checks the ACL and then does nothing
 * (or answers NOGROUP / "requires the key to exist"). Only NOPERM is reported.
 */
export async function probePermissions(
  client: Redis,
  probeKey: string,
  group: string,
  display: string,
): Promise<void> {
  const probes: (string | number)[][] = [
    ['XADD', probeKey, 'NOMKSTREAM', '*', 'probe', '1'],
    ['XRANGE', probeKey, '-', '+', 'COUNT', 1],
    ['XREADGROUP', 'GROUP', group, 'probe', 'COUNT', 1, 'STREAMS', probeKey, '>'],
    ['XACK', probeKey, group, '0-1'],
    ['XAUTOCLAIM', probeKey, group, 'probe', 0, '0-0', 'COUNT', 1],
    ['XGROUP', 'CREATECONSUMER', probeKey, group, 'probe'],
    ['XPENDING', probeKey, group],
    ['XTRIM', probeKey, 'MINID', '0'],
    ['XINFO', 'STREAM', probeKey],
    ['TIME'],
  ];
  const pipeline = client.pipeline();
  for (const [cmd, ...args] of probes) pipeline.call(String(cmd), ...args);
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([err], i) => {
    if (err && /NOPERM/.test(err.message)) {
      throw new StreamscopeError(
        'NOPERM',
        `the Redis user at ${display} may not run ${String(probes[i][0])} on ${probeKey.replace(/[^:]*$/, '*')}: grant it with ACL SETUSER (e.g. +@stream +time ~<prefix>*).`,
      );
    }
  });
}
