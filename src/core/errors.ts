/**
 * Typed errors with stable codes and messages a person can act on. Messages never contain a
 * password: anything that may hold a URL goes through redactUrl first.
 */

export type ErrorCode =
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'AUTH'
  | 'TLS'
  | 'NOPERM'
  | 'VERSION'
  | 'NOGROUP'
  | 'WRONGTYPE'
  | 'READ_ONLY'
  | 'DECODE'
  | 'ARCHIVE'
  | 'INVALID_EVENT_TYPE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_PAYLOAD'
  | 'CROSSSLOT'
  | 'CLOSED'
  | ServerStateCode
  | 'REDIS';

/**
 * Refusals by a server that works but cannot take this command right now: retrying later can
 * succeed without anyone changing the client (the bus queues publishes on them).
 */
export type ServerStateCode =
  'OOM' | 'MISCONF' | 'READONLY' | 'LOADING' | 'BUSY' | 'TRYAGAIN' | 'CLUSTERDOWN';

/** The server's error prefix (`-OOM …`) → what it means, in words a person can act on. */
const SERVER_STATES: Record<ServerStateCode, string> = {
  OOM: 'Redis is out of memory (maxmemory reached under a noeviction policy): writes are refused until memory is freed or maxmemory is raised',
  MISCONF:
    'Redis cannot persist to disk (stop-writes-on-bgsave-error): writes are refused until a snapshot succeeds; check the server log and disk',
  READONLY:
    'this server is a read-only replica: writes need the primary (point --url / REDIS_URL at it)',
  LOADING: 'Redis is loading its dataset into memory after a restart: retry in a moment',
  BUSY: 'Redis is busy running a script or function (SCRIPT KILL / FUNCTION KILL ends it)',
  TRYAGAIN: 'the cluster is moving the keys of this command between nodes (resharding): retry',
  CLUSTERDOWN: 'the cluster is down (not every slot is served): retry once it is healthy',
};

/** Codes after which the same command may succeed later (connection faults and server states). */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNREACHABLE',
  'TIMEOUT',
  'CLOSED',
  ...(Object.keys(SERVER_STATES) as ServerStateCode[]),
]);

/** `OOM command not allowed…` → OOM; null when the reply is not one of SERVER_STATES. */
function serverStateOf(raw: string): ServerStateCode | null {
  const word = /^(?:ERR )?([A-Z]+)\b/.exec(raw)?.[1];
  return word && Object.hasOwn(SERVER_STATES, word) ? (word as ServerStateCode) : null;
}

/** Every error the library throws on purpose: a stable `code` to branch on and a message a person can act on (never a password). */
export class StreamscopeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamscopeError';
    this.code = code;
  }
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`. Also masks `?password=`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** Remove any occurrence of the given secrets from a message. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) {
    if (s && s.length > 0) out = out.split(s).join('***');
  }
  return out;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** What the caller was doing, so a lost connection is described as what it means there. */
export interface ErrorSituation {
  /** The first connect (connect(), a CLI start-up): nothing will retry it. */
  connecting?: boolean;
  /** A background loop that backs off and tries again by itself. */
  retrying?: boolean;
}

/**
 * `NOPERM this user has no permissions to run the 'xadd' command` → how to grant it. Redis names
 * the command, or says a key (or channel) is outside the user's patterns. The hint is generic;
 * callers with a way around (the monitor's --read-only) add their own.
 */
function noPermHint(raw: string): string {
  const cmd = /run the '([^']+)' command/i.exec(raw)?.[1]?.toLowerCase();
  if (cmd) {
    const category = /^x/.test(cmd) ? ' (or the whole category: +@stream)' : '';
    return `Grant it with ACL SETUSER <user> +${cmd}${category}.`;
  }
  if (/key/i.test(raw))
    return 'Grant access to the keys with ACL SETUSER <user> ~<prefix>* (e.g. ~alice:events:*).';
  return 'Grant the missing command or category with ACL SETUSER <user> +<command> / +@<category>.';
}

const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
]);

/**
 * A TLS failure (Node's certificate check or an OpenSSL handshake error) → a TLS error that says
 * what to change; null when the error is not about TLS. `msg` is already scrubbed.
 */
function classifyTlsError(
  code: string | undefined,
  raw: string,
  msg: string,
  where: string,
): StreamscopeError | null {
  const trust =
    'Trust its CA: set NODE_EXTRA_CA_CERTS=<ca.pem> or pass --tls-ca <ca.pem> (library: tlsCaFile).';
  if (
    (code && UNTRUSTED_CODES.has(code)) ||
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure/i.test(
      raw,
    )
  ) {
    return new StreamscopeError(
      'TLS',
      `TLS: the server certificate at ${where} is not trusted (${msg}). ${trust}`,
    );
  }
  if (
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    /does not match certificate's altnames/i.test(raw)
  ) {
    return new StreamscopeError(
      'TLS',
      `TLS: the server certificate at ${where} is not valid for that host name (${msg}). Connect with a name the certificate lists, or reissue the certificate.`,
    );
  }
  if (
    code === 'CERT_HAS_EXPIRED' ||
    code === 'CERT_NOT_YET_VALID' ||
    /certificate has expired|certificate is not yet valid/i.test(raw)
  ) {
    return new StreamscopeError(
      'TLS',
      `TLS: the server certificate at ${where} is outside its validity period (${msg}). Renew the certificate or check the clock.`,
    );
  }
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    /wrong version number|packet length too long|unknown protocol/i.test(raw)
  ) {
    return new StreamscopeError(
      'TLS',
      `TLS: ${where} did not answer the TLS handshake: that port does not speak TLS. Use redis:// for a plain port, rediss:// only for a TLS port.`,
    );
  }
  if (
    /alert certificate required|alert (bad|unknown|unsupported) certificate|alert unknown ca|alert handshake failure/i.test(
      raw,
    )
  ) {
    return new StreamscopeError(
      'TLS',
      `TLS: ${where} refused the handshake (${msg}): it requires a client certificate signed by a CA it trusts (tls-auth-clients). Pass one (library: tls: { cert, key }).`,
    );
  }
  if ((code && /^ERR_(SSL|TLS)_/.test(code)) || /SSL routines/.test(raw)) {
    return new StreamscopeError(
      'TLS',
      `TLS: the handshake with ${where} failed (${msg}). Check that it is a TLS port and that its certificate is trusted (NODE_EXTRA_CA_CERTS / --tls-ca).`,
    );
  }
  return null;
}

/**
 * Map an ioredis / network error to a StreamscopeError. `where` names the server (already
 * redacted), `secrets` are scrubbed from the result, `situation` picks the wording of a lost
 * connection (connect failed / will be retried / command failed).
 */
export function classifyRedisError(
  err: unknown,
  where: string,
  secrets: readonly (string | undefined)[] = [],
  situation: ErrorSituation = {},
): StreamscopeError {
  if (err instanceof StreamscopeError) return err;
  // EXECABORT hides the cause: the command refused while queued (OOM…) is in previousErrors.
  const previous = (err as { previousErrors?: unknown[] } | null)?.previousErrors?.[0];
  if (previous && /EXECABORT/.test(messageOf(err))) {
    const cause = classifyRedisError(previous, where, secrets, situation);
    return new StreamscopeError(cause.code, `${cause.message} (the transaction was discarded)`, {
      cause: err,
    });
  }
  const raw = messageOf(err);
  const code = (err as { code?: string } | null)?.code;
  const msg = scrub(raw, secrets);
  let out: StreamscopeError;
  const tlsError = classifyTlsError(code, raw, msg, where);
  if (tlsError) {
    out = tlsError;
  } else if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(raw)) {
    out = new StreamscopeError(
      'UNREACHABLE',
      `cannot connect to ${where}: connection refused. Is redis-server running there? Check --url / REDIS_URL.`,
    );
  } else if (/None of startup nodes is available|Failed to refresh slots cache/.test(raw)) {
    // ioredis's Cluster when no seed answered: the nodes' own errors went to 'node error'.
    out = new StreamscopeError(
      'UNREACHABLE',
      `cannot connect to ${where}: no Redis Cluster seed node answered. Is the cluster running there? Check --url (several --url give more seeds).`,
    );
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(raw)) {
    out = new StreamscopeError(
      'UNREACHABLE',
      `cannot resolve the host of ${where}. Check --url / REDIS_URL.`,
    );
  } else if (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(raw)) {
    // A plain Redis port reads a TLS ClientHello as an unfinished inline command and never answers.
    out =
      situation.connecting && /^rediss:/i.test(where)
        ? new StreamscopeError(
            'TIMEOUT',
            `${where} did not complete the TLS handshake in time. A plain (non-TLS) Redis port never answers one: use redis:// there; otherwise check the network and the port.`,
          )
        : new StreamscopeError(
            'TIMEOUT',
            `${where} did not answer in time. Check the network, the port, and TLS (rediss://).`,
          );
  } else if (
    /WRONGPASS|invalid username-password|NOAUTH|Authentication required|AUTH.*without any password/i.test(
      raw,
    )
  ) {
    out = new StreamscopeError(
      'AUTH',
      `authentication failed at ${where}. Check the user name and password (in the URL or REDISCLI_AUTH / REDIS_PASSWORD).`,
    );
  } else if (/^NOPERM|NOPERM/.test(raw)) {
    out = new StreamscopeError(
      'NOPERM',
      `the Redis user lacks a permission at ${where}: ${msg}. ${noPermHint(raw)}`,
    );
  } else if (/NOGROUP|^UNBLOCKED.*no longer exists/.test(raw)) {
    // Redis 7 wakes a reader blocked on a deleted stream with `UNBLOCKED the stream key no longer
    // exists`; it is the same episode as the NOGROUP the next read gets.
    out = new StreamscopeError('NOGROUP', `stream or consumer group missing: ${msg}`);
  } else if (/^WRONGTYPE|WRONGTYPE/.test(raw)) {
    out = new StreamscopeError('WRONGTYPE', `key holds the wrong type: ${msg}`);
  } else if (serverStateOf(raw)) {
    const state = serverStateOf(raw)!;
    out = new StreamscopeError(state, `${state}: ${SERVER_STATES[state]} (${where}: ${msg})`);
  } else if (/CROSSSLOT/.test(raw)) {
    out = new StreamscopeError(
      'CROSSSLOT',
      `keys are in different cluster slots: use a hash-tagged prefix such as "{alice}:events:". (${msg})`,
    );
  } else if (
    /Connection is closed|connection closed|ECONNRESET|EPIPE|Stream isn't writeable|enableOfflineQueue|max retries per request/i.test(
      raw,
    )
  ) {
    const why =
      /ECONNRESET/.test(raw) || code === 'ECONNRESET'
        ? 'reset by the server'
        : /EPIPE/.test(raw)
          ? 'broken (EPIPE)'
          : 'closed';
    if (situation.connecting) {
      out = new StreamscopeError(
        'UNREACHABLE',
        `cannot connect to ${where}: the connection was ${why} before Redis answered. Check that redis-server is running on that port, that TLS matches (rediss:// for a TLS port, redis:// otherwise), and that the server accepts this client (maxclients, protected-mode, bind). Check --url / REDIS_URL.` +
          // TLS 1.3: a server that requires a client certificate may reset us before its alert is read.
          (/^rediss:/i.test(where)
            ? ' Over TLS: a server with tls-auth-clients yes also resets clients without a certificate (library: tls: { cert, key }).'
            : ''),
      );
    } else if (situation.retrying) {
      out = new StreamscopeError(
        'UNREACHABLE',
        `lost the connection to ${where} (${why}). It will be retried.`,
      );
    } else {
      out = new StreamscopeError(
        'UNREACHABLE',
        `lost the connection to ${where} (${why}); the command did not complete. Check that redis-server is still running there, then try again.`,
      );
    }
  } else {
    out = new StreamscopeError('REDIS', `${where}: ${msg}`);
  }
  return out;
}

/** The code of an error that is one of ours; REDIS for anything else (a raw ioredis error). */
export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof StreamscopeError ? err.code : 'REDIS';
}
