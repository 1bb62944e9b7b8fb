import { describe, expect, it } from 'vitest';
import {
  selectGroupRows,
  selectGroupsByPending,
  selectServerNowMs,
  selectStreamRows,
} from '../../src/store/selectors.js';
import { commandLineContext } from '../../src/store/command-line.js';
import { T0, group, snapshot, state, stream, triageSnapshot } from './build.js';

describe('streams & lag rows', () => {
  it('one row per stream and group, worst first, oldest pending age from the server clock', () => {
    const rows = selectStreamRows(state({}, triageSnapshot()));
    expect(rows.map((r) => [r.name, r.group, r.level])).toEqual([
      ['asset.discovered', 'alice-main', 'bad'], // oldest pending 10 min
      ['project.created', 'alice-main', 'ok'],
      ['all', null, 'ok'],
    ]);
    expect(rows[0]).toMatchObject({
      length: 800,
      lag: 40,
      pending: 3,
      oldestPendingAgeMs: 600_000,
      oldestUndeliveredAgeMs: 4000,
      consumers: 2,
    });
  });

  it('lag unknown to Redis stays null (never 0)', () => {
    const rows = selectStreamRows(
      state({}, snapshot([stream('alice:events:x', { groups: [group('g', { lag: null })] })])),
    );
    expect(rows[0].lag).toBeNull();
  });

  it('warns when lag nears the max-length hint (twice the hint for the global stream)', () => {
    const s = state(
      { maxLenHint: 1000 },
      snapshot([
        stream('alice:events:a', { length: 1000, groups: [group('g', { lag: 850 })] }),
        stream('alice:events:all', { length: 2000, groups: [group('audit', { lag: 850 })] }),
      ]),
    );
    const [a, all] = selectStreamRows(s);
    expect(a).toMatchObject({ name: 'a', level: 'bad', maxLen: 1000 });
    expect(a.warning).toBe('lag 85% of max length ~1,000, unread entries at risk');
    expect(all).toMatchObject({ name: 'all', level: 'ok', maxLen: 2000, warning: null });
  });

  it('is memoised on the snapshot', () => {
    const s = state({}, triageSnapshot());
    expect(selectStreamRows(s)).toBe(selectStreamRows({ ...s, now: T0 + 5 }));
  });
});

describe('groups & consumers', () => {
  it('lists groups in key order, each followed by its consumers', () => {
    const rows = selectGroupRows(state({}, triageSnapshot()));
    expect(
      rows.map((r) => (r.kind === 'group' ? `${r.name}/${r.group}` : `  ${r.consumer}`)),
    ).toEqual([
      'asset.discovered/alice-main',
      '  worker-1',
      '  worker-2',
      'project.created/alice-main',
      '  worker-3',
    ]);
  });

  it('orders the pending picker by pending count', () => {
    expect(selectGroupsByPending(state({}, triageSnapshot())).map((g) => g.pending)).toEqual([
      3, 0,
    ]);
  });
});

describe('the server clock for relative times (-1h, 10m ago)', () => {
  it('is the last snapshot’s TIME plus the local time since, and the : line uses it', () => {
    // The monitor's host runs 5 minutes fast; the server's TIME is the clock of the stream IDs.
    const serverMs = T0 - 300_000;
    const s = state({}, snapshot([], T0, serverMs), { type: 'tick', now: T0 + 2_000 });
    expect(selectServerNowMs(s)).toBe(serverMs + 2_000);
    expect(commandLineContext(s).nowMs).toBe(serverMs + 2_000);
    // Before any snapshot: the local clock.
    expect(selectServerNowMs(state())).toBe(T0);
  });
});
