/**
 * `streamscope status [--json] [--url] [--prefix]`: every stream under the prefix (found with
 * SCAN, never KEYS) with its length and consumer groups. One line of error and exit 1 when the
 * server cannot be used; the URL is only ever shown redacted.
 */
import { createKeySpace, DEFAULT_PREFIX } from '../core/keys.js';
import { classifyRedisError } from '../core/errors.js';
import type { StreamSnapshot } from '../core/messages.js';
import { connectChecked, createRedisClient, resolveTarget } from '../streams/connection.js';
import { snapshotStreams, StreamDiscovery } from '../streams/inspector.js';
import {
  CONNECTION_ARGS,
  connectionFromArgs,
  insecureWarning,
  tlsUsage,
  type ConnectionArgValues,
} from './connection-options.js';
import { parseFlags, usageLine } from './args.js';
import { sanitize } from '../core/sanitize.js';

const HELP = `Usage: streamscope status [--json] [--url <redis-url>] [--tls-ca <file>] [--prefix <prefix>]

Lists every stream under the prefix with its length and consumer groups
(pending, lag — "?" when Redis cannot tell —, last delivered ID, consumers).

  --json             print one JSON document { "streams": [...] }
  --url <redis-url>  server (default: REDIS_URL, else redis://127.0.0.1:6379)
                     (password: in the URL, else REDIS_PASSWORD, else REDISCLI_AUTH)
${tlsUsage(21)}  --prefix <prefix>  key prefix (default: ${DEFAULT_PREFIX})
  -h, --help         this help
`;

const HEADERS = ['STREAM', 'LENGTH', 'GROUP', 'CONSUMERS', 'PENDING', 'LAG', 'LAST DELIVERED'];
const RIGHT = new Set([1, 3, 4, 5]); // numeric columns are right-aligned

/** Rows of cells: one per group, a stream without groups gets one row with "-" as group. */
function rows(streams: StreamSnapshot[]): string[][] {
  const out: string[][] = [];
  for (const s of streams) {
    const key = sanitize(s.key);
    if (s.groups.length === 0) out.push([key, String(s.length), '-', '', '', '', '']);
    s.groups.forEach((g, i) => {
      out.push([
        i === 0 ? key : '',
        i === 0 ? String(s.length) : '',
        sanitize(g.name),
        String(g.consumers),
        String(g.pending),
        g.lag === null ? '?' : String(g.lag),
        g.lastDeliveredId,
      ]);
    });
  }
  return out;
}

export function formatTable(streams: StreamSnapshot[]): string {
  const table = [HEADERS, ...rows(streams)];
  const widths = HEADERS.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table
    .map((r) =>
      r
        .map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let values: ConnectionArgValues & { json?: boolean; prefix?: string; help?: boolean };
  try {
    ({ values } = parseFlags(argv, {
      json: { type: 'boolean' },
      ...CONNECTION_ARGS,
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (err) {
    process.stderr.write(usageLine('status', err));
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const prefix = values.prefix ?? DEFAULT_PREFIX;
  const connection = connectionFromArgs(values);
  let display = 'redis';
  let password: string | undefined;
  let client: ReturnType<typeof createRedisClient> | null = null;
  try {
    const target = resolveTarget(connection);
    display = target.display;
    password = target.password;
    const warning = insecureWarning('status', connection);
    if (warning) process.stderr.write(warning);
    client = createRedisClient({ ...connection, connectionName: 'streamscope-status' });
    await connectChecked(client, connection);
    const keys = createKeySpace(prefix);
    const found = await new StreamDiscovery(keys).step(client, true);
    const { streams } = await snapshotStreams(client, keys, found.keys);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ streams }, null, 2)}\n`);
    } else if (streams.length === 0) {
      process.stdout.write(`no streams under "${sanitize(prefix)}" at ${display}\n`);
    } else {
      const n = streams.length;
      process.stdout.write(
        `${n} stream${n === 1 ? '' : 's'} under "${sanitize(prefix)}" at ${display}\n\n${formatTable(streams)}\n`,
      );
    }
    return 0;
  } catch (err) {
    const e = classifyRedisError(err, display, [password]);
    process.stderr.write(`streamscope status: ${e.message}\n`);
    return 1;
  } finally {
    client?.disconnect();
  }
}
