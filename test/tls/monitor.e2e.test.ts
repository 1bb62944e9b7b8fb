/**
 * The monitor (dist/cli/main.js) in tmux (own -L socket, 120×40) against a real TLS redis-server,
 * trusting its CA through NODE_EXTRA_CA_CERTS. Skipped only when tmux is missing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import { uniquePrefix } from '../helpers/context.js';
import { Terminal, hasTmux } from '../helpers/terminal.js';
import { APP_PW, PASSWORD, PREFIX, aclConfig, otherCa, withAuth } from './helpers.js';

let server: RunningRedis;
let admin: Redis;
let prefix: string;
let term: Terminal | null = null;

describe.skipIf(!hasTmux)('monitor over TLS (tmux)', () => {
  beforeAll(async () => {
    server = await startRedisServer({ tls: true, config: aclConfig() });
    admin = new Redis(server.url, {
      password: PASSWORD,
      tls: { ca: readFileSync(server.caFile!) },
      maxRetriesPerRequest: 1,
    });
    prefix = `${PREFIX}${uniquePrefix('mon')}`;
    const json = JSON.stringify({
      event_id: 'e-1',
      timestamp: '2026-01-01T00:00:00+00:00',
      source: 'tls',
      version: '1.0.0',
      event_type: 'asset.discovered',
    });
    await admin.xadd(`${prefix}asset.discovered`, '*', 'event', json);
    await admin.xadd(`${prefix}all`, '*', 'event', json, 'type', 'asset.discovered');
    await admin.xgroup('CREATE', `${prefix}asset.discovered`, 'alice-main', '0');
  });
  afterEach(() => {
    term?.kill();
    term = null;
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('rediss:// + NODE_EXTRA_CA_CERTS + an ACL user: connected, the stream in pane 2, quits with 0, no password on screen', async () => {
    term = new Terminal();
    term.start(['--url', withAuth(server.url, 'operator', APP_PW), '--prefix', prefix], {
      NODE_EXTRA_CA_CERTS: server.caFile!,
    });
    await term.waitFor((s) => s.includes('● connected'), 'connected');
    term.keys('2');
    const screen = await term.waitFor(
      (s) => s.includes('Streams & lag ·') && /› asset\.discovered +alice-main/.test(s),
      'the stream and its group in pane 2',
    );
    expect(screen).not.toContain(APP_PW);
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 30_000);

  it('the read-only ACL user (viewer): connected, READ-ONLY with the ACL reason on the ack key, the stream in pane 2', async () => {
    term = new Terminal();
    term.start(['--url', withAuth(server.url, 'viewer', APP_PW), '--prefix', prefix], {
      NODE_EXTRA_CA_CERTS: server.caFile!,
    });
    await term.waitFor(
      (s) => s.includes('● connected') && s.includes('READ-ONLY'),
      'connected, READ-ONLY',
    );
    term.keys('2');
    await term.waitFor((s) => /› asset\.discovered +alice-main/.test(s), 'the stream in pane 2');
    term.keys('3');
    await term.waitFor((s) => s.includes('Pending entries ·'), 'pane 3');
    term.keys('a');
    await term.waitFor(
      (s) => /ACL: the Redis user may not run [^)\n]*XACK/.test(s),
      'the ACL reason',
    );
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 30_000);

  it('the wrong CA: exits 1 at start with one line saying why (TLS, not trusted)', async () => {
    const wrong = otherCa();
    try {
      term = new Terminal();
      term.start(['--url', withAuth(server.url, 'operator', APP_PW), '--prefix', prefix], {
        NODE_EXTRA_CA_CERTS: wrong.files.caFile,
      });
      const screen = await term.waitFor(
        (s) => /TLS: the server certificate .* is not trusted/.test(s.replace(/\s*\n\s*/g, ' ')),
        'the TLS reason',
      );
      expect(screen).not.toContain('● connected');
      expect(screen).not.toContain(APP_PW);
      await term.waitFor((s) => s.includes('EXIT=1'), 'exit code 1');
    } finally {
      wrong.cleanup();
    }
  }, 30_000);
});
