/**
 * The library over real TLS redis-servers (throwaway CA from startRedisServer({ tls })): publish,
 * consume + ack with a password and with a minimal ACL user; every way TLS can be wrong fails
 * fast with one readable, classified error that never contains the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import { connectChecked, createRedisClient } from '../../src/streams/connection.js';
import {
  EventPersistence,
  type EventPersistenceOptions,
} from '../../src/streams/event-persistence.js';
import { StreamscopeError } from '../../src/core/errors.js';
import { redisUrl, uniquePrefix } from '../helpers/context.js';
import {
  APP_PW,
  PASSWORD,
  PREFIX,
  aclConfig,
  otherCa,
  publishConsumeAck,
  withAuth,
} from './helpers.js';

let server: RunningRedis;
let otherName: RunningRedis;
let mtls: RunningRedis;
let wrongCa: ReturnType<typeof otherCa>;

beforeAll(async () => {
  [server, otherName, mtls] = await Promise.all([
    startRedisServer({ tls: true, config: aclConfig() }),
    // A certificate for another host only: connecting as localhost must fail the name check.
    startRedisServer({ tls: { names: ['db.internal.example'] } }),
    startRedisServer({ tls: { authClients: 'yes' } }),
  ]);
  wrongCa = otherCa();
});
afterAll(async () => {
  await Promise.all([server?.stop(), otherName?.stop(), mtls?.stop()]);
  wrongCa?.cleanup();
});

/** publish → consume → ack → nothing pending, on a fresh prefix under alice:events:. */
async function roundTrip(options: EventPersistenceOptions): Promise<void> {
  const prefix = `${PREFIX}${uniquePrefix('tls')}`;
  const p = new EventPersistence({ streamPrefix: prefix, logger: () => {}, ...options });
  try {
    await p.connect();
    expect(p.server?.version).toBe(server.version);
    const id = await publishConsumeAck(p);
    const info = await p.getStreamInfo('asset.discovered');
    expect(info.consumerGroups[0]).toMatchObject({ pending: 0, lastDeliveredId: id });
  } finally {
    await p.disconnect();
  }
}

async function connectError(options: EventPersistenceOptions): Promise<StreamscopeError> {
  const p = new EventPersistence({ connectTimeoutMs: 2000, logger: () => {}, ...options });
  const err = await p.connect().then(
    () => null,
    (e: unknown) => e,
  );
  await p.disconnect();
  if (!err) throw new Error('connect succeeded');
  return err as StreamscopeError;
}

function expectOneLineNoSecret(err: StreamscopeError): void {
  expect(err).toBeInstanceOf(StreamscopeError);
  expect(err.message).not.toContain('\n');
  for (const s of [PASSWORD, APP_PW, 'wrong-pw-123'])
    expect(`${err.message}${String(err.stack)}`).not.toContain(s);
}

describe('library over TLS', () => {
  it('rediss:// + password + tlsCaFile: connect, persistEvent, consumeEvents, ack', async () => {
    await roundTrip({ redisUrl: server.url, password: PASSWORD, tlsCaFile: server.caFile });
  });

  it('rediss:// + minimal ACL user (app: +@stream +ping +info +time +multi +exec, ~alice:events:*) via the URL', async () => {
    await roundTrip({ redisUrl: withAuth(server.url, 'app', APP_PW), tlsCaFile: server.caFile });
  });

  it('rediss:// + the command-by-command ACL (appexact: +xadd +xrange +xreadgroup +xack +xautoclaim +xgroup|create …)', async () => {
    await roundTrip({
      redisUrl: withAuth(server.url, 'appexact', APP_PW),
      tlsCaFile: server.caFile,
    });
  });

  it('the host name is verified: rediss://localhost works with a certificate for localhost', async () => {
    await roundTrip({
      redisUrl: server.url.replace('127.0.0.1', 'localhost'),
      password: PASSWORD,
      tlsCaFile: server.caFile,
    });
  });

  it('a certificate for another host → TLS error naming the host mismatch; servername for that host passes', async () => {
    const err = await connectError({
      redisUrl: otherName.url.replace('127.0.0.1', 'localhost'),
      tlsCaFile: otherName.caFile,
    });
    expect(err.code).toBe('TLS');
    expect(err.message).toMatch(
      /^TLS: the server certificate at rediss:\/\/localhost:\d+\/? is not valid for that host name \(Hostname\/IP does not match certificate's altnames/,
    );
    expectOneLineNoSecret(err);
    const client = createRedisClient({
      url: otherName.url.replace('127.0.0.1', 'localhost'),
      tlsCaFile: otherName.caFile,
      tls: { servername: 'db.internal.example' },
    });
    try {
      expect((await connectChecked(client)).version).toBe(otherName.version);
    } finally {
      client.disconnect();
    }
  });

  it("no CA or the wrong CA → TLS 'not trusted' with NODE_EXTRA_CA_CERTS / --tls-ca, fast, no password", async () => {
    for (const tlsCaFile of [undefined, wrongCa.files.caFile]) {
      const t0 = Date.now();
      const err = await connectError({ redisUrl: withAuth(server.url, 'app', APP_PW), tlsCaFile });
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(err.code).toBe('TLS');
      expect(err.message).toMatch(
        /^TLS: the server certificate at rediss:\/\/app:\*\*\*@127\.0\.0\.1:\d+ is not trusted \(.+\)\. Trust its CA: set NODE_EXTRA_CA_CERTS=<ca\.pem> or pass --tls-ca <ca\.pem>/,
      );
      expectOneLineNoSecret(err);
    }
  });

  it('tlsInsecure connects to an untrusted certificate (development only)', async () => {
    await roundTrip({ redisUrl: server.url, password: PASSWORD, tlsInsecure: true });
  });

  it('wrong password over TLS → AUTH without the password', async () => {
    const err = await connectError({
      redisUrl: withAuth(server.url, 'app', 'wrong-pw-123'),
      tlsCaFile: server.caFile,
    });
    expect(err.code).toBe('AUTH');
    expectOneLineNoSecret(err);
  });

  it('a read-only ACL user fails connect() with NOPERM naming the first missing command', async () => {
    const err = await connectError({
      redisUrl: withAuth(server.url, 'viewer', APP_PW),
      tlsCaFile: server.caFile,
    });
    expect(err.code).toBe('NOPERM');
    expect(err.message).toMatch(/may not run XADD on alice:events:/);
    expectOneLineNoSecret(err);
  });

  it('redis:// against the TLS port fails within the connect timeout with a readable hint (rediss://)', async () => {
    const t0 = Date.now();
    const err = await connectError({
      redisUrl: server.url.replace('rediss:', 'redis:'),
      password: PASSWORD,
    });
    expect(Date.now() - t0).toBeLessThan(3000); // connectTimeoutMs 2000 + 1000 handshake margin
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toMatch(
      /^cannot connect to redis:\/\/127\.0\.0\.1:\d+\/?: the connection was (reset by the server|closed) before Redis answered\. .*rediss:\/\/ for a TLS port/,
    );
    expectOneLineNoSecret(err);
  });

  it('rediss:// against a plain port (which never answers a ClientHello) → TIMEOUT within the connect timeout, pointing at redis://', async () => {
    const t0 = Date.now();
    const err = await connectError({
      redisUrl: redisUrl().replace('redis:', 'rediss:'),
      tlsInsecure: true,
    });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(
      /^rediss:\/\/127\.0\.0\.1:\d+\/? did not complete the TLS handshake in time\. A plain \(non-TLS\) Redis port never answers one: use redis:\/\/ there/,
    );
  });

  it('tls-auth-clients yes: without a client certificate → TLS error saying so; with tls { cert, key } → works', async () => {
    // TLS 1.3: the server's alert (TLS) or its reset of our first write (UNREACHABLE) comes first.
    for (let i = 0; i < 3; i++) {
      const err = await connectError({ redisUrl: mtls.url, tlsCaFile: mtls.caFile });
      expect(['TLS', 'UNREACHABLE']).toContain(err.code);
      expect(err.message).toMatch(/tls-auth-clients.*\(library: tls: \{ cert, key \}\)/);
    }
    const { readFileSync } = await import('node:fs');
    const client = createRedisClient({
      url: mtls.url,
      tlsCaFile: mtls.caFile,
      tls: {
        cert: readFileSync(mtls.tls!.clientCertFile),
        key: readFileSync(mtls.tls!.clientKeyFile),
      },
    });
    try {
      expect((await connectChecked(client)).version).toBe(mtls.version);
    } finally {
      client.disconnect();
    }
  });

  it('TLS options with a redis:// URL, or an unreadable CA file → INVALID_ARGUMENT before connecting', async () => {
    const plain = await connectError({ redisUrl: 'redis://127.0.0.1:1', tlsCaFile: server.caFile });
    expect(plain.code).toBe('INVALID_ARGUMENT');
    expect(plain.message).toMatch(/need a rediss:\/\/ URL/);
    const missing = await connectError({ redisUrl: server.url, tlsCaFile: '/nonexistent/ca.pem' });
    expect(missing).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/cannot read the TLS CA file \/nonexistent\/ca\.pem .*ENOENT/),
    });
  });
});
