/**
 * The connection options every command takes (`--url`, `--tls-ca`, `--tls-insecure`): one
 * definition for parseArgs, one help text, one translation into ConnectionOptions. The commands
 * (monitor, tail, status) spread CONNECTION_ARGS into their own flag specs.
 */
import type { ConnectionOptions } from '../streams/connection.js';

export const CONNECTION_ARGS = {
  url: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-insecure': { type: 'boolean' },
} as const;

/** What parseFlags gives back for CONNECTION_ARGS. */
export interface ConnectionArgValues {
  url?: string;
  'tls-ca'?: string;
  'tls-insecure'?: boolean;
}

export type CliConnection = Pick<ConnectionOptions, 'url' | 'tlsCaFile' | 'tlsInsecure'>;

export function connectionFromArgs(values: ConnectionArgValues): CliConnection {
  const out: CliConnection = { url: values.url };
  if (values['tls-ca'] !== undefined) out.tlsCaFile = values['tls-ca'];
  if (values['tls-insecure']) out.tlsInsecure = true;
  return out;
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
