/**
 * `streamscope status` and `tail` as real child processes (dist/, run `npm run build` first)
 * against a real TLS redis-server, trusting its CA through NODE_EXTRA_CA_CERTS or --tls-ca.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import { uniquePrefix, waitFor } from '../helpers/context.js';
import {
  APP_PW,
  MAIN,
  PASSWORD,
  PREFIX,
  aclConfig,
  cleanEnv,
  otherCa,
  runCli,
  withAuth,
} from './helpers.js';

let server: RunningRedis;
let admin: Redis;
let wrongCa: ReturnType<typeof otherCa>;
let prefix: string;
let ca: Record<string, string>;

beforeAll(async () => {
  server = await startRedisServer({ tls: true, config: aclConfig() });
  wrongCa = otherCa();
  ca = { NODE_EXTRA_CA_CERTS: server.caFile! };
  admin = new Redis(server.url, {
    password: PASSWORD,
    tls: { ca: readFileSync(server.caFile!) },
    maxRetriesPerRequest: 1,
  });
  prefix = `${PREFIX}${uniquePrefix('cli')}`;
  const json = JSON.stringify({
    event_id: 'e-1',
    timestamp: '2026-01-01T00:00:00+00:00',
    source: 'tls',
    version: '1.0.0',
    event_type: 'asset.discovered',
    path: '/a.jpg',
  });
  await admin.xadd(`${prefix}asset.discovered`, '*', 'event', json);
  await admin.xadd(`${prefix}all`, '*', 'event', json, 'type', 'asset.discovered');
  await admin.xgroup('CREATE', `${prefix}asset.discovered`, 'alice-main', '0');
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
  wrongCa?.cleanup();
});

function expectOneLineError(stderr: string, command: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^streamscope ${command}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('status over TLS (child process)', () => {
  it('NODE_EXTRA_CA_CERTS + password in the URL: the table of streams; the password is not printed', async () => {
    const url = withAuth(server.url, '', PASSWORD);
    const r = await runCli(['status', '--url', url, '--prefix', prefix], ca);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `2 streams under "${prefix}" at rediss://:***@127.0.0.1:${server.port}`,
    );
    expect(r.stdout).toMatch(
      new RegExp(`${prefix}asset\\.discovered\\s+1\\s+alice-main\\s+0\\s+0\\s+–\\s+0\\s+1`),
    );
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('--tls-ca instead of NODE_EXTRA_CA_CERTS; a read-only ACL user (viewer: +@read +ping +info +time) is enough', async () => {
    const r = await runCli([
      'status',
      '--json',
      '--url',
      withAuth(server.url, 'viewer', APP_PW),
      '--tls-ca',
      server.caFile!,
      '--prefix',
      prefix,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { streams: { key: string; length: number }[] };
    expect(doc.streams.map((s) => s.key).sort()).toEqual([
      `${prefix}all`,
      `${prefix}asset.discovered`,
    ]);
  });

  it("redis(s)://user@host with the password in REDIS_PASSWORD or REDISCLI_AUTH (not the URL's empty one)", async () => {
    for (const env of [{ REDIS_PASSWORD: APP_PW }, { REDISCLI_AUTH: APP_PW }] as Record<
      string,
      string
    >[]) {
      const url = server.url.replace('rediss://', 'rediss://viewer@');
      const r = await runCli(['status', '--url', url, '--prefix', prefix], { ...ca, ...env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`2 streams under "${prefix}" at ${url}`);
      expect(r.stdout).not.toContain(APP_PW);
    }
  });

  it('the wrong CA → one line "TLS: … not trusted — set NODE_EXTRA_CA_CERTS or --tls-ca", exit 1, no stack, no password', async () => {
    for (const env of [{ NODE_EXTRA_CA_CERTS: wrongCa.files.caFile }, {}] as Record<
      string,
      string
    >[]) {
      const r = await runCli(['status', '--url', withAuth(server.url, 'app', APP_PW)], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expectOneLineError(r.stderr, 'status');
      expect(r.stderr).toMatch(
        /^streamscope status: TLS: the server certificate at rediss:\/\/app:\*\*\*@127\.0\.0\.1:\d+ is not trusted \(.*\)\. Trust its CA: set NODE_EXTRA_CA_CERTS=<ca\.pem> or pass --tls-ca <ca\.pem>/,
      );
      expect(r.stderr).not.toContain(APP_PW);
    }
  });

  it('plain redis:// against the TLS port → a readable one-line error within the connect timeout, not a hang', async () => {
    const r = await runCli(
      ['status', '--url', withAuth(server.url, '', PASSWORD).replace('rediss:', 'redis:')],
      ca,
    );
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(6000); // connect timeout 5000 ms; in practice the server resets at once
    expectOneLineError(r.stderr, 'status');
    expect(r.stderr).toMatch(
      /cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: the connection was (reset by the server|closed) before Redis answered.*rediss:\/\/ for a TLS port/,
    );
    expect(r.stderr).not.toContain(PASSWORD);
  });

  it('a wrong password over TLS → AUTH, the password nowhere in stdout/stderr', async () => {
    const wrong = 'Wr0ng-pass-XYZ';
    for (const [args, env] of [
      [['--url', withAuth(server.url, 'app', wrong)], ca],
      [['--url', server.url], { ...ca, REDISCLI_AUTH: wrong }],
    ] as [string[], Record<string, string>][]) {
      const r = await runCli(['status', ...args], env);
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr, 'status');
      expect(r.stderr).toMatch(/authentication failed at rediss:\/\//);
      expect(r.stdout + r.stderr).not.toContain(wrong);
    }
  });

  it('--tls-insecure connects and prints a loud warning; with redis:// it is refused', async () => {
    const r = await runCli([
      'status',
      '--tls-insecure',
      '--url',
      withAuth(server.url, 'viewer', APP_PW),
      '--prefix',
      prefix,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^streamscope status: WARNING: --tls-insecure: the server certificate is NOT verified\./,
    );
    const plain = await runCli(['status', '--tls-insecure', '--url', 'redis://127.0.0.1:1']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /TLS options \(--tls-ca, --tls-insecure, tls\) need a rediss:\/\/ URL/,
    );
  });
});

describe('tail over TLS (child process)', () => {
  it('NODE_EXTRA_CA_CERTS + a read-only ACL user: events published after start are printed', async () => {
    const child = spawn(
      'node',
      [MAIN, 'tail', '--json', '--url', withAuth(server.url, 'viewer', APP_PW), '--prefix', prefix],
      { env: cleanEnv(ca) },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // tail starts at the stream's end: publish until one arrives (the first may precede its XREAD).
      let n = 0;
      await waitFor(
        async () => {
          const json = JSON.stringify({
            event_id: `live-${n++}`,
            timestamp: '2026-01-01T00:00:01+00:00',
            source: 'tls',
            version: '1.0.0',
            event_type: 'asset.processed',
            ok: true,
          });
          await admin.xadd(`${prefix}all`, '*', 'event', json, 'type', 'asset.processed');
          return out.includes('"type":"asset.processed"');
        },
        8000,
        200,
      );
      const line = JSON.parse(out.trim().split('\n')[0]) as {
        type: string;
        event: { eventId: string };
      };
      expect(line.type).toBe('asset.processed');
      expect(line.event.eventId).toMatch(/^live-\d+$/);
      expect(err).toBe('');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('the wrong CA → one TLS line, exit 1', async () => {
    const r = await runCli(['tail', '--url', server.url], {
      NODE_EXTRA_CA_CERTS: wrongCa.files.caFile,
    });
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, 'tail');
    expect(r.stderr).toMatch(
      /^streamscope tail: TLS: the server certificate at rediss:\/\/127\.0\.0\.1:\d+ is not trusted/,
    );
  });
});
