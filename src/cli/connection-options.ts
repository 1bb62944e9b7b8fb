/**
 * The connection options every command takes (`--url`, `--tls-ca`, `--tls-insecure`): one
 * definition for parseArgs, one help text, one translation into ConnectionOptions. The commands
 * (monitor, tail, status) spread CONNECTION_ARGS into their own flag specs.
 */
import type { ConnectionOptions } from '../streams/connection.js';
import { KEY_LAYOUTS, type KeyLayout } from '../core/keys.js';
import { UsageError } from './args.js';

export const CONNECTION_ARGS = {
  // Repeatable: several --url seed a Redis Cluster client (any one node is enough).
  url: { type: 'list' },
  'tls-ca': { type: 'string' },
  'tls-insecure': { type: 'boolean' },
  cluster: { type: 'boolean' },
  'read-from': { type: 'string' },
  layout: { type: 'string' },
} as const;

/** What parseFlags gives back for CONNECTION_ARGS. */
export interface ConnectionArgValues {
  url?: string[];
  'tls-ca'?: string;
  'tls-insecure'?: boolean;
  cluster?: boolean;
  'read-from'?: string;
  layout?: string;
}

export type CliConnection = Pick<
  ConnectionOptions,
  'url' | 'tlsCaFile' | 'tlsInsecure' | 'cluster' | 'seedUrls' | 'readFrom'
>;

export function connectionFromArgs(values: ConnectionArgValues): CliConnection {
  const [url, ...seeds] = values.url ?? [];
  const out: CliConnection = { url };
  if (values['tls-ca'] !== undefined) out.tlsCaFile = values['tls-ca'];
  if (values['tls-insecure']) out.tlsInsecure = true;
  if (values.cluster || seeds.length > 0) out.cluster = true;
  if (seeds.length > 0) out.seedUrls = seeds;
  const readFrom = values['read-from'];
  if (readFrom !== undefined) {
    if (readFrom !== 'masters' && readFrom !== 'replicas')
      throw new UsageError(
        `--read-from: expected masters or replicas, got ${JSON.stringify(readFrom)}`,
      );
    out.readFrom = readFrom;
  }
  return out;
}

/** `--layout hash-tag|spread` (default hash-tag). */
export function layoutFromArgs(values: ConnectionArgValues): KeyLayout {
  const layout = values.layout ?? 'hash-tag';
  if (!(KEY_LAYOUTS as readonly string[]).includes(layout))
    throw new UsageError(`--layout: expected hash-tag or spread, got ${JSON.stringify(layout)}`);
  return layout as KeyLayout;
}

/** Help lines for the Redis Cluster options, the description starting at column `column`. */
export function clusterUsage(column: number): string {
  const pad = (flag: string) => `  ${flag}`.padEnd(column);
  const cont = ' '.repeat(column);
  return (
    `${pad('--cluster')}Redis Cluster client even if not detected (a cluster node is\n` +
    `${cont}detected by itself; several --url seed the cluster: a dead seed\n` +
    `${cont}is skipped, status names it). TLS and ACL users as on one node:\n` +
    `${cont}--url rediss://viewer@10.0.0.5:7000 --tls-ca ca.pem (REDIS_PASSWORD)\n` +
    `${pad('--layout <layout>')}hash-tag (default: braced prefix, one slot) or spread\n` +
    `${cont}(streams over all masters; see README "Redis Cluster")\n` +
    `${pad('--read-from <role>')}cluster: masters (default) or replicas (tail and snapshots\n` +
    `${cont}from replicas: spares the masters, lags by the replication delay)\n`
  );
}

/** Help lines for the TLS options, the description starting at column `column` (0-based). */
export function tlsUsage(column: number): string {
  const pad = (flag: string) => `  ${flag}`.padEnd(column);
  const cont = ' '.repeat(column);
  return (
    `${pad('--tls-ca <file>')}rediss:// only: trust this CA (PEM) for the server certificate\n` +
    `${cont}(or set NODE_EXTRA_CA_CERTS=<file> for every TLS connection)\n` +
    `${pad('--tls-insecure')}rediss:// only: do NOT verify the server certificate\n` +
    `${cont}(self-signed development servers; prints a warning)\n`
  );
}

/** The loud warning a command prints before connecting with --tls-insecure, or null. */
export function insecureWarning(command: string, connection: CliConnection): string | null {
  if (!connection.tlsInsecure) return null;
  return (
    `streamscope ${command}: WARNING: --tls-insecure: the server certificate is NOT verified. ` +
    'Anyone on the network path can impersonate the server and read the password and the data. ' +
    'Use --tls-ca <ca.pem> or NODE_EXTRA_CA_CERTS=<ca.pem> instead.\n'
  );
}
