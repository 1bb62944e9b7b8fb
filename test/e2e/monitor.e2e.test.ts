/**
 * The real CLI (dist/cli/main.js) in a real terminal (tmux, 120×40) against the harness's
 * redis-server. Each test has its own tmux server (-L socket) and key prefix, and kills both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { rawClient, redisUrl, sleep, uniquePrefix, waitFor } from '../helpers/context.js';
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

/** Running (not gone, not a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface Arranged {
  redis: Redis;
  prefix: string;
  stream: string;
  ids: string[];
}

/** Three events in a type stream and the global stream; a group whose worker holds all three. */
async function arrange(extraGlobal: Record<string, string> | null = null): Promise<Arranged> {
  const redis = rawClient();
  const prefix = uniquePrefix('e2e');
  const stream = `${prefix}asset.discovered`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const json = JSON.stringify({
      event_id: `e2e-${i}`,
      timestamp: '2026-01-01T00:00:00+00:00',
      source: 'e2e',
      version: '1.0.0',
      event_type: 'asset.discovered',
      path: `/p/${i}.jpg`,
    });
    ids.push((await redis.xadd(stream, '*', 'event', json))!);
    await redis.xadd(`${prefix}all`, '*', 'event', json, 'type', 'asset.discovered');
  }
  if (extraGlobal) await redis.xadd(`${prefix}all`, '*', ...Object.entries(extraGlobal).flat());
  await redis.xgroup('CREATE', stream, 'alice-main', '0');
  await redis.xreadgroup('GROUP', 'alice-main', 'worker-1', 'COUNT', 3, 'STREAMS', stream, '>');
  return { redis, prefix, stream, ids };
}

async function pendingCount(a: Arranged): Promise<number> {
  const summary = (await a.redis.xpending(a.stream, 'alice-main')) as [number, ...unknown[]];
  return Number(summary[0]);
}

let term: Terminal | null = null;
let arranged: Arranged | null = null;
afterEach(async () => {
  term?.kill();
  term = null;
  if (arranged) {
    await arranged.redis.del(arranged.stream, `${arranged.prefix}all`);
    arranged.redis.disconnect();
    arranged = null;
  }
});

describe.skipIf(!hasTmux)('monitor end to end (tmux)', () => {
  beforeAll(() => {
    // Build when dist is missing or older than the sources (npm test builds first anyway).
    if (!existsSync(MAIN) || newestMtime(join(ROOT, 'src')) > statSync(MAIN).mtimeMs) {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
    }
  }, 120_000);

  it('shows pending entries in pane 3, acks the marked ones (a, y), and q right after quits with 0', async () => {
    arranged = await arrange();
    const a = arranged;
    term = new Terminal();
    term.start(['--url', redisUrl(), '--prefix', a.prefix]);
    await term.waitFor((s) => s.includes('● connected'), 'connected');
    term.keys('3');
    const screen = await term.waitFor(
      (s) => a.ids.every((id) => s.includes(id)),
      'the three pending IDs',
    );
    expect(screen).toContain('asset.discovered / alice-main · 3 pending');
    term.keys('Space', 'Space', 'a');
    await term.waitFor(
      (s) => s.includes('Acknowledge 2 entries of asset.discovered / alice-main?'),
      'the confirmation',
    );
    expect(await pendingCount(a)).toBe(3); // nothing happens before confirming
    term.keys('y');
    await term.waitFor(
      (s) => s.includes('acknowledged 2 of 2 in asset.discovered / alice-main'),
      'the outcome',
    );
    expect(await pendingCount(a)).toBe(1);
    // The outcome is a flash, not a modal: q right after the ack quits.
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 40_000);

  it('--read-only refuses to ack and changes nothing', async () => {
    arranged = await arrange();
    const a = arranged;
    term = new Terminal();
    term.start(['--url', redisUrl(), '--prefix', a.prefix, '--read-only']);
    await term.waitFor((s) => s.includes('READ-ONLY'), 'the READ-ONLY badge');
    term.keys('3');
    await term.waitFor((s) => s.includes(a.ids[0]), 'the pending entries');
    term.keys('a');
    const screen = await term.waitFor(
      (s) => s.includes('ack: read-only mode (--read-only)'),
      'the refusal',
    );
    expect(screen).not.toContain('Acknowledge');
    term.keys('Space', 'c', 'r');
    await sleep(300);
    expect(term.screen()).not.toMatch(/Claim|Replay \d/);
    expect(await pendingCount(a)).toBe(3);
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 40_000);

  it('closing the terminal (tmux kill-session → SIGHUP) ends the monitor: no assertion, no process left', async () => {
    arranged = await arrange();
    const a = arranged;
    const dir = mkdtempSync(join(tmpdir(), 'ss-hup-'));
    try {
      term = new Terminal();
      term.startAlone(
        ['--url', redisUrl(), '--prefix', a.prefix],
        join(dir, 'pid'),
        join(dir, 'err'),
      );
      await term.waitFor((s) => s.includes('● connected'), 'connected');
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      expect(alive(pid)).toBe(true);
      spawnSync('tmux', ['-L', term.socket, 'kill-session']);
      await waitFor(() => !alive(pid), 5000, 50);
      const err = readFileSync(join(dir, 'err'), 'utf8');
      expect(err).not.toMatch(/Assertion failed|ResetStdio|EIO/);
      expect(err).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('closing the window while frames are being drawn (tmux kill-window, 5×) leaves an empty stderr: no unhandled EIO, no assertion', async () => {
    arranged = await arrange();
    const a = arranged;
    // Live traffic keeps Ink drawing, so the pty often closes between two frames: the write
    // fails with EIO before SIGHUP arrives (an unhandled 'error' event without the fix).
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const p = a.redis.pipeline();
        for (let i = 0; i < 50; i++)
          p.xadd(
            `${a.prefix}all`,
            'MAXLEN',
            '~',
            5000,
            '*',
            'type',
            'asset.discovered',
            'event',
            `x${i}`,
          );
        await p.exec();
        await sleep(2);
      }
    })();
    const dir = mkdtempSync(join(tmpdir(), 'ss-kw-'));
    try {
      for (let i = 0; i < 5; i++) {
        term = new Terminal();
        const pidFile = join(dir, `pid${i}`);
        const errFile = join(dir, `err${i}`);
        term.startAlone(['--url', redisUrl(), '--prefix', a.prefix], pidFile, errFile);
        await term.waitFor(
          (s) => s.includes('● connected') && /\d+ ev\/s/.test(s),
          'connected with traffic',
        );
        await sleep(300);
        const pid = Number(readFileSync(pidFile, 'utf8'));
        spawnSync('tmux', ['-L', term.socket, 'kill-window']);
        await waitFor(() => !alive(pid), 5000, 50);
        term.kill();
        term = null;
        expect(readFileSync(errFile, 'utf8'), `try ${i + 1}`).toBe('');
      }
    } finally {
      producing = false;
      await producer;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('an entry containing \\x1b[2J is shown escaped and does not clear the screen', async () => {
    arranged = await arrange({ note: 'before\x1b[2Jafter\x1b]2;PWNED\x07', type: 'evil' });
    const a = arranged;
    term = new Terminal();
    term.start(['--url', redisUrl(), '--prefix', a.prefix, '--since', '1h']);
    const screen = await term.waitFor(
      (s) => s.includes('before\\x1b[2Jafter'),
      'the escaped sequence',
    );
    // A cleared screen would lose the lines Ink did not redraw: the status bar and the tabs.
    expect(screen).toMatch(/● connected/);
    expect(screen).toContain('1 Live events');
    expect(screen).toContain('\\x1b]2;PWNED\\x07');
    expect(term.title()).not.toContain('PWNED');
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit');
  }, 40_000);
});
