/**
 * Issue 9's Done-when in a real terminal: 500 entries held by a dead consumer →
 * `:mark consumer=dead-1`, `c`, the target, confirm → XPENDING (redis-cli) shows nothing left for
 * dead-1, the progress bar was on screen while the claim ran, and the journal has its line.
 * A redis-server of its own: the test pauses its writes (CLIENT PAUSE WRITE) so the claim is
 * in flight long enough to see the progress bar, which must not touch a server others use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RunningRedis } from '../../src/local-redis/private-redis.js';
import { uniquePrefix } from '../helpers/context.js';
import { MAIN, Terminal, hasTmux } from '../helpers/terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

let term: Terminal | null = null;
let server: RunningRedis | null = null;
let admin: Redis | null = null;
let dir: string | null = null;
afterEach(async () => {
  term?.kill();
  term = null;
  admin?.disconnect();
  admin = null;
  await server?.stop();
  server = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe.skipIf(!hasTmux)('bulk actions from the : line (tmux)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN) || newestMtime(join(ROOT, 'src')) > statSync(MAIN).mtimeMs) {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
    }
  }, 120_000);

  it('500 entries of a dead consumer: :mark consumer=dead-1, c, target, confirm → none left, progress shown, journal written', async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    dir = mkdtempSync(join(tmpdir(), 'ss-e2e-bulk-'));
    const journal = join(dir, 'journal.ndjson');
    const prefix = uniquePrefix('e2e9');
    const stream = `${prefix}asset.discovered`;
    const p = admin.pipeline();
    for (let i = 0; i < 500; i++) p.xadd(stream, '*', 'event', `{"n":${i}}`);
    await p.exec();
    await admin.xgroup('CREATE', stream, 'workers', '0');
    await admin.xreadgroup('GROUP', 'workers', 'dead-1', 'COUNT', 500, 'STREAMS', stream, '>');
    // A live worker: the most recently active other consumer is the default target.
    await admin.xgroup('CREATECONSUMER', stream, 'workers', 'worker-2');

    term = new Terminal();
    const t = term;
    const closeLine = async () => {
      t.keys('Escape');
      await t.waitFor((s) => !/^:.*█/m.test(s), 'the command line closed');
    };
    term.start(['--url', server.url, '--prefix', prefix, '--journal', journal]);
    await term.waitFor((s) => s.includes('● connected'), 'connected', 20_000);
    term.keys('3');
    await term.waitFor((s) => s.includes('asset.discovered / workers · 500 pending'), 'pane 3');

    // Bad input first: one line, inline, nothing runs.
    term.keys(':', 'mark idle>>5', 'Enter');
    await term.waitFor(
      (s) => s.includes('mark: idle: one comparison only (> >= < <=), got ">>5"'),
      'the malformed rule, inline',
    );
    // esc and : in one send-keys (one read): esc closes the line, : opens a fresh one (Ink alone
    // read the pair as alt+: and typed a : into the open line).
    term.keys('Escape', ':', 'mark consumer=ghost', 'Enter');
    await term.waitFor(
      (s) => s.includes('mark: no consumer "ghost" (consumers: dead-1, worker-2)'),
      'the unknown consumer, inline',
    );
    await closeLine();

    // Tab completes the consumer.
    term.keys(':', 'mark consumer=de', 'Tab');
    await term.waitFor((s) => s.includes(':mark consumer=dead-1 █'), 'the completed consumer');
    term.keys('Enter');
    await term.waitFor(
      (s) => s.includes('500 marked (consumer=dead-1, whole group)'),
      "the marks across the whole PEL in pane 3's title",
    );

    term.keys('c');
    await term.waitFor((s) => s.includes('Target consumer: worker-2'), 'the default target');
    term.keys('Enter');
    const dialog = await term.waitFor(
      (s) => s.includes('Claim 500 entries of asset.discovered / workers?'),
      'the confirm dialog',
    );
    expect(dialog).toContain('They move to consumer worker-2');
    expect(dialog).toContain('Undo by claiming them back for their previous consumer');

    // Hold the server's writes so the claim is in flight: the progress bar must show.
    await admin.call('CLIENT', 'PAUSE', 4000, 'WRITE');
    term.keys('y');
    await term.waitFor(
      (s) => /Claiming ▕░+▏ 0\/500 · esc cancels/.test(s),
      'the progress bar while the claim runs',
    );
    await term.waitFor(
      (s) => s.includes('claimed 500 of 500 in asset.discovered / workers for worker-2'),
      'the outcome',
      20_000,
    );

    // redis-cli: dead-1 holds nothing, worker-2 holds all 500.
    const summary = execFileSync(
      'redis-cli',
      ['-p', String(server.port), 'XPENDING', stream, 'workers', '-', '+', '10', 'dead-1'],
      { encoding: 'utf8' },
    );
    expect(summary.trim()).toBe('');
    const owners = execFileSync(
      'redis-cli',
      ['-p', String(server.port), 'XPENDING', stream, 'workers'],
      {
        encoding: 'utf8',
      },
    );
    expect(owners).toContain('worker-2\n500');
    expect(owners).not.toContain('dead-1');

    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const record = JSON.parse(lines.at(-1)!) as {
      verb: string;
      count: number;
      group: string;
      outcome: { ok: boolean; done: number };
      detail: { owners: Record<string, string[]> };
    };
    expect(record).toMatchObject({
      verb: 'claim',
      count: 500,
      group: 'workers',
      outcome: { ok: true, done: 500 },
    });
    expect(record.detail.owners['dead-1']).toHaveLength(500);
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 120_000);
});
