/** Filter and sort for panes 2–4: the matcher syntax, worst-first orders, S cycling, pane 3 bodies. */
import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../../src/store/filter.js';
import { reduce } from '../../src/store/reducers.js';
import { collectEffects } from '../../src/store/effects.js';
import { selectPendingRows } from '../../src/store/selectors.js';
import { withPaneFilter } from '../../src/store/table-view.js';
import { selectStreamView } from '../../src/ui/panes/streams-lag/model.js';
import { selectGroupView } from '../../src/ui/panes/groups/model.js';
import type { MonitorState } from '../../src/store/state.js';
import { group, pendingPage, snapshot, state, stream, T0, triageSnapshot } from './build.js';

const K = 'alice:events:asset.discovered';

describe('compileMatcher (the `/` syntax of panes 2–5)', () => {
  const row = { type: 'asset.discovered', text: 'asset.discovered\u0000alice-main' };
  it('text is a case-insensitive substring, type: the type (with * wildcards), /re/ a regex', () => {
    expect(compileMatcher('ALICE').test(row)).toBe(true);
    expect(compileMatcher('bob').test(row)).toBe(false);
    expect(compileMatcher('type:asset').test(row)).toBe(true);
    expect(compileMatcher('type:asset.*').test(row)).toBe(true);
    expect(compileMatcher('type:*.created').test(row)).toBe(false);
    expect(compileMatcher('/main$/').test(row)).toBe(true);
    expect(compileMatcher('/^alice/').test(row)).toBe(false);
  });
  it('a bad regex says why and lets every row through', () => {
    const m = compileMatcher('/([/');
    expect(m.error).toMatch(/^bad regex/);
    expect(m.test(row)).toBe(true);
  });
});

/** Three groups: one with a stuck consumer and small lag, one healthy with big lag, one empty. */
function groupsState(): MonitorState {
  return state(
    {},
    snapshot([
      stream('alice:events:a.healthy', {
        length: 5000,
        entriesAdded: 5000,
        groups: [
          group('g1', {
            lag: 4000,
            consumerList: [{ name: 'fast', pending: 0, idleMs: 100, inactiveMs: null }],
          }),
        ],
      }),
      stream('alice:events:b.stuck', {
        length: 10,
        entriesAdded: 10,
        groups: [
          group('g2', {
            lag: 3,
            pending: 2,
            oldestPendingId: `${T0 - 60_000}-0`,
            consumerList: [
              { name: 'ok-one', pending: 0, idleMs: 200, inactiveMs: null },
              { name: 'dead-one', pending: 2, idleMs: 120_000, inactiveMs: null },
            ],
          }),
        ],
      }),
      stream('alice:events:c.idle', { groups: [group('g3')] }),
    ]),
  );
}

const names = (s: MonitorState) =>
  selectGroupView(s).map((r) => (r.kind === 'group' ? `${r.name}/${r.group}` : `  ${r.consumer}`));

describe('pane 4: worst first, S, /', () => {
  it('worst first: the group with a stuck consumer first, its stuck consumer first under it', () => {
    expect(names(groupsState())).toEqual([
      'b.stuck/g2',
      '  dead-one',
      '  ok-one',
      'a.healthy/g1',
      '  fast',
      'c.idle/g3',
    ]);
  });
  it('S cycles the sort options and names the sorted column; by LAG the biggest lag first', () => {
    let s = groupsState();
    s = reduce({ ...s, ui: { ...s.ui, pane: 'groups' } }, { type: 'cycleSort' });
    expect(s.ui.notice?.text).toBe('sorted by LAG ▾ (S: next)');
    expect(names(s)[0]).toBe('a.healthy/g1');
    for (let i = 0; i < 4; i++) s = reduce(s, { type: 'cycleSort' });
    expect(s.ui.notice?.text).toBe('sorted by worst first (S: next)');
    expect(names(s)[0]).toBe('b.stuck/g2');
  });
  it('/ keeps a group when it or a consumer matches; type: reads the stream name', () => {
    expect(names(withPaneFilter(groupsState(), 'groups', 'dead'))).toEqual([
      'b.stuck/g2',
      '  dead-one',
    ]);
    expect(names(withPaneFilter(groupsState(), 'groups', 'type:a.*'))).toEqual([
      'a.healthy/g1',
      '  fast',
    ]);
    expect(names(withPaneFilter(groupsState(), 'groups', 'nothing-like-this'))).toEqual([]);
  });
});

describe('pane 2: S and /', () => {
  it('worst first by default; S sorts by LAG, then PENDING…; / filters by stream or group', () => {
    let s = { ...groupsState(), ui: { ...groupsState().ui, pane: 'streams' } };
    const view = (x: MonitorState) => selectStreamView(x).map((r) => `${r.name}/${r.group}`);
    // The stuck consumer (bad) sorts above the larger lag (warn: ≥ --lag-warn 1000).
    expect(view(s)[0]).toBe('b.stuck/g2');
    s = reduce(s, { type: 'cycleSort' });
    expect(view(s)).toEqual(['a.healthy/g1', 'b.stuck/g2', 'c.idle/g3']);
    expect(view(withPaneFilter(s, 'streams', 'g3'))).toEqual(['c.idle/g3']);
  });
});

describe('pane 3: entry contents for TYPE / PAYLOAD and the filter', () => {
  it('a page asks for the contents of its entries (one effect), and / matches their payload', () => {
    const s0 = state({}, triageSnapshot(), { type: 'selectPane', pane: 'groups' });
    const [s1] = collectEffects(() => reduce(s0, { type: 'openSelected' }));
    const [s2, effects] = collectEffects(() => reduce(s1, pendingPage(K, 'alice-main', 3)));
    const load = effects.find((e) => e.type === 'loadEntries');
    expect(load).toEqual({
      type: 'loadEntries',
      stream: K,
      ids: [`${T0 - 600_000}-0`, `${T0 - 600_000 + 1}-0`, `${T0 - 600_000 + 2}-0`],
    });
    const s3 = reduce(s2, {
      type: 'EntriesLoaded',
      stream: K,
      entries: [
        {
          id: `${T0 - 600_000}-0`,
          fields: { type: 'asset.discovered', event: '{"path":"/a.jpg"}' },
          event: null,
        },
        { id: `${T0 - 600_000 + 1}-0`, fields: { event: '{"path":"/b.png"}' }, event: null },
        { id: `${T0 - 600_000 + 2}-0`, fields: null, event: null },
      ],
      at: T0,
    });
    expect(s3.pending.bodies.byId[`${T0 - 600_000 + 2}-0`]).toBeNull();
    const filtered = withPaneFilter(s3, 'pending', 'b.png');
    expect(selectPendingRows(filtered).map((e) => e.id)).toEqual([`${T0 - 600_000 + 1}-0`]);
    expect(selectPendingRows(withPaneFilter(s3, 'pending', 'type:asset')).length).toBe(1);
    // Reloading the same page asks only for what is not known yet: nothing.
    const [, again] = collectEffects(() => reduce(s3, pendingPage(K, 'alice-main', 3)));
    expect(again.some((e) => e.type === 'loadEntries')).toBe(false);
  });
});

describe('pane 3 sort by ENTRY ID', () => {
  it('orders by stream ID, not by text: 1-10 after 1-9, 2-9 after 1-10', async () => {
    const { PENDING_SORTS } = await import('../../src/store/pending-view.js');
    const byId = PENDING_SORTS.find((o) => o.column === 'id')!.compare!;
    const entry = (id: string) => ({ id, consumer: 'c', idleMs: 0, deliveries: 1 });
    const ids = ['2-9', '1-10', '10-0', '1-9'].map(entry);
    expect([...ids].sort(byId).map((e) => e.id)).toEqual(['1-9', '1-10', '2-9', '10-0']);
  });
});
