/**
 * Issue 11, "the history view pages a 1,000,000-entry stream with RSS flat; :goto lands on the
 * right entry": bench/history.ts in a child Node with --expose-gc (so memory is sampled after a
 * GC, not with whatever garbage is pending), on its own private redis-server (1M entries by a Lua
 * loop), through the real store and queries port. Slow (~1 min): npm run test:faults, not npm test.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { HistoryBenchResult } from '../../bench/history.js';
import { HISTORY_WINDOW } from '../../src/store/history.js';

const root = new URL('../../', import.meta.url).pathname;

describe('history view on 1,000,000 entries', () => {
  it(
    'walks back 300,000 rows landing right every time, window bounded, memory flat; 20 :goto land; a 999,000 range counts exactly',
    { timeout: 300_000 },
    () => {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', 'bench/history.ts', '--walk', '300000', '--json'],
        { cwd: root, encoding: 'utf8', timeout: 280_000 },
      );
      const r = JSON.parse(out.trim().split('\n').pop()!) as HistoryBenchResult;
      expect(r.walkCorrect).toBe(true);
      expect(r.walkedRows).toBe(300_000);
      expect(r.maxWindowRows).toBeLessThanOrEqual(HISTORY_WINDOW);
      // Flat: after the first 10 % the heap stays within 10 MB of where it was (holding the rows
      // walked would add ~100 MB), and RSS never climbs 60 MB above its settled level.
      const heap = r.heapMb.slice(1);
      expect(Math.max(...heap) - heap[0]).toBeLessThan(10);
      const rss = r.rssMb.slice(1);
      expect(rss[rss.length - 1] - Math.min(...rss)).toBeLessThan(60);
      expect(r.gotos.filter((g) => g.landed !== g.expected)).toEqual([]);
      expect(r.counted).toBe(999_000);
    },
  );
});
