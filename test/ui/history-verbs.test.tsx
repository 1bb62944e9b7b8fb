/**
 * `:history`, `:goto` and `:range` on the command line, against a real redis-server through the
 * real queries port: the view opens on the named stream, goto lands on the entry at or after a
 * time or ID, range selects and counts, bad input stays one line in the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { createQueries } from '../../src/monitor/queries.js';
import { selectLayer } from '../../src/store/layers.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { rawClient, uniquePrefix, waitFor } from '../helpers/context.js';
import { NO_TIMERS } from './render.js';
import { snapshot, stream } from '../store/build.js';

const N = 5_000;
// Entries 1 s apart from a local midnight, so `:goto 2026-…T01:00` names entry 3600 exactly.
const BASE = new Date(2026, 10, 20, 0, 0, 0).getTime();
const idOf = (i: number) => `${BASE + i * 1000}-0`;
const r = rawClient();
const prefix = uniquePrefix('histverbs');
const key = `${prefix}t`;

beforeAll(async () => {
  const p = r.pipeline();
  for (let i = 0; i < N; i++) p.xadd(key, idOf(i), 'type', 't', 'n', `v${i}`);
  p.xadd(`${prefix}all`, '1-1', 'type', 't');
  await p.exec();
});
afterAll(async () => {
  await r.del(key, `${prefix}all`);
  r.disconnect();
});

function makeStore(): MonitorStore {
  let store: MonitorStore | null = null;
  const emit = (m: MonitorMessage) => store!.dispatch(m);
  store = createMonitorStore({
    config: defaultConfig({ url: 'redis://127.0.0.1:6379', prefix }),
    commands: { readOnly: false, readOnlyReason: null, run: async () => {} },
    queries: createQueries({ client: r, emit }),
    timers: NO_TIMERS,
  });
  store.dispatch(snapshot([stream(key, { length: N }), stream(`${prefix}all`, { length: 1 })]));
  return store;
}

const type = (s: MonitorStore, text: string) => {
  s.actions.openCommandLine();
  s.actions.editCommandLine(text);
  s.actions.submitCommandLine();
};
const data = (s: MonitorStore) => selectLayer(s.getState(), 'history')!;
const idle = (s: MonitorStore) => waitFor(() => data(s).loading === null);
const lineError = (s: MonitorStore) => selectLayer(s.getState(), 'command')?.error ?? null;

describe(':history, :goto, :range', () => {
  it('opens the named stream, goto lands on a time and an ID, range selects from..to', async () => {
    const s = makeStore();
    type(s, 'history t');
    expect(lineError(s)).toBeNull();
    await idle(s);
    expect(data(s).key).toBe(key);
    expect(data(s).selected).toBe(idOf(N - 1));

    // Local time, as the TIME column shows it: 01:00:00 is entry 3600.
    type(s, 'goto 2026-11-20T01:00');
    await idle(s);
    expect(data(s).selected).toBe(idOf(3600));
    // Between two entries: the next one.
    type(s, `goto ${BASE + 1500}`);
    await idle(s);
    expect(data(s).selected).toBe(idOf(2));
    s.actions.moveCursor(-1);
    await idle(s);
    expect(data(s).selected).toBe(idOf(1));

    type(s, `range ${idOf(100)}..2026-11-20T00:10`);
    await idle(s);
    expect(data(s).range).toEqual({
      start: idOf(100),
      end: `${BASE + 600_000}-18446744073709551615`,
    });
    expect(data(s).selected).toBe(idOf(100));
    // Entries 100…600 reach past the 200 loaded rows: counted by the port, exactly.
    await waitFor(() => data(s).count?.done);
    expect(data(s).count).toMatchObject({ count: 501, estimated: false, firstId: idOf(100) });
    expect(data(s).count?.lastId).toBe(idOf(600));

    // The global stream opens under its name.
    type(s, 'history all');
    await idle(s);
    expect(data(s).key).toBe(`${prefix}all`);
    expect(data(s).rows.map((e) => e.id)).toEqual(['1-1']);
  });

  it('bad input stays in the command line as one line; nothing changes', async () => {
    const s = makeStore();
    type(s, 'goto -1h');
    expect(lineError(s)).toBe('goto: no history view open (:history <stream>, or h in pane 2)');
    s.actions.back();
    type(s, 'history nope');
    expect(lineError(s)).toMatch(/^history: no stream "nope" \(streams: t, all\)$/);
    s.actions.back();
    type(s, 'history t');
    await idle(s);
    type(s, `range ${idOf(9)}..${idOf(3)}`);
    expect(lineError(s)).toBe(`range: from ${idOf(9)} is after to ${idOf(3)}: the range is empty`);
    s.actions.back();
    type(s, 'goto tomorrow');
    expect(lineError(s)).toContain('goto: cannot read "tomorrow"');
    s.actions.back();
    expect(data(s).range).toBeNull();
    expect(data(s).selected).toBe(idOf(N - 1));
  });
});
