/**
 * What `replay`, `archive` and `restore` share: argv parsing with the connection and mutation
 * options, one connected client, one-line errors (password scrubbed), and the journal line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Redis } from 'ioredis';
import { createKeySpace, DEFAULT_PREFIX, type KeySpace } from '../core/keys.js';
import { classifyRedisError, StreamscopeError, errorCodeOf } from '../core/errors.js';
import { parseTimeReply } from '../core/parse-info.js';
import { resolveTarget } from '../streams/connection.js';
import { checkLayout, connectAuto } from '../streams/cluster.js';
import { Journal, journalPathFromArgs, type JournalOutcome } from '../monitor/journal.js';
import {
  CONNECTION_ARGS,
  connectionFromArgs,
  layoutFromArgs,
  insecureWarning,
  type ConnectionArgValues,
} from './connection-options.js';
import { MUTATION_ARGS, type MutationArgValues } from './mutation-cli.js';

export type OpsValues = ConnectionArgValues &
  MutationArgValues & { prefix?: string; help?: boolean };

export interface Parsed<V> {
  values: V & OpsValues;
  positionals: string[];
}

/** parseArgs with the shared options; null (after printing the error and help) on bad usage. */
export function parseOps<V>(
  command: string,
  help: string,
  argv: string[],
  own: ParseArgsConfig['options'],
  positionals = false,
): Parsed<V> | null {
  try {
    const { values, positionals: pos } = parseArgs({
      args: argv,
      options: {
        ...own,
        ...CONNECTION_ARGS,
        // node:util parseArgs spells the shared parser's `list` type this way (several --url).
        url: { type: 'string', multiple: true },
        ...MUTATION_ARGS,
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: positionals,
    });
    return { values: values as V & OpsValues, positionals: pos };
  } catch (err) {
    process.stderr.write(`streamscope ${command}: ${(err as Error).message}\n\n${help}`);
    return null;
  }
}

export interface OpsSession {
  client: Redis;
  keys: KeySpace;
  display: string;
  secrets: (string | undefined)[];
  close(): void;
  /** One line for any error, password removed. */
  describe(err: unknown): string;
  /** Append the journal line (unless --no-journal); a journal failure is reported, not fatal. */
  journal(input: {
    verb: string;
    stream: string | null;
    group?: string | null;
    count: number;
    before: Record<string, unknown> | null;
    outcome: JournalOutcome;
  }): Promise<void>;
}

export async function openSession(command: string, values: OpsValues): Promise<OpsSession> {
  const connection = connectionFromArgs(values);
  const target = resolveTarget(connection);
  const warning = insecureWarning(command, connection);
  if (warning) process.stderr.write(warning);
  const secrets = [target.password, target.url];
  const describe = (err: unknown) =>
    err instanceof StreamscopeError || err instanceof RangeError
      ? err.message
      : classifyRedisError(err, target.display, secrets).message;
  let client: Redis;
  try {
    // A cluster node is detected here: every command then goes to its key's master.
    ({ client } = await connectAuto({ ...connection, connectionName: `streamscope-${command}` }));
  } catch (err) {
    throw new StreamscopeError(errorCodeOf(err), describe(err), { cause: err });
  }
  const keys = createKeySpace(values.prefix ?? DEFAULT_PREFIX, layoutFromArgs(values));
  try {
    // hash-tag on a cluster needs a braced prefix: refused with the fix, as the library does.
    checkLayout(client, keys.prefix, keys.layout);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const journalPath = journalPathFromArgs(values);
  return {
    client,
    keys,
    display: target.display,
    secrets,
    close: () => client.disconnect(),
    describe,
    journal: async (input) => {
      if (!journalPath) return;
      try {
        await new Journal(journalPath).append({
          server: target.display,
          user: null,
          verb: input.verb,
          stream: input.stream,
          group: input.group ?? null,
          count: input.count,
          ids: [],
          before: input.before,
          outcome: input.outcome,
          secrets,
        });
      } catch (err) {
        process.stderr.write(
          `streamscope ${command}: the journal could not be written (${(err as Error).message})\n`,
        );
      }
    },
  };
}

/** Server time, ms (relative bounds such as `2h` are measured on the server's clock). */
export async function serverNowMs(client: Redis): Promise<number> {
  return parseTimeReply(await client.time());
}

/** `1 entry`, `10,000 entries`. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function entries(n: number): string {
  return countOf(n, 'entry', 'entries');
}
