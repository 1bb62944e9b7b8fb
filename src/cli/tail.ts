/**
 * `streamscope tail`: monitorEventsFromRedis as a command. Reads the global stream with plain
 * XREAD (never a consumer group). Errors print as one line without a stack trace, exit code 1.
 */
import { monitorEventsFromRedis } from '../bus/monitor-events.js';
import {
  CONNECTION_ARGS,
  connectionFromArgs,
  insecureWarning,
  clusterUsage,
  tlsUsage,
  type CliConnection,
  type ConnectionArgValues,
} from './connection-options.js';
import { parseFlags, usageLine } from './args.js';

export const TAIL_USAGE = `Usage: streamscope tail [--types a,b] [--json] [--url <redis-url>] [--tls-ca <file>] [--prefix <prefix>]

Print events from the global stream (<prefix>all) as they arrive, one line each, until Ctrl-C.
Reads with plain XREAD: it joins no consumer group and takes nothing from workers.

Options:
  --types a,b        only these event types
  --json             one JSON object per line: {"id","type","event"} (raw "fields" for foreign entries)
  --url <redis-url>  default: REDIS_URL, else redis://127.0.0.1:6379
                     (password: in the URL, else REDIS_PASSWORD, else REDISCLI_AUTH)
${tlsUsage(21)}${clusterUsage(21)}  --prefix <prefix>  default: alice:events:
  -h, --help         this help
`;

export interface TailIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Stop (tests); SIGINT/SIGTERM also stop. */
  signal?: AbortSignal;
}

export async function run(
  argv: string[],
  io: TailIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let values: ConnectionArgValues & {
    types?: string;
    json?: boolean;
    prefix?: string;
    help?: boolean;
  };
  let connection: CliConnection;
  try {
    values = parseFlags(argv, {
      types: { type: 'string' },
      json: { type: 'boolean' },
      ...CONNECTION_ARGS,
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }).values;
    connection = connectionFromArgs(values);
  } catch (err) {
    io.stderr.write(usageLine('tail', err));
    return 2;
  }
  if (values.help) {
    io.stdout.write(TAIL_USAGE);
    return 0;
  }
  const warning = insecureWarning('tail', connection);
  if (warning) io.stderr.write(warning);
  const controller = new AbortController();
  const stop = () => controller.abort();
  io.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGPIPE', stop);
  // `streamscope tail | head -1`: a closed pipe (EPIPE) ends the tail quietly, exit 0. The
  // listener stays after we return: writes still in flight fail later, and an 'error' event
  // without a listener would print a stack trace.
  let pipeClosed = false;
  const onStdoutError = () => {
    pipeClosed = true;
    stop();
  };
  io.stdout.on('error', onStdoutError);
  try {
    await monitorEventsFromRedis(
      values.types
        ? values.types
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : undefined,
      {
        redisUrl: connection.url,
        tlsCaFile: connection.tlsCaFile,
        tlsInsecure: connection.tlsInsecure,
        cluster: connection.cluster,
        seedUrls: connection.seedUrls,
        readFrom: connection.readFrom,
        streamPrefix: values.prefix,
        json: values.json ?? false,
        signal: controller.signal,
        output: (line) => void (pipeClosed || io.stdout.write(`${line}\n`)),
        // Monitor lines start with "tail: ".
        logger: (line) => void io.stderr.write(`streamscope ${line}\n`),
      },
    );
    return 0;
  } catch (err) {
    // Stopped by the reader or a signal while connecting: not an error.
    if (pipeClosed || controller.signal.aborted) return 0;
    io.stderr.write(`streamscope tail: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGPIPE', stop);
    io.stdout.off('error', onStdoutError);
    io.stdout.on('error', () => {});
    io.signal?.removeEventListener('abort', stop);
  }
}
