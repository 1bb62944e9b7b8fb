/**
 * The history view (a layer over pane 2) against a real redis-server: it pages a 200,000-entry
 * stream with XRANGE/XREVRANGE cursors through the real queries port, keeps a bounded window,
 * jumps to an ID, filters the loaded window, opens the detail view and closes with esc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { createMonitorStore, type MonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { createQueries } from '../../src/monitor/queries.js';
import { HISTORY_WINDOW, historyCursor, historyView } from '../../src/store/history.js';
import { selectLayer, selectTopLayer } from '../../src/store/layers.js';
import { setThemeMode } from '../../src/ui/theme.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { rawClient, uniquePrefix, waitFor } from '../helpers/context.js';
import { NO_TIMERS, settle } from './render.js';

const N = 200_000;
const BASE = 1_700_000_000_000;
const idOf = (i: number) => `${BASE + i}-0`;
const r = rawClient();
const prefix = uniquePrefix('hist');
const key = `${prefix}t`;

beforeAll(async () => {
  // Explicit IDs one ms apart, so entry i is known without reading it back.
  for (let start = 0; start < N; start += 10_000) {
    const p = r.pipeline();
    for (let i = start; i < start + 10_000; i++) p.xadd(key, idOf(i), 'type', 't', 'n', `v${i}`);
    await p.exec();
  }
}, 120_000);
afterAll(async () => {
  await r.del(key);
  r.disconnect();
});

function makeStore(): MonitorStore {
  let store: MonitorStore | null = null;
  const emit = (m: MonitorMessage) => store!.dispatch(m);
  const queries = createQueries({ client: r, emit });
  store = createMonitorStore({
    config: defaultConfig({ url: 'redis://127.0.0.1:6379', prefix }),
    commands: { readOnly: false, readOnlyReason: null, run: async () => {} },
    queries,
    timers: NO_TIMERS,
  });
  return store;
}

const data = (s: MonitorStore) => selectLayer(s.getState(), 'history')!;
const idle = (s: MonitorStore) => waitFor(() => data(s).loading === null);
const selected = (s: MonitorStore) => data(s).selected;

describe('history view', () => {
  it('pages backward and forward through 200k entries with a bounded window; goto and edges land right', async () => {
    const s = makeStore();
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    expect(data(s).rows.length).toBe(200);
    expect(selected(s)).toBe(idOf(N - 1));
    expect(data(s).hasOlder).toBe(true);
    expect(data(s).hasNewer).toBe(false);

    // Walk back 2,000 rows one page-step at a time: every row is reached in order, the window
    // never holds more than HISTORY_WINDOW rows.
    let maxRows = 0;
    let at = N - 1;
    for (let k = 0; k < 100; k++) {
      s.actions.moveCursor(-20);
      at -= 20;
      await idle(s);
      maxRows = Math.max(maxRows, data(s).rows.length);
      expect(selected(s)).toBe(idOf(at));
    }
    expect(maxRows).toBe(HISTORY_WINDOW);
    expect(data(s).hasNewer).toBe(true);
    // And forward again across the pages that were dropped.
    for (let k = 0; k < 50; k++) {
      s.actions.moveCursor(20);
      at += 20;
      await idle(s);
      expect(data(s).rows.length).toBeLessThanOrEqual(HISTORY_WINDOW);
      expect(selected(s)).toBe(idOf(at));
    }

    // goto an ID in the middle; then a millisecond with no sequence lands on that entry too.
    s.actions.history({ kind: 'goto', id: idOf(123_456) });
    await idle(s);
    expect(selected(s)).toBe(idOf(123_456));
    expect(data(s).hasOlder && data(s).hasNewer).toBe(true);
    s.actions.moveCursor(-1);
    await idle(s);
    expect(selected(s)).toBe(idOf(123_455));

    // g / G: the stream's first and last entry, read from Redis (not the window).
    s.actions.moveToEdge('top');
    await idle(s);
    expect(selected(s)).toBe(idOf(0));
    expect(data(s).hasOlder).toBe(false);
    s.actions.moveToEdge('bottom');
    await idle(s);
    expect(selected(s)).toBe(idOf(N - 1));
    expect(data(s).rows.length).toBeLessThanOrEqual(HISTORY_WINDOW);
  }, 60_000);

  it('filters the loaded window, opens the detail of a row, esc closes it and then the view', async () => {
    const s = makeStore();
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    s.actions.openLayer({ id: 'filter', data: { previous: '', pane: 'history' } });
    s.actions.editFilter('v19999');
    s.actions.commitFilter();
    const st = s.getState();
    const rows = historyView(st, data(s));
    // v199990 … v199999 are in the newest page (the filter sees only the loaded window).
    expect(rows.map((e) => e.fields.n)).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${199_990 + i}`),
    );
    expect(historyCursor(rows, data(s))).toBe(9);
    s.actions.moveCursor(-3);
    s.actions.openSelected();
    const top = selectTopLayer(s.getState());
    expect(top?.id).toBe('detail');
    expect(top?.id === 'detail' && top.data.kind === 'event' && top.data.event.id).toBe(
      idOf(199_996),
    );
    s.actions.back();
    expect(selectTopLayer(s.getState())?.id).toBe('history');
    s.actions.back();
    expect(selectTopLayer(s.getState())).toBeNull();
  });

  it('draws the view: title with the window, rows newest last, the selected row', async () => {
    setThemeMode('plain');
    const s = makeStore();
    s.actions.selectPane('streams');
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    const app = render(<App store={s} width={100} height={16} />);
    await settle();
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('History t · 200 loaded · older ↑ · end · ');
    expect(frame).toContain(idOf(N - 1));
    expect(frame).toContain('v199999');
    // A range: v at the last row, k k, v: the title counts 3 entries spanning 2 ms.
    app.stdin.write('v');
    await settle();
    app.stdin.write('k');
    await settle();
    app.stdin.write('k');
    await settle();
    app.stdin.write('v');
    await settle();
    expect(app.lastFrame()).toContain('History t · range 3 entries · 2 ms · 200 loaded');
    app.stdin.write('\x1b');
    await settle();
    expect(app.lastFrame()).not.toContain('range 3');
    app.stdin.write('\x1b');
    await settle();
    expect(selectLayer(s.getState(), 'history')).toBeNull();
    app.unmount();
  });
});
