/**
 * The sampling mode end to end: the real CLI (dist/) with `--tail sample` in tmux (120×40)
 * while a producer floods `<prefix>all`. The live pane shows the newest entries, the status bar
 * "sampling: 1 in N shown", and keys still work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsLine } from '../../src/cli/stats-file.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { MAIN, Terminal, hasTmux } from '../helpers/terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');

let term: Terminal | null = null;
let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  term?.kill();
  term = null;
  await stop?.();
  stop = null;
});

/** Pipelined XADDs into <prefix>all until stopped: 200 entries every 20 ms (~10k/s at most). */
function flood(prefix: string): () => Promise<void> {
  const redis = rawClient();
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const p = redis.pipeline();
      for (let i = 0; i < 200; i++, n++) {
        const json = JSON.stringify({
          event_id: `s-${n}`,
          timestamp: '2026-01-01T00:00:00+00:00',
          source: 'flood',
          version: '1.0.0',
          event_type: n % 2 ? 'asset.discovered' : 'asset.processed',
          n,
        });
        p.xadd(
          `${prefix}all`,
          'MAXLEN',
          '~',
          '20000',
          '*',
          'event',
          json,
          'type',
          n % 2 ? 'asset.discovered' : 'asset.processed',
        );
      }
      await p.exec();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    running = false;
    await done;
    await redis.del(`${prefix}all`);
    redis.disconnect();
  };
}

describe.skipIf(!hasTmux)('monitor --tail sample (tmux)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN))
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  it('shows the newest entries and "sampling: 1 in N shown", keeps answering keys, filters the sample', async () => {
    const prefix = uniquePrefix('e2e-sample');
    stop = flood(prefix);
    term = new Terminal();
    term.start(['--url', redisUrl(), '--prefix', prefix, '--tail', 'sample']);
    const screen = await term.waitFor(
      (s) => /sampling: 1 in [\d,.]+k? shown/.test(s) && /asset\.(discovered|processed)/.test(s),
      'the sampling status and sampled rows',
      20_000,
    );
    expect(screen).toMatch(/\d[\d,.]*k? ev\/s/);
    // The filter applies to what was sampled: only one type remains on screen.
    term.keys('/');
    term.keys('-l', 'type:asset.processed');
    term.keys('Enter');
    await term.waitFor(
      (s) => /asset\.processed\s+\d{13}-\d+/.test(s) && !s.includes('asset.discovered'),
      'only asset.processed rows',
      15_000,
    );
    // Keys keep responding while the flood goes on.
    term.keys('?');
    await term.waitFor((s) => s.includes('Show or hide this help'), 'the help overlay', 10_000);
    term.keys('q');
    await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit', 15_000);
  }, 60_000);

  it('STREAMSCOPE_STATS_FILE gets one JSON line a second: counts, lag, frames, RSS', async () => {
    const prefix = uniquePrefix('e2e-stats');
    stop = flood(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'ss-stats-'));
    const file = join(dir, 'stats.jsonl');
    try {
      term = new Terminal();
      term.start(['--url', redisUrl(), '--prefix', prefix, '--tail', 'full'], {
        STREAMSCOPE_STATS_FILE: file,
      });
      const lines = (await waitFor(
        () => {
          if (!existsSync(file)) return null;
          const ls = readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as StatsLine);
          return ls.some((l) => l.receivedLastSec > 0) ? ls : null;
        },
        30_000,
        200,
      ))!;
      const busy = lines.find((l) => l.receivedLastSec > 0)!;
      expect(busy.received).toBeGreaterThanOrEqual(busy.receivedLastSec);
      expect(busy.lagP99Ms).not.toBeNull();
      expect(busy.lagP50Ms!).toBeLessThanOrEqual(busy.lagP99Ms!);
      expect(busy.rssMb).toBeGreaterThan(10);
      expect(lines.some((l) => l.frames > 0)).toBe(true);
      expect(busy.sampling).toBeNull();
      term.keys('q');
      await term.waitFor((s) => s.includes('EXIT=0'), 'a clean exit', 15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('--tail with an unknown mode is a one-line usage error (exit 2)', async () => {
    term = new Terminal();
    term.start(['--url', redisUrl(), '--tail', 'fast']);
    const screen = await term.waitFor((s) => s.includes('EXIT=2'), 'exit 2');
    expect(screen).toContain('--tail: expected full, sample or auto, got "fast"');
  }, 20_000);
});
