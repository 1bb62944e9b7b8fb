/**
 * What the bulk verbs (ack, claim, deadletter, consumer delete, group setid, dlq, undo) share:
 * flags, one connection + journal per run, `--stream <type>` → key, and the path from a plan to
 * runMutation (preview, refusal, confirm) and performAction (run, journal). Every failure before
 * anything changed is one line and exit 1; a usage error one line and exit 2.
 */
import { createKeySpace, DEFAULT_PREFIX, type KeySpace } from '../core/keys.js';
import { classifyRedisError, StreamscopeError } from '../core/errors.js';
import type { BulkKind } from '../core/bulk-kinds.js';
import { resolveTarget } from '../streams/connection.js';
import { checkLayout, connectAuto } from '../streams/cluster.js';
import type { BulkContext } from '../monitor/bulk/context.js';
import { performAction, type ActionEnv } from '../monitor/bulk/perform.js';
import { aclUser, refusalFor } from '../monitor/bulk/permissions.js';
import type { ActionPlan } from '../monitor/bulk/plans.js';
import { Journal, journalPathFromArgs } from '../monitor/journal.js';
import { parseFlags, usageLine, UsageError, type FlagSpecs, type FlagValues } from './args.js';
import {
  clusterUsage,
  CONNECTION_ARGS,
  connectionFromArgs,
  insecureWarning,
  layoutFromArgs,
  tlsUsage,
  type ConnectionArgValues,
} from './connection-options.js';
import {
  MUTATION_ARGS,
  mutationUsage,
  runMutation,
  type MutationArgValues,
} from './mutation-cli.js';

export const SESSION_ARGS = {
  ...CONNECTION_ARGS,
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const BULK_ARGS = { ...SESSION_ARGS, ...MUTATION_ARGS } as const;

/** The PEL selectors of ack, claim and deadletter (AND). */
export const SELECTOR_ARGS = {
  stream: { type: 'string' },
  group: { type: 'string' },
  consumer: { type: 'string' },
  idle: { type: 'string' },
  deliveries: { type: 'string' },
  ids: { type: 'string' },
  all: { type: 'boolean' },
} as const;

/** Help lines for the connection and mutation flags (description at column `column`). */
export function commonUsage(column: number): string {
  const line = (flag: string, text: string) => `${`  ${flag}`.padEnd(column)}${text}\n`;
  return (
    mutationUsage(column) +
    line('--url <redis-url>', 'server (default: REDIS_URL, else redis://127.0.0.1:6379)') +
    tlsUsage(column) +
    clusterUsage(column) +
    line('--prefix <prefix>', `key prefix (default: ${DEFAULT_PREFIX})`) +
    line('-h, --help', 'this help')
  );
}

export interface Session {
  ctx: BulkContext;
  env: ActionEnv;
  keys: KeySpace;
  readOnly: boolean;
  close(): void;
}

type SessionValues = ConnectionArgValues &
  MutationArgValues & { prefix?: string; 'read-only'?: boolean };

async function openSession(command: string, values: SessionValues): Promise<Session> {
  const connection = connectionFromArgs(values);
  const target = resolveTarget(connection);
  const warning = insecureWarning(command, connection);
  if (warning) process.stderr.write(warning);
  // A cluster node is detected here: every command then goes to its key's master.
  const { client } = await connectAuto({
    ...connection,
    connectionName: `streamscope-${command}`,
  });
  const keys = createKeySpace(values.prefix ?? DEFAULT_PREFIX, layoutFromArgs(values));
  try {
    // hash-tag on a cluster needs a braced prefix (a dead-letter copy and its XACK are one MULTI).
    checkLayout(client, keys.prefix, keys.layout);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const ctx: BulkContext = { client, keys, display: target.display, secrets: [target.password] };
  const path = journalPathFromArgs(values);
  return {
    ctx,
    keys,
    readOnly: Boolean(values['read-only']),
    env: {
      journal: path ? new Journal(path) : null,
      server: target.display,
      user: await aclUser(ctx),
    },
    close: () => client.disconnect(),
  };
}

/** `--stream <type>`: a type (`asset.processed`), `all` (the global stream), `dlq:<type>`, or a full key. */
export function streamKeyOf(keys: KeySpace, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('--stream <type> is required');
  if (value.startsWith(keys.prefix) && value.length > keys.prefix.length) return value;
  return keys.streamNamed(value);
}

/** `--stream <type>` of a dlq verb → `<prefix>dlq:<type>` (a full dlq key is taken as is). */
export function dlqKeyOf(keys: KeySpace, value: string | undefined): string {
  const key = streamKeyOf(keys, value);
  const kind = keys.describe(key);
  if (kind.kind === 'dead-letter') return key;
  return keys.deadLetterStream(key.slice(keys.prefix.length));
}

export function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** `--ids a,b` → IDs; `--all` → null (every entry); neither → a usage error. */
export function idsOrAll(values: { ids?: string; all?: boolean }): string[] | null {
  if (values.all && values.ids !== undefined) throw new UsageError('give --ids or --all, not both');
  if (values.all) return null;
  if (values.ids === undefined) throw new UsageError('say which: --ids <id,…> or --all');
  const ids = values.ids
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError('--ids: no IDs given');
  return ids;
}

/** The plan → preview → refusal/confirm → run + journal path, for every bulk verb. */
export async function runPlan(
  command: string,
  session: Session,
  flags: MutationArgValues,
  plan: ActionPlan,
  /** The kind whose ACL probe applies (an undo probes the kind it runs). */
  probeKind: BulkKind = plan.kind,
): Promise<number> {
  const refusal = await refusalFor(session.ctx, probeKind, session.readOnly);
  return runMutation({
    command,
    flags,
    preview: plan.preview,
    refusal,
    apply: async (progress, signal) => {
      const done = await performAction(session.ctx, plan, session.env, {
        onProgress: progress,
        signal,
      });
      if (done.journalError) process.stderr.write(`streamscope ${command}: ${done.journalError}\n`);
      const r = done.result;
      return {
        ok: r.error === null,
        cancelled: r.cancelled,
        summary: done.summary,
        data: {
          requested: r.requested,
          done: r.done,
          vanished: r.vanished,
          cancelled: r.cancelled,
          error: r.error ? { code: r.error.code, message: r.error.message } : null,
          journalId: done.record?.id ?? null,
        },
      };
    },
  });
}

/**
 * Parse flags, print help, open the session, run `body`, close. Usage errors → exit 2, anything
 * else thrown (connection, unknown group, bad target) → one line, exit 1.
 */
export async function bulkCommand<S extends FlagSpecs>(
  command: string,
  argv: string[],
  specs: S,
  help: string,
  body: (values: FlagValues<S>, session: Session, positionals: string[]) => Promise<number>,
  options: { positionals?: boolean } = {},
): Promise<number> {
  let values: FlagValues<S>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv, specs, options));
  } catch (err) {
    process.stderr.write(usageLine(command, err));
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    return 0;
  }
  let session: Session | null = null;
  let display = 'redis';
  let secrets: (string | undefined)[] = [];
  try {
    const t = resolveTarget(connectionFromArgs(values as ConnectionArgValues));
    display = t.display;
    secrets = [t.password];
    session = await openSession(command, values as SessionValues);
    return await body(values, session, positionals);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(usageLine(command, err));
      return 2;
    }
    const e = err instanceof StreamscopeError ? err : classifyRedisError(err, display, secrets);
    process.stderr.write(`streamscope ${command}: ${e.message}\n`);
    return 1;
  } finally {
    session?.close();
  }
}
