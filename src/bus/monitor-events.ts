/**
 * monitorEventsFromRedis: print one line per event from the global stream until aborted.
 * Plain XREAD on `<prefix>all` — never a consumer group, so it takes nothing from workers
 * (REFERENCE §2 defect 3) — on a connection of its own with a finite BLOCK.
 */
import type { Redis } from 'ioredis';
import type { RawFields, SeedEvent } from '../core/types.js';
import { decodeFields, fieldsFromArray } from '../core/codec.js';
import { bigintSafeReplacer } from '../core/python-json.js';
import { createKeySpace, DEFAULT_PREFIX } from '../core/keys.js';
import { classifyRedisError, redactUrl, StreamscopeError } from '../core/errors.js';
import {
  BLOCKING_DISCONNECT,
  connectChecked,
  createBlockingClient,
  resolveTarget,
  streamsOfReadReply,
  type TlsConnectionOptions,
} from '../streams/connection.js';
import { stderrLogger, type Logger } from '../streams/context.js';
import { abortableSleep, RetryEpisodes } from '../core/retry.js';
import { isClusterClient } from '../streams/cluster-client.js';
import { sanitize } from '../core/sanitize.js';

/** TLS (rediss://): `tls`, `tlsCaFile`, `tlsInsecure` as in ConnectionOptions. */
export interface MonitorEventsOptions extends TlsConnectionOptions {
  /** Default: REDIS_URL env, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  password?: string;
  /** Default `alice:events:`. */
  streamPrefix?: string;
  /** Redis Cluster: true forces a Cluster client (default: detected); more seed nodes; replicas to read from. */
  cluster?: boolean;
  seedUrls?: string[];
  readFrom?: 'masters' | 'replicas';
  /** Read through a duplicate of this client (it is not blocked or closed). */
  client?: Redis;
  /** Stops promptly: the reading connection is closed, not waited out. */
  signal?: AbortSignal;
  /** One call per event, without newline. Default: process.stdout. */
  output?: (line: string) => void;
  /** One JSON object per line instead of text. */
  json?: boolean;
  /** XREAD BLOCK, ms. Default 1000. */
  blockMs?: number;
  /** Entries per read. Default 100. */
  count?: number;
  /** Start after this ID. Default `$`, resolved to the stream's current last ID before the first read. */
  startId?: string;
  /** Reconnect notices. Default: stderr. */
  logger?: Logger;
  /** ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Text mode: longer payloads are cut, with the original size noted. Default 2000 characters. */
  maxLineChars?: number;
}

/** Resolves with the number of events printed once aborted; rejects if the first connect fails. */
export async function monitorEventsFromRedis(
  eventTypes?: readonly string[],
  options: MonitorEventsOptions = {},
): Promise<number> {
  const keys = createKeySpace(options.streamPrefix ?? DEFAULT_PREFIX);
  const wanted = eventTypes && eventTypes.length > 0 ? new Set(eventTypes) : null;
  const output = options.output ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const logger = options.logger ?? stderrLogger;
  const signal = options.signal;
  const tlsOptions: TlsConnectionOptions = {
    tls: options.tls,
    tlsCaFile: options.tlsCaFile,
    tlsInsecure: options.tlsInsecure,
  };
  const target = options.client
    ? null
    : resolveTarget({ url: options.redisUrl, password: options.password, ...tlsOptions });
  const display =
    target?.display ??
    redactUrl(`redis://${options.client?.options.host}:${options.client?.options.port}`);
  const secrets = [target?.password, target?.url, options.client?.options.password];
  const blockingOptions = {
    url: options.redisUrl,
    password: options.password,
    ...tlsOptions,
    connectTimeoutMs: options.connectTimeoutMs,
    connectionName: 'streamscope-tail',
    seedUrls: options.seedUrls,
    readFrom: options.readFrom,
  };
  let client = options.client
    ? options.client.duplicate({
        lazyConnect: true,
        commandTimeout: undefined,
        blockingTimeout: 5000,
        blockingTimeoutGrace: 5000,
        ...BLOCKING_DISCONNECT,
      })
    : createBlockingClient({
        ...blockingOptions,
        cluster: options.cluster ?? (options.seedUrls?.length ? true : undefined),
      });
  const onAbort = () => client.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  let printed = 0;
  try {
    if (signal?.aborted) return 0;
    const checkWith = target ? { url: target.url, password: target.password } : {};
    const server = await connectChecked(client, checkWith);
    if (!options.client && server.mode === 'cluster' && !isClusterClient(client)) {
      // A cluster node: the global stream may live on another one; a Cluster client finds it.
      client.disconnect();
      client = createBlockingClient({ ...blockingOptions, cluster: true });
      await connectChecked(client, checkWith);
    }
    let lastId = options.startId ?? '$';
    if (lastId === '$') lastId = await currentLastId(client, keys.globalStream, display, secrets);
    const blockMs = Math.max(1, options.blockMs ?? 1000);
    const count = Math.max(1, options.count ?? 100);
    const episodes = new RetryEpisodes({ defaults: { retryBaseMs: 100, retryMaxMs: 5000 } });
    while (!signal?.aborted) {
      try {
        // Lower case: ioredis's Cluster knows `xread` is read-only (readFrom replicas) only so.
        const reply = await client.call(
          'xread',
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          keys.globalStream,
          lastId,
        );
        if (episodes.succeed()) logger(`tail: reading again from ${display}`);
        for (const [, entries] of streamsOfReadReply(reply)) {
          for (const raw of entries as [string, string[] | null][]) {
            lastId = String(raw[0]);
            const fields = fieldsFromArray(raw[1]);
            const decoded = decodeFields(fields);
            const event = decoded.ok ? decoded.event : null;
            const type = fields.type ?? event?.eventType ?? null;
            if (wanted && (type === null || !wanted.has(type))) continue;
            output(
              options.json
                ? jsonLine(lastId, type, event, fields)
                : textLine(lastId, type, event, fields, options.maxLineChars ?? 2000),
            );
            printed++;
          }
        }
      } catch (err) {
        if (signal?.aborted) break;
        const e = classifyRedisError(err, display, secrets, { retrying: true });
        const { delayMs, started } = episodes.fail(e.code);
        if (started) logger(`tail: ${e.message}${/retried/.test(e.message) ? '' : ' Retrying.'}`);
        await abortableSleep(delayMs, signal);
      }
    }
    return printed;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.disconnect();
  }
}

/**
 * The last ID of the stream now (so events published after we start are never missed), `0-0` when
 * it does not exist. Failures are classified like every other (URL, hint); a key of another type
 * is named.
 */
async function currentLastId(
  client: Redis,
  key: string,
  display: string,
  secrets: readonly (string | undefined)[],
): Promise<string> {
  try {
    const info = (await client.call('XINFO', 'STREAM', key)) as unknown[];
    const i = info.findIndex((v) => v === 'last-generated-id');
    return i >= 0 ? String(info[i + 1]) : '0-0';
  } catch (err) {
    if (/no such key/i.test(String((err as Error)?.message))) return '0-0';
    const e = classifyRedisError(err, display, secrets, { connecting: true });
    if (e.code === 'WRONGTYPE') {
      throw new StreamscopeError(
        'WRONGTYPE',
        `${key} at ${display} is not a stream (it holds another type), so there is nothing to tail. Rename or delete that key, or use another stream prefix (--prefix).`,
      );
    }
    throw e;
  }
}

function jsonLine(
  id: string,
  type: string | null,
  event: SeedEvent | null,
  fields: RawFields,
): string {
  return JSON.stringify({ id, type, event, ...(event ? {} : { fields }) }, bigintSafeReplacer);
}

function textLine(
  id: string,
  type: string | null,
  event: SeedEvent | null,
  fields: RawFields,
  max: number,
): string {
  let body: string;
  if (event)
    body = `${event.source ? `[${event.source}] ` : ''}${JSON.stringify(event.data, bigintSafeReplacer)}`;
  else
    body = Object.entries(fields)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
  if (body.length > max) body = `${body.slice(0, max)}… (${body.length} chars)`;
  return sanitize(`${id} ${type ?? '?'} ${body}`);
}
