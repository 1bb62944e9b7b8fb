process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import { layoutColumns, type Column } from '../../src/ui/components/Table.js';
import { displayWidth } from '../../src/ui/format.js';
import { ev, group, pendingPage, snapshot, stream, T0 } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

type R = Record<string, string>;
const col = (key: string, o: Partial<Column<R>> = {}): Column<R> => ({
  key,
  title: key.toUpperCase(),
  cell: (r) => r[key] ?? '',
  ...o,
});
const widths = (l: { col: Column<R>; width: number }[]) =>
  Object.fromEntries(l.map((x) => [x.col.key, x.width]));

describe('layoutColumns', () => {
  it('sizes content columns from their content (capped), the growing column takes the rest', () => {
    const cols = [
      col('a', { width: 5 }),
      col('b', { minWidth: 4, maxWidth: 10 }),
      col('c', { grow: true, minWidth: 6 }),
    ];
    // 2 gutter + 5 + 1 + b + 1 + c = 40
    expect(widths(layoutColumns(cols, 40, 1, (c) => (c.key === 'b' ? 7 : 0)))).toEqual({
      a: 5,
      b: 7,
      c: 24,
    });
    expect(widths(layoutColumns(cols, 40, 1, (c) => (c.key === 'b' ? 99 : 0)))).toEqual({
      a: 5,
      b: 10,
      c: 21,
    });
  });

  it('content columns share a short surplus evenly before the growing column gets any', () => {
    const cols = [
      col('s', { minWidth: 4, maxWidth: 30, grow: true }),
      col('g', { minWidth: 4, maxWidth: 30 }),
    ];
    // 2 + 4 + 1 + 4 = 11; surplus 9 → s +5, g +4 (s wants 12, g wants 10)
    expect(widths(layoutColumns(cols, 20, 1, (c) => (c.key === 's' ? 16 : 14)))).toEqual({
      s: 9,
      g: 8,
    });
    // Plenty of room: both get their content, the rest goes to s.
    expect(widths(layoutColumns(cols, 60, 1, (c) => (c.key === 's' ? 16 : 14)))).toEqual({
      s: 43,
      g: 14,
    });
  });

  it('a growing column stops at growMax; the rest of a very wide row stays blank', () => {
    const cols = [
      col('s', { minWidth: 12, maxWidth: 40, grow: true, growMax: 60 }),
      col('n', { width: 7 }),
    ];
    expect(widths(layoutColumns(cols, 50, 1, () => 20))).toEqual({ s: 40, n: 7 });
    expect(widths(layoutColumns(cols, 300, 1, () => 20))).toEqual({ s: 60, n: 7 });
  });

  it('hides columns by priority (lowest first) instead of overflowing; essential columns stay', () => {
    const cols = [
      col('id', { width: 10 }),
      col('x', { width: 8, priority: 2 }),
      col('y', { width: 8, priority: 1 }),
      col('p', { minWidth: 10 }),
    ];
    expect(Object.keys(widths(layoutColumns(cols, 42, 1)))).toEqual(['id', 'x', 'y', 'p']);
    expect(Object.keys(widths(layoutColumns(cols, 35, 1)))).toEqual(['id', 'x', 'p']);
    expect(Object.keys(widths(layoutColumns(cols, 26, 1)))).toEqual(['id', 'p']);
    expect(Object.keys(widths(layoutColumns(cols, 10, 1)))).toEqual(['id', 'p']);
  });
});

const long = [
  stream('alice:events:workflow.step_completed', {
    length: 604,
    groups: [
      group('workflow-thumbnailer', {
        pending: 50,
        lag: 0,
        oldestPendingId: `${T0 - 8000}-0`,
        consumerList: [{ name: 'tracker-1', pending: 50, idleMs: 8000, inactiveMs: null }],
      }),
    ],
  }),
  stream('alice:events:asset.discovered', {
    length: 804,
    groups: [group('alice-main', { lag: 744 })],
  }),
];

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

function open(width: number, height = 12): Mounted {
  return mount(
    [
      connected('tail'),
      connected('poller'),
      {
        type: 'EventsReceived',
        events: [ev(1, 'workflow.step_completed', { workflow_id: 'wf_1' }), ev(2)],
        receivedAt: T0,
      },
      snapshot(long),
    ],
    {},
    { width, height },
  );
}

describe('column widths in the panes', () => {
  it('120 columns: GROUP and TYPE are shown whole, the surplus goes to STREAM / PAYLOAD', async () => {
    m = open(120);
    await settle();
    expect(lines(m).slice(3, 6)).toEqual([
      '  TIME         TYPE                    STREAM ID        SOURCE  PAYLOAD',
      '  16:00:00.001 workflow.step_completed 1764000000001-0  scanner n=1 workflow_id=wf_1',
      '› 16:00:00.002 asset.discovered        1764000000002-0  scanner n=2',
    ]);
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m).slice(3, 6)).toEqual([
      // DRAIN from 100 columns (one snapshot so far: measuring…); names still whole.
      '  STREAM                      GROUP                 LENGTH    RATE     LAG DRAIN           PENDING PEND AGE LAG AGE CONS',
      '› asset.discovered            alice-main               804       ?     744 measuring…            0        –       –    0',
      '  workflow.step_completed     workflow-thumbnailer     604       ?       0 caught up            50     8.0s       –    1',
    ]);
  });

  it('250 columns: STREAM stops at 60 columns instead of taking all the spare room', async () => {
    m = open(250);
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m).slice(3, 5)).toEqual([
      // The lag sparkline from 140 columns (one sample so far: one block).
      `  STREAM${' '.repeat(55)}GROUP                 LENGTH    RATE     LAG LAG 10m    DRAIN           PENDING PEND AGE LAG AGE CONS`,
      `› asset.discovered${' '.repeat(45)}alice-main               804       ?     744          █ measuring…            0        –       –    0`,
    ]);
  });

  it('80 columns: everything fits, long names share the room', async () => {
    m = open(80);
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m).slice(3, 6)).toEqual([
      '  STREAM           GROUP         LENGTH    RATE     LAG PENDING PEND AGE LAG AGE',
      '› asset.discovered alice-main       804       ?     744       0        –       –',
      '  workflow.step_c… workflow-th…     604       ?       0      50     8.0s       –',
    ]);
  });

  it('below 80 columns: low-priority columns are hidden, no row is wider than the terminal', async () => {
    m = open(60);
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m)[3]).toBe('  STREAM         GROUP       LENGTH     LAG PENDING PEND AGE');
    for (const pane of ['events', 'streams', 'pending', 'groups'] as const) {
      m.store.actions.selectPane(pane);
      m.store.dispatch(
        pendingPage('alice:events:workflow.step_completed', 'workflow-thumbnailer', 2),
      );
      await settle();
      for (const l of lines(m)) expect(displayWidth(l), `${pane}: ${l}`).toBeLessThanOrEqual(60);
    }
  });
});
