import { describe, expect, it } from 'vitest';
import { classifyRedisError, TRANSIENT_CODES } from '../../src/core/errors.js';

const where = 'redis://127.0.0.1:6379';
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('classifyRedisError', () => {
  it('a lost connection is worded for the situation: connect failed / retried by a loop / command failed', () => {
    const connecting = classifyRedisError(reset, where, [], { connecting: true });
    expect(connecting.code).toBe('UNREACHABLE');
    expect(connecting.message).toMatch(
      /^cannot connect to redis:\/\/127\.0\.0\.1:6379: the connection was reset by the server before Redis answered\. Check/,
    );
    expect(connecting.message).not.toMatch(/retried/);
    expect(classifyRedisError(reset, where, [], { retrying: true }).message).toBe(
      'lost the connection to redis://127.0.0.1:6379 (reset by the server). It will be retried.',
    );
    const command = classifyRedisError(new Error('Connection is closed.'), where);
    expect(command.message).toMatch(
      /^lost the connection to .* \(closed\); the command did not complete\. Check that redis-server is still running/,
    );
    expect(command.message).not.toMatch(/retried/);
  });

  it('NOPERM: a generic ACL SETUSER hint naming the missing command, never --read-only', () => {
    const cmd = classifyRedisError(
      new Error("NOPERM this user has no permissions to run the 'xadd' command"),
      where,
    );
    expect(cmd.code).toBe('NOPERM');
    expect(cmd.message).toMatch(
      /Grant it with ACL SETUSER <user> \+xadd \(or the whole category: \+@stream\)\.$/,
    );
    const key = classifyRedisError(
      new Error('NOPERM this user has no permissions to access one of the keys used as arguments'),
      where,
    );
    expect(key.message).toMatch(/ACL SETUSER <user> ~<prefix>\*/);
    for (const e of [cmd, key]) expect(e.message).not.toMatch(/read-only/);
  });

  it('a Cluster client that reached no seed: UNREACHABLE (retried), worded, not ioredis\'s "None of startup nodes"', () => {
    const e = classifyRedisError(
      new Error('None of startup nodes is available'),
      'redis://h:7000',
      [],
      {
        connecting: true,
      },
    );
    expect(e.code).toBe('UNREACHABLE');
    expect(e.message).toBe(
      'cannot connect to redis://h:7000: no Redis Cluster seed node answered. Is the cluster running there? Check --url (several --url give more seeds).',
    );
    expect(TRANSIENT_CODES.has(e.code)).toBe(true);
  });

  it("Redis 7's UNBLOCKED (stream deleted under a blocked XREADGROUP) is a NOGROUP", () => {
    expect(
      classifyRedisError(new Error('UNBLOCKED the stream key no longer exists'), where).code,
    ).toBe('NOGROUP');
  });

  it('TLS failures get the TLS code and say what to change; the password never appears', () => {
    const tlsWhere = 'rediss://app:***@db.example:6380';
    const secret = 'pw-in-msg-123';
    const cases: [Error & { code?: string }, RegExp][] = [
      [
        Object.assign(new Error('self-signed certificate in certificate chain'), {
          code: 'SELF_SIGNED_CERT_IN_CHAIN',
        }),
        /is not trusted \(self-signed certificate in certificate chain\)\. Trust its CA: set NODE_EXTRA_CA_CERTS=<ca\.pem> or pass --tls-ca <ca\.pem>/,
      ],
      [
        Object.assign(new Error('unable to verify the first certificate'), {
          code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        }),
        /is not trusted/,
      ],
      [
        Object.assign(
          new Error(
            "Hostname/IP does not match certificate's altnames: Host: db.example. is not in the cert's altnames: DNS:other",
          ),
          { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
        ),
        /not valid for that host name/,
      ],
      [
        Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
        /outside its validity period/,
      ],
      [
        Object.assign(new Error('error:0A00010B:SSL routines::wrong version number'), {
          code: 'ERR_SSL_WRONG_VERSION_NUMBER',
        }),
        /that port does not speak TLS\. Use redis:\/\//,
      ],
      [
        Object.assign(new Error('error:0A00045C:SSL routines::tlsv13 alert certificate required'), {
          code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
        }),
        /requires a client certificate/,
      ],
      [
        Object.assign(new Error(`error:0A000126:SSL routines::unexpected eof ${secret}`), {
          code: 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING',
        }),
        /^TLS: the handshake with .* failed/,
      ],
    ];
    for (const [err, expected] of cases) {
      const e = classifyRedisError(err, tlsWhere, [secret], { connecting: true });
      expect(e.code).toBe('TLS');
      expect(e.message).toMatch(/^TLS: /);
      expect(e.message).toMatch(expected);
      expect(e.message).not.toContain(secret);
      expect(e.message).toContain(tlsWhere);
    }
  });

  it('a connect timeout on rediss:// points at a plain port; on redis:// it stays generic', () => {
    const timeout = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
    expect(
      classifyRedisError(timeout, 'rediss://h:6379', [], { connecting: true }).message,
    ).toMatch(
      /did not complete the TLS handshake in time\. A plain \(non-TLS\) Redis port never answers one: use redis:\/\//,
    );
    expect(classifyRedisError(timeout, 'redis://h:6379', [], { connecting: true }).message).toBe(
      'redis://h:6379 did not answer in time. Check the network, the port, and TLS (rediss://).',
    );
  });

  it('server states are named and transient: OOM, MISCONF, READONLY, LOADING, BUSY, TRYAGAIN, CLUSTERDOWN', () => {
    const replies: [string, RegExp][] = [
      [
        "OOM command not allowed when used memory > 'maxmemory'.",
        /^OOM: Redis is out of memory \(maxmemory/,
      ],
      [
        'MISCONF Redis is configured to save RDB snapshots, but it is currently unable to persist to disk.',
        /^MISCONF: Redis cannot persist to disk/,
      ],
      [
        "READONLY You can't write against a read only replica.",
        /^READONLY: this server is a read-only replica/,
      ],
      ['LOADING Redis is loading the dataset in memory', /^LOADING: /],
      [
        'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
        /^BUSY: /,
      ],
      ['TRYAGAIN Multiple keys request during rehashing of slot', /^TRYAGAIN: /],
      ['CLUSTERDOWN The cluster is down', /^CLUSTERDOWN: /],
    ];
    for (const [raw, expected] of replies) {
      const e = classifyRedisError(new Error(raw), 'redis://h:6379');
      expect(e.code).toBe(raw.split(' ')[0]);
      expect(e.message).toMatch(expected);
      expect(e.message).toContain(raw);
      expect(TRANSIENT_CODES.has(e.code)).toBe(true);
    }
    // BUSYGROUP is not BUSY; WRONGTYPE / NOPERM are not transient.
    expect(
      classifyRedisError(new Error('BUSYGROUP Consumer Group name already exists'), 'x').code,
    ).toBe('REDIS');
    expect(TRANSIENT_CODES.has('WRONGTYPE')).toBe(false);
    expect(TRANSIENT_CODES.has('NOPERM')).toBe(false);
  });

  it('EXECABORT is classified by the error that aborted the transaction (OOM), not as a bare REDIS', () => {
    const err = Object.assign(
      new Error('EXECABORT Transaction discarded because of previous errors.'),
      {
        previousErrors: [new Error("OOM command not allowed when used memory > 'maxmemory'.")],
      },
    );
    const e = classifyRedisError(err, 'redis://h:6379');
    expect(e.code).toBe('OOM');
    expect(e.message).toMatch(/^OOM: Redis is out of memory .*\(the transaction was discarded\)$/);
  });
});
