/**
 * `streamscope status`: every stream under the prefix (found with SCAN, never KEYS) with its
 * length and consumer groups, oldest pending age, stuck consumers and the "why is it stuck?"
 * line; `--fail-if` turns it into a check for scripts and alerts (exit 1 naming each failed
 * condition), `--watch <s>` reprints it in place. Exit 2 on a usage error; exit 1 with one line
 * when the server cannot be used. The URL is only ever shown redacted.
 */
import { createKeySpace, DEFAULT_PREFIX } from '../core/keys.js';
import { classifyRedisError } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import { FailIfUsageError, parseCondition, type Condition } from '../core/fail-if.js';
import {
  THRESHOLD_ARGS,
  ThresholdUsageError,
  thresholdUsage,
  thresholdsFromArgs,
  type ThresholdArgValues,
  type Thresholds,
} from '../core/thresholds.js';
import { resolveTarget } from '../streams/connection.js';
import { clusterTopology, connectAuto, describeTopology, seedStatus } from '../streams/cluster.js';
import { checkGlobalStream, type GlobalCheck } from '../streams/check-global.js';
import type { Redis } from 'ioredis';
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
import { runChecks, type StatusPass } from './status-run.js';
import { parseFlags, usageLine, UsageError } from './args.js';

const HELP = `Usage: streamscope status [--json] [--fail-if <cond>]… [--watch <s>] [thresholds] [--url <redis-url>] [--prefix <prefix>]

Lists every stream under the prefix with its length and consumer groups (pending, age of the
oldest pending entry, stuck consumers, lag — "?" when Redis cannot tell, "~n" when counted —,
last delivered ID), then the stuck consumers and a "why is it stuck?" line per troubled group.

  --json             print one JSON document { streams, groups, dlqs, thresholds, failed }
  --fail-if <cond>   exit 1 when a condition holds, naming each (repeatable):
                       lag>1000  pending>100  pending-age>5m  stuck>0  dlq>0
                     ops > >= < <= =; scoped: group=workers:lag>100, stream=asset.processed:pending>0
  --check-global     also look up every type-stream entry in <prefix>all and list
                     those missing (the spread layout's publish is two steps);
                     exit 1 when some are missing
  --watch <s>        reprint every s seconds in place, with ingest/consume rates and drain (ctrl+c stops)
${thresholdUsage(21)}  --url <redis-url>  server (default: REDIS_URL, else redis://127.0.0.1:6379)
                     (password: in the URL, else REDIS_PASSWORD, else REDISCLI_AUTH)
${tlsUsage(21)}${clusterUsage(21)}  --prefix <prefix>  key prefix (default: ${DEFAULT_PREFIX})
  -h, --help         this help

Exit: 0 ok, 1 a --fail-if condition failed (or the server cannot be used), 2 usage error.
`;

interface StatusArgs extends ConnectionArgValues, ThresholdArgValues {
  json?: boolean;
  prefix?: string;
  help?: boolean;
  'fail-if'?: string[];
  watch?: string;
  'check-global'?: boolean;
}

interface Parsed {
  values: StatusArgs;
  conditions: Condition[];
  thresholds: Thresholds;
  watchMs: number | null;
  connection: CliConnection;
  keys: ReturnType<typeof createKeySpace>;
}

function parse(argv: string[]): Parsed {
  const { values } = parseFlags(argv, {
    json: { type: 'boolean' },
    'fail-if': { type: 'list' },
    'check-global': { type: 'boolean' },
    watch: { type: 'string' },
    ...THRESHOLD_ARGS,
    ...CONNECTION_ARGS,
    prefix: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }) as { values: StatusArgs };
  let watchMs: number | null = null;
  if (values.watch !== undefined) {
    const s = Number(values.watch);
    if (!/^\d+(\.\d+)?$/.test(values.watch.trim()) || !(s > 0))
      throw new UsageError(
        `--watch: expected seconds above zero, got ${JSON.stringify(values.watch)}`,
      );
    watchMs = Math.round(s * 1000);
  }
  try {
    const thresholds = thresholdsFromArgs(values);
    const conditions = (values['fail-if'] ?? []).map(parseCondition);
    const connection = connectionFromArgs(values);
    const keys = createKeySpace(values.prefix ?? DEFAULT_PREFIX, layoutFromArgs(values));
    return { values, conditions, thresholds, watchMs, connection, keys };
  } catch (err) {
    if (err instanceof ThresholdUsageError || err instanceof FailIfUsageError)
      throw new UsageError(err.message);
    throw err;
  }
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
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(usageLine('status', err));
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { connection, keys } = parsed;
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
    const connectOptions = { ...connection, connectionName: 'streamscope-status' };
    ({ client } = await connectAuto(connectOptions));
    const topology = await clusterTopology(client);
    // Several --url: the seed that answered, and the ones that did not.
    const seeds = await seedStatus(client, connectOptions);
    const down = seeds.unreachable.map((u) => `; seed ${u} did not answer`).join('');
    display = seeds.display;
    const connected = client;
    const pass: StatusPass = {
      client,
      keys,
      display: topology ? `${display} (${describeTopology(topology)}${down})` : display,
      cluster: topology,
      extra: values['check-global']
        ? async (streams) => {
            const typeStreams = streams.filter((s) => s.kind === 'type').map((s) => s.key);
            const check = await checkGlobalStream(connected, keys, typeStreams);
            return {
              json: { checkGlobal: check },
              text: formatGlobalCheck(check, keys.globalStream),
              failed: check.missing.length > 0,
            };
          }
        : undefined,
      json: values.json ?? false,
      conditions: parsed.conditions,
      thresholds: parsed.thresholds,
      watchMs: parsed.watchMs,
      write: (s) => process.stdout.write(s),
      usageError: (line) => process.stderr.write(`streamscope status: ${sanitize(line)}\n`),
    };
    return await runChecks(pass);
  } catch (err) {
    const e = classifyRedisError(err, display, [password]);
    process.stderr.write(`streamscope status: ${e.message}\n`);
    return 1;
  } finally {
    client?.disconnect();
  }
}
