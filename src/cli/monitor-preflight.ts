/**
 * The monitor's first connection, before the TUI opens: an error that waiting cannot fix (wrong
 * password, TLS mismatch, an unknown host, a port that is not Redis, Redis too old) ends the
 * monitor with one line and exit 1, within ~5 s, instead of opening a screen that retries
 * forever. Transient ones (refused, timeout, LOADING…) open the monitor anyway: its loops show
 * "connecting" and retry. A `--since` later than the server's clock is refused (exit 2): the
 * tail would wait until then, silently.
 */
import type { CliConnection } from './connection-options.js';
import { StreamscopeError, redactUrl, type ErrorCode } from '../core/errors.js';
import { parseTimeReply } from '../core/parse-info.js';
import { evictionWarning } from '../streams/eviction-check.js';
import { streamIdToMs } from '../core/stream-id.js';

/** A connect attempt and its handshake, ms (connectChecked adds 1 s): the fatal line comes within ~4–5 s of the start. */
const PREFLIGHT_TIMEOUT_MS = 3000;

const PERMANENT = new Set<ErrorCode>([
  'AUTH',
  'TLS',
  'VERSION',
  'NOPERM',
  'REDIS',
  'INVALID_ARGUMENT',
]);

/** Whether retrying could fix `e` without anyone changing the URL, the password or the server. */
export function isPermanentAtStart(e: StreamscopeError, url: string): boolean {
  if (PERMANENT.has(e.code)) return true;
  // A host that does not resolve; a port that accepted and closed without a Redis reply (HTTP,
  // a TLS port spoken to in plain text); a plain port spoken to in TLS (never answers).
  if (e.code === 'UNREACHABLE') return /cannot resolve|before Redis answered/.test(e.message);
  if (e.code === 'TIMEOUT') return /^rediss:/i.test(url);
  return false;
}

export type Preflight =
  /** `warning`: one line for stderr before the screen opens (an allkeys-* eviction policy). */
  | { kind: 'ok'; warning?: string }
  /** Open the monitor; its loops retry. */
  | { kind: 'transient'; error: StreamscopeError; warning?: undefined }
  /** One line for stderr and the exit code. */
  | { kind: 'fatal'; line: string; exitCode: number };

type ConnectionModule = typeof import('../streams/connection.js');

export async function preflight(
  connection: ConnectionModule,
  conn: CliConnection & { url: string },
  since: string | number,
): Promise<Preflight> {
  const client = connection.createRedisClient({
    ...conn,
    connectTimeoutMs: PREFLIGHT_TIMEOUT_MS,
    commandTimeoutMs: PREFLIGHT_TIMEOUT_MS,
    connectionName: 'streamscope-monitor-check',
  });
  try {
    await connection.connectChecked(client, conn);
    if (since !== '$') {
      const serverMs = parseTimeReply(await client.call('TIME'));
      const sinceMs = typeof since === 'number' ? since : streamIdToMs(since);
      // A second of slack: a stream ID the server made an instant ago is not "in the future".
      if (sinceMs > serverMs + 1000) {
        return {
          kind: 'fatal',
          exitCode: 2,
          line: `streamscope monitor: --since ${since} is later than the server's clock (${new Date(serverMs).toISOString()}): nothing would show until then. Use a past time or stream ID, or leave --since out. (see streamscope monitor --help)\n`,
        };
      }
    }
    const warning = await evictionWarning(client, redactUrl(conn.url));
    return warning ? { kind: 'ok', warning: `streamscope monitor: ${warning}\n` } : { kind: 'ok' };
  } catch (err) {
    const e = err instanceof StreamscopeError ? err : new StreamscopeError('REDIS', String(err));
    if (isPermanentAtStart(e, conn.url))
      return { kind: 'fatal', exitCode: 1, line: `streamscope monitor: ${e.message}\n` };
    return { kind: 'transient', error: e };
  } finally {
    client.disconnect();
  }
}
