/**
 * `streamscope status [--json] [--url] [--prefix]`: every stream under the prefix (found with
 * SCAN, never KEYS) with its length and consumer groups. One line of error and exit 1 when the
 * server cannot be used; the URL is only ever shown redacted.
 */
import { createKeySpace, DEFAULT_PREFIX } from '../core/keys.js';
import { classifyRedisError } from '../core/errors.js';
import type { StreamSnapshot } from '../core/messages.js';
import { resolveTarget } from '../streams/connection.js';
import { snapshotStreams, StreamDiscovery } from '../streams/inspector.js';
import { clusterTopology, connectAuto, describeTopology } from '../streams/cluster.js';
import { checkGlobalStream, type GlobalCheck } from '../streams/check-global.js';
import {
  CONNECTION_ARGS,
  clusterUsage,
  connectionFromArgs,
  insecureWarning,
  layoutFromArgs,
  tlsUsage,
  type CliConnection,
  type ConnectionArgValues,
} from './connection-options.js';
import type { Redis } from 'ioredis';
import { parseFlags, usageLine } from './args.js';
import { sanitize } from '../core/sanitize.js';

const HELP = `Usage: streamscope status [--json] [--check-global] [--url <redis-url>]… [--prefix <prefix>]

Lists every stream under the prefix with its length and consumer groups
(pending, lag — "?" when Redis cannot tell —, last delivered ID, consumers).

  --json             print one JSON document { "streams": [...] }
  --check-global     also look up every type-stream entry in <prefix>all and list
                     those missing (the spread layout's publish is two steps);
                     exit code 1 when some are missing
  --url <redis-url>  server (default: REDIS_URL, else redis://127.0.0.1:6379)
                     (password: in the URL, else REDIS_PASSWORD, else REDISCLI_AUTH)
${tlsUsage(21)}${clusterUsage(21)}  --prefix <prefix>  key prefix (default: ${DEFAULT_PREFIX})
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

/** The check's summary lines (at most 20 entries named). */
export function formatGlobalCheck(check: GlobalCheck, globalStream: string): string {
  const lines = [
    `check-global: ${check.checked} type-stream entries looked up in ${sanitize(globalStream)}: ${check.missing.length} missing` +
      (check.older > 0 ? `, ${check.older} older than its first entry (not judged)` : '') +
      (check.foreign > 0 ? `, ${check.foreign} not in the seed format (not judged)` : ''),
  ];
  for (const m of check.missing.slice(0, 20))
    lines.push(`  missing: ${sanitize(m.stream)} ${m.id} event_id ${sanitize(m.eventId)}`);
  if (check.missing.length > 20)
    lines.push(`  … and ${check.missing.length - 20} more (--json lists all)`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let values: ConnectionArgValues & {
    json?: boolean;
    prefix?: string;
    help?: boolean;
    'check-global'?: boolean;
  };
  let connection: CliConnection;
  let keys: ReturnType<typeof createKeySpace>;
  try {
    ({ values } = parseFlags(argv, {
      json: { type: 'boolean' },
      'check-global': { type: 'boolean' },
      ...CONNECTION_ARGS,
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }));
    connection = connectionFromArgs(values);
    keys = createKeySpace(values.prefix ?? DEFAULT_PREFIX, layoutFromArgs(values));
  } catch (err) {
    process.stderr.write(usageLine('status', err));
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const prefix = keys.prefix;
  let display = 'redis';
  let password: string | undefined;
  let client: Redis | null = null;
  try {
    const target = resolveTarget(connection);
    display = target.display;
    password = target.password;
    const warning = insecureWarning('status', connection);
    if (warning) process.stderr.write(warning);
    // A cluster node is detected here; discovery and snapshots then visit every master.
    ({ client } = await connectAuto({ ...connection, connectionName: 'streamscope-status' }));
    const topology = await clusterTopology(client);
    const found = await new StreamDiscovery(keys).step(client, true);
    const { streams } = await snapshotStreams(client, keys, found.keys);
    const check = values['check-global']
      ? await checkGlobalStream(
          client,
          keys,
          streams.filter((s) => s.kind === 'type').map((s) => s.key),
        )
      : null;
    const where = topology ? `${display} (${describeTopology(topology)})` : display;
    if (values.json) {
      const doc = {
        ...(topology ? { cluster: topology } : {}),
        streams,
        ...(check ? { checkGlobal: check } : {}),
      };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (streams.length === 0) {
      process.stdout.write(`no streams under "${sanitize(prefix)}" at ${where}\n`);
    } else {
      const n = streams.length;
      process.stdout.write(
        `${n} stream${n === 1 ? '' : 's'} under "${sanitize(prefix)}" at ${where}\n\n${formatTable(streams)}\n`,
      );
    }
    if (check && !values.json)
      process.stdout.write(`\n${formatGlobalCheck(check, keys.globalStream)}\n`);
    return check && check.missing.length > 0 ? 1 : 0;
  } catch (err) {
    const e = classifyRedisError(err, display, [password]);
    process.stderr.write(`streamscope status: ${e.message}\n`);
    return 1;
  } finally {
    client?.disconnect();
  }
}
