/**
 * `streamscope export --stream <type|all|dlq:type> [--from <id|time>] [--to <id|time>]
 * [--types a,b] [--out file|-]`: one stream's entries as NDJSON (core/ndjson.ts), streamed page
 * by page in constant memory. A progress line on stderr while it runs (a terminal only) and a
 * summary line at the end. Read-only. Exit 0 done, 1 server/file error, 2 usage error.
 */
import { createWriteStream } from 'node:fs';
import {
  assertValidEventType,
  createKeySpace,
  DEFAULT_PREFIX,
  type KeyLayout,
} from '../core/keys.js';
import { classifyRedisError } from '../core/errors.js';
import { isStreamId } from '../core/stream-id.js';
import { parseDurationMs } from '../core/thresholds.js';
import { resolveTarget } from '../streams/connection.js';
import type { Redis } from 'ioredis';
import { connectAuto } from '../streams/cluster.js';
import { exportRange } from '../streams/export.js';
import {
  clusterUsage,
  CONNECTION_ARGS,
  connectionFromArgs,
  insecureWarning,
  layoutFromArgs,
  tlsUsage,
  type ConnectionArgValues,
} from './connection-options.js';
import { parseFlags, usageLine, UsageError } from './args.js';

export const EXPORT_USAGE = `Usage: streamscope export --stream <type|all|dlq:type> [--from <id|time>] [--to <id|time>] [--types a,b] [--out file|-]

Writes one stream's entries as NDJSON, one object per line:
  {"id","stream","fields":{…raw fields, in order…},"event":{…decoded…}|null}
A field value that is not valid UTF-8 is written as {"base64":"…"} of its exact bytes.
"event" is a decoded view: an integer beyond 2^53 as its digits, NaN/Infinity as null.
Streams page by page (constant memory however long the stream). Read-only.

  --stream <s>       an event type (asset.processed), all (the global stream) or dlq:<type>
  --from <id|time>   first entry: a stream ID, an ISO time (2026-12-01T10:40Z) or an age (1h = an hour ago); default: the start
  --to <id|time>     last entry (inclusive), same forms; default: the end
  --types a,b        only entries of these event types (the global stream's type field)
  --out <file|->     write here (default -, stdout)
  --url <redis-url>  server (default: REDIS_URL, else redis://127.0.0.1:6379)
${tlsUsage(21)}${clusterUsage(21)}  --prefix <prefix>  key prefix (default: ${DEFAULT_PREFIX})
  -h, --help         this help
`;

/** A bound as XRANGE takes it: an ID as is, a time as its ms (a bare ms covers that millisecond). */
export function parseBound(
  flag: string,
  value: string | undefined,
  now = Date.now(),
): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (isStreamId(v)) return v;
  const ago = parseDurationMs(v.replace(/^-/, ''));
  if (ago !== null && /[a-z]$/.test(v)) return String(Math.max(0, now - ago));
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return String(ms);
  }
  throw new UsageError(
    `${flag}: expected a stream ID (1732694928060-0), an ISO time (2026-12-01T10:40Z) or an age (30m, 1h), got ${JSON.stringify(value)}`,
  );
}

function streamKey(
  prefix: string,
  stream: string,
  layout: KeyLayout,
): { key: string; type: string | null } {
  // The layout names the dead-letter stream (spread: `<prefix>dlq:{<prefix><type>}`).
  const keys = createKeySpace(prefix, layout);
  if (stream === 'all') return { key: keys.globalStream, type: null };
  const dlq = /^dlq:(.+)$/.exec(stream);
  try {
    assertValidEventType(dlq ? dlq[1] : stream);
  } catch (err) {
    throw new UsageError(`--stream: ${(err as Error).message}`);
  }
  return dlq
    ? { key: keys.deadLetterStream(dlq[1]), type: null }
    : { key: keys.typeStream(stream), type: stream };
}

const count = (n: number) => n.toLocaleString('en-US');

export async function run(argv: string[]): Promise<number> {
  let values: ConnectionArgValues & {
    stream?: string;
    from?: string;
    to?: string;
    types?: string;
    out?: string;
    prefix?: string;
    help?: boolean;
  };
  let from: string;
  let to: string;
  let target: { key: string; type: string | null };
  try {
    values = parseFlags(argv, {
      stream: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      types: { type: 'string' },
      out: { type: 'string' },
      ...CONNECTION_ARGS,
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }).values;
    if (values.help) {
      process.stdout.write(EXPORT_USAGE);
      return 0;
    }
    if (!values.stream)
      throw new UsageError('--stream is required (an event type, all, or dlq:<type>)');
    target = streamKey(values.prefix ?? DEFAULT_PREFIX, values.stream, layoutFromArgs(values));
    from = parseBound('--from', values.from) ?? '-';
    to = parseBound('--to', values.to) ?? '+';
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(usageLine('export', err));
    return 2;
  }
  const types = values.types
    ? values.types
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : null;
  const connection = connectionFromArgs(values);
  const toFile = values.out !== undefined && values.out !== '-';
  let display = 'redis';
  let password: string | undefined;
  let client: Redis | null = null;
  const out: NodeJS.WritableStream = toFile ? createWriteStream(values.out!) : process.stdout;
  // A write error (disk full, EPIPE when the reader of stdout went away) ends the export. One
  // listener for the whole run: racing a promise per chunk would pile up reactions (memory).
  let writeError: Error | null = null;
  let wake: (() => void) | null = null;
  out.on('error', (e: Error) => {
    writeError = e;
    wake?.();
  });
  const write = async (chunk: string) => {
    if (writeError) throw writeError;
    if (!out.write(chunk))
      await new Promise<void>((resolve) => {
        wake = resolve;
        out.once('drain', resolve);
      });
    if (writeError) throw writeError;
  };
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  try {
    const resolved = resolveTarget(connection);
    display = resolved.display;
    password = resolved.password;
    const warning = insecureWarning('export', connection);
    if (warning) process.stderr.write(warning);
    // A cluster node is detected here (the stream may live on another master).
    ({ client } = await connectAuto({ ...connection, connectionName: 'streamscope-export' }));
    const started = Date.now();
    let lastProgress = 0;
    const tty = process.stderr.isTTY === true;
    const work = exportRange(client, target.key, write, {
      from,
      to,
      types,
      streamType: target.type,
      signal: abort.signal,
      onProgress: (n) => {
        const now = Date.now();
        if (!tty || now - lastProgress < 250) return;
        lastProgress = now;
        const rate = Math.round(n / Math.max(0.001, (now - started) / 1000));
        process.stderr.write(`\rexporting ${target.key}: ${count(n)} entries (${count(rate)}/s)…`);
      },
    });
    const result = await work;
    if (toFile) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        out.end(resolve);
      });
      if (writeError) throw writeError;
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const where = toFile ? values.out! : 'stdout';
    const filtered =
      result.skipped > 0 ? ` (${count(result.skipped)} of other types left out)` : '';
    process.stderr.write(
      `${tty ? '\r\x1b[K' : ''}exported ${count(result.exported)} entr${result.exported === 1 ? 'y' : 'ies'} from ${target.key} to ${where} in ${secs}s${filtered}${result.aborted ? ' — interrupted' : ''}\n`,
    );
    return result.aborted ? 130 : 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return 0; // `export … | head`: the reader has what it wanted
    const message =
      code && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).path
        ? `cannot write ${values.out}: ${(err as Error).message}`
        : classifyRedisError(err, display, [password]).message;
    process.stderr.write(`streamscope export: ${message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    client?.disconnect();
  }
}
