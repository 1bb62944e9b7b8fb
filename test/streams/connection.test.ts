import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import {
  connectChecked,
  createRedisClient,
  backoffDelay,
  resolveTarget,
} from '../../src/streams/connection.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { StreamscopeError } from '../../src/core/errors.js';
import { fakeRedis } from './helpers.js';
import { freePort } from '../../src/local-redis/private-redis.js';

const PASSWORD = 'Sup3r-s3cret-pw';
const LIMITED_PW = 'lim1ted-pw-xyz';
let server: RunningRedis;

beforeAll(async () => {
  server = await startRedisServer({
    config: [
      `requirepass ${PASSWORD}`,
      `user noinfo on >${LIMITED_PW} ~* +@all -info`,
      `user noxadd on >${LIMITED_PW} ~* +@all -xadd`,
    ],
  });
});
afterAll(async () => {
  await server?.stop();
});

async function connectError(
  url: string,
  extra: { password?: string } = {},
): Promise<StreamscopeError> {
  const client = createRedisClient({
    url,
    ...extra,
    connectTimeoutMs: 1000,
    commandTimeoutMs: 1000,
  });
  try {
    await connectChecked(client, { url, ...extra });
  } catch (err) {
    return err as StreamscopeError;
  } finally {
    client.disconnect();
  }
  throw new Error('connect succeeded');
}

function expectNoSecret(err: StreamscopeError): void {
  expect(err).toBeInstanceOf(StreamscopeError);
  for (const s of [PASSWORD, LIMITED_PW, 'wrong-pw-123']) {
    expect(err.message).not.toContain(s);
    expect(String(err.stack)).not.toContain(s);
  }
}

describe('connection', () => {
  it('defect 4: connect() to a stopped server fails fast with UNREACHABLE', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const p = new EventPersistence({ redisUrl: `redis://127.0.0.1:${port}` });
    const err = await p.connect().then(
      () => null,
      (e: StreamscopeError) => e,
    );
    expect(err?.code).toBe('UNREACHABLE');
    expect(err?.message).toMatch(/redis-server running/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('connect() to a server that resets the connection says connect failed and what to check, not "It will be retried"', async () => {
    const resetter = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => resetter.listen(0, '127.0.0.1', () => r()));
    const port = (resetter.address() as { port: number }).port;
    try {
      const p = new EventPersistence({
        redisUrl: `redis://127.0.0.1:${port}`,
        connectTimeoutMs: 1000,
      });
      const err = (await p.connect().then(
        () => null,
        (e: unknown) => e,
      )) as StreamscopeError;
      expect(err.code).toBe('UNREACHABLE');
      expect(err.message).toMatch(
        new RegExp(
          `^cannot connect to redis://127.0.0.1:${port}/?: the connection was (reset by the server|closed) before Redis answered\\. Check that redis-server is running`,
        ),
      );
      expect(err.message).toMatch(/rediss:\/\//);
      expect(err.message).not.toMatch(/retried/);
    } finally {
      await new Promise<void>((r) => resetter.close(() => r()));
    }
  });

  it('a server that never answers times out (finite connect/command timeouts)', async () => {
    const fake = await fakeRedis({ silent: true });
    const t0 = Date.now();
    const err = await connectError(fake.url);
    await fake.close();
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('wrong password in the URL → AUTH, message without the password', async () => {
    const err = await connectError(`redis://:wrong-pw-123@127.0.0.1:${server.port}`);
    expect(err.code).toBe('AUTH');
    expect(err.message).toMatch(/password/);
    expectNoSecret(err);
  });

  it('no password → AUTH; the right one from REDISCLI_AUTH / REDIS_PASSWORD works', async () => {
    const saved = { a: process.env.REDISCLI_AUTH, b: process.env.REDIS_PASSWORD };
    try {
      delete process.env.REDISCLI_AUTH;
      delete process.env.REDIS_PASSWORD;
      expect((await connectError(server.url)).code).toBe('AUTH');
      process.env.REDISCLI_AUTH = PASSWORD;
      expect(resolveTarget({ url: server.url }).password).toBe(PASSWORD);
      const p = new EventPersistence({ redisUrl: server.url, streamPrefix: 'envauth:' });
      await p.connect();
      await p.disconnect();
      delete process.env.REDISCLI_AUTH;
      process.env.REDIS_PASSWORD = PASSWORD;
      const c = createRedisClient({ url: server.url });
      expect((await connectChecked(c)).version).toMatch(/^\d+\.\d+/);
      c.disconnect();
    } finally {
      if (saved.a === undefined) delete process.env.REDISCLI_AUTH;
      else process.env.REDISCLI_AUTH = saved.a;
      if (saved.b === undefined) delete process.env.REDIS_PASSWORD;
      else process.env.REDIS_PASSWORD = saved.b;
    }
  });

  it('user/password in the URL; a user without INFO permission → NOPERM with a generic hint (no --read-only: the library has none)', async () => {
    const err = await connectError(`redis://noinfo:${LIMITED_PW}@127.0.0.1:${server.port}`);
    expect(err.code).toBe('NOPERM');
    expect(err.message).toMatch(/ACL SETUSER <user> \+info\./);
    expect(err.message).not.toMatch(/read-only/);
    expectNoSecret(err);
  });

  it('a user without XADD permission fails at connect() with NOPERM naming XADD', async () => {
    const p = new EventPersistence({
      redisUrl: `redis://noxadd:${LIMITED_PW}@127.0.0.1:${server.port}`,
      streamPrefix: 'acl:',
    });
    const err = (await p.connect().then(
      () => null,
      (e: unknown) => e,
    )) as StreamscopeError;
    expect(err.code).toBe('NOPERM');
    expect(err.message).toContain('XADD');
    expectNoSecret(err);
  });

  it('a server older than 6.2 → VERSION with what to do', async () => {
    const fake = await fakeRedis({
      info: '# Server\r\nredis_version:6.0.9\r\nredis_mode:standalone\r\n',
    });
    const err = await connectError(fake.url);
    await fake.close();
    expect(err.code).toBe('VERSION');
    expect(err.message).toMatch(/6\.0\.9.*6\.2\.0.*Upgrade/);
  });

  it('connect() is idempotent and shares one attempt', async () => {
    const p = new EventPersistence({
      redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
      streamPrefix: 'idem:',
    });
    await Promise.all([p.connect(), p.connect()]);
    await p.connect();
    expect(p.server?.version).toBe(server.version);
    await p.disconnect();
  });

  it('failFast: false keeps reconnecting until the server is back', async () => {
    const port = await freePort();
    const client = createRedisClient({
      url: `redis://127.0.0.1:${port}`,
      failFast: false,
      retryBaseMs: 20,
      retryMaxMs: 50,
    });
    let retries = 0;
    client.on('reconnecting', () => retries++);
    client.connect().catch(() => {});
    await new Promise((r) => setTimeout(r, 150));
    expect(retries).toBeGreaterThan(0);
    const late = await startRedisServer({ port });
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await late.stop();
    }
  });

  it('rediss:// selects TLS; the password from the URL is used but only shown masked', () => {
    const t = resolveTarget({ url: 'rediss://app:p%40ss-Word9@cache.example:6380/2' });
    expect(t).toMatchObject({
      tls: true,
      password: 'p@ss-Word9',
      display: 'rediss://app:***@cache.example:6380/2',
    });
    const c = createRedisClient({ url: 'rediss://app:p%40ss-Word9@cache.example:6380/2' });
    expect(c.options).toMatchObject({
      tls: {},
      username: 'app',
      password: 'p@ss-Word9',
      port: 6380,
      db: 2,
      commandTimeout: 5000,
    });
    c.disconnect();
    expect(resolveTarget({ url: 'redis://h:1' }).tls).toBe(false);
  });

  it('backoff grows, is capped and jittered', () => {
    const d = [1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000));
    expect(d[0]).toBeGreaterThanOrEqual(50);
    expect(d[0]).toBeLessThanOrEqual(100);
    expect(d[2]).toBeGreaterThanOrEqual(200);
    expect(d[3]).toBeLessThanOrEqual(1000);
  });
});
