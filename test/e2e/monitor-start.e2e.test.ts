/**
 * Clear starts: the real monitor in tmux, pointed at something it can never use, exits 1 with
 * one line within 6 s (wrong password, an HTTP port, rediss:// to a plain port, an unknown
 * host); pointed at a refused port it opens and says "connecting" (never "reconnecting": it has
 * not connected yet); a --since later than the server's clock is refused.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  startRedisServer,
  type RunningRedis,
} from '../../src/local-redis/private-redis.js';
import { Terminal, hasTmux } from '../helpers/terminal.js';

let server: RunningRedis;
let http: Server;
let httpPort = 0;
let term: Terminal | null = null;

/** The lines the app printed before `EXIT=n`, and n. */
function outcome(screen: string): { lines: string[]; exit: number } {
  const all = screen.split('\n').map((l) => l.trimEnd());
  const i = all.findIndex((l) => l.startsWith('EXIT='));
  return { lines: all.slice(0, i).filter(Boolean), exit: Number(all[i].slice(5)) };
}

describe.skipIf(!hasTmux)('monitor start-up errors (tmux)', () => {
  beforeAll(async () => {
    server = await startRedisServer({ config: ['requirepass right-password'] });
    http = createServer((_, res) => res.end('<html>not redis</html>'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    httpPort = (http.address() as { port: number }).port;
  });
  afterEach(() => {
    term?.kill();
    term = null;
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((r) => http?.close(r));
  });

  const fatal: [string, () => string, RegExp][] = [
    [
      'wrong password',
      () => server.url.replace('//', '//:wrong-password@'),
      /^streamscope monitor: authentication failed at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\. /,
    ],
    [
      'an HTTP port (not a Redis)',
      () => `redis://127.0.0.1:${httpPort}`,
      /^streamscope monitor: cannot connect to redis:\/\/127\.0\.0\.1:\d+: the connection was (closed|broken \(EPIPE\)|reset by the server) before Redis answered/,
    ],
    [
      'TLS mismatch (rediss:// to a plain port)',
      () => server.url.replace('redis:', 'rediss:'),
      /^streamscope monitor: TLS: .* that port does not speak TLS|did not complete the TLS handshake/,
    ],
    [
      'an unknown host',
      () => 'redis://no-such-host.invalid:6379',
      /^streamscope monitor: cannot resolve the host of redis:\/\/no-such-host\.invalid:6379/,
    ],
  ];

  it.each(fatal)('%s: one line, exit 1, within 6 s', async (_, url, line) => {
    term = new Terminal();
    const t0 = Date.now();
    term.start(['--url', url()]);
    const screen = await term.waitFor((s) => s.includes('EXIT='), 'the exit', 15_000);
    const elapsed = Date.now() - t0;
    const { lines, exit } = outcome(screen);
    console.log(`start: ${_}: exit ${exit} after ${elapsed} ms: ${lines.join(' | ')}`);
    expect(exit).toBe(1);
    // tmux hard-wraps the one message at 120 columns, mid-word: join the pieces back as written.
    expect(lines.join('')).toMatch(line);
    // One message (tmux wraps it at 120 columns), no stack trace.
    expect(lines.filter((l) => /^streamscope /.test(l))).toHaveLength(1);
    expect(lines.some((l) => /^\s+at |Error:/.test(l))).toBe(false);
    expect(screen).not.toContain('wrong-password');
    expect(elapsed).toBeLessThan(6000);
  });

  it('a refused port is transient: the monitor opens and says "connecting", not "reconnecting"', async () => {
    term = new Terminal();
    term.start(['--url', `redis://127.0.0.1:${await freePort()}`]);
    const screen = await term.waitFor((s) => /refused/.test(s), 'the refused reason', 20_000);
    expect(screen).toMatch(/connecting/);
    expect(screen).not.toMatch(/reconnecting/);
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  });

  it('--since later than the server clock is refused with one line (exit 2)', async () => {
    term = new Terminal();
    term.start([
      '--url',
      server.url.replace('//', '//:right-password@'),
      '--since',
      '9999999999999-0',
    ]);
    const screen = await term.waitFor((s) => s.includes('EXIT='), 'the exit', 15_000);
    const { lines, exit } = outcome(screen);
    expect(exit).toBe(2);
    expect(lines.join(' ')).toMatch(
      /--since 9999999999999-0 is later than the server's clock \(20\d\d-/,
    );
  });
});
