process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import {
  ev,
  events,
  group,
  pendingPage,
  snapshot,
  stream,
  triageSnapshot,
  T0,
} from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';
import { selectEventCursor } from '../../src/store/selectors.js';
import { detectThemeMode, setThemeMode, paint } from '../../src/ui/theme.js';

const K = 'alice:events:asset.discovered';
const blank = (n: number) => Array<string>(n).fill('');
let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
  setThemeMode('plain');
});

const HEADER = [
  '● connected  0 ev/s  held 26  snapshot 0.4s ago',
  ' 1 Live events   2   3   4   5             redis://127.0.0.1:6379 alice:events:',
];

function triage(): Mounted {
  return mount([
    connected('tail'),
    connected('poller'),
    events(0, 25),
    {
      type: 'EventsReceived',
      events: [ev(99, 'evil', { msg: 'hi\x1b[2Jthere\x07' })],
      receivedAt: T0,
    },
    triageSnapshot(),
    pendingPage(K, 'alice-main', 3),
  ]);
}

describe('App at 80×23', () => {
  it('live events: follows the tail, escapes control sequences in the preview', async () => {
    m = triage();
    await settle();
    const rows = Array.from(
      { length: 17 },
      (_, i) =>
        `  16:00:00.0${String(8 + i).padStart(2, '0')} asset.discovered 17640000000${String(8 + i).padStart(2, '0')}-0  n=${8 + i}`,
    );
    expect(lines(m)).toEqual([
      ...HEADER,
      'Live events · alice:events:all · following · 26 held',
      '  TIME         TYPE             STREAM ID        PAYLOAD',
      ...rows,
      '› 16:00:00.099 evil             1764000000099-0  n=99 msg=hi\\x1b[2Jthere\\x07',
      'p pause  / filter  enter detail  q quit  ? help',
    ]);
  });

  it('streams & lag: worst first, lag and ages, the max-length note', async () => {
    m = triage();
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m)).toEqual([
      HEADER[0],
      ' 1   2 Streams & lag   3   4   5           redis://127.0.0.1:6379 alice:events:',
      'Streams & lag · 3 streams · 2 groups · worst first · ! = over a threshold',
      '  STREAM             GROUP       LENGTH    RATE     LAG PENDING PEND AGE LAG AGE',
      '›!asset.discovered   alice-main     800       ?      40       3      10m    4.0s',
      '  project.created    alice-main      20       ?       0       0        –       –',
      '  all                –            1,200       ?',
      ...blank(12),
      // The selected group's trend at any width: one snapshot so far, so no rates yet.
      'lag 10m █ · in ? · out ? · measuring…',
      // Why is it stuck? for the selected group, with the fix (cut at 80 columns).
      'why asset.discovered / alice-main: dead consumer worker-1: idle 10m, holds 2 → …',
      // A row is marked: the bottom line names the thresholds behind !.
      '! = lag ≥ 1,000 · oldest pending or undelivered ≥ 30s · stuck: idle ≥ 30s holdi…',
      '/ filter  enter pending  h history  q quit  ? help',
    ]);
  });

  it('pending: the group with most pending, most idle first, marks', async () => {
    m = triage();
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 3));
    m.store.actions.toggleMark();
    await settle();
    expect(lines(m)).toEqual([
      HEADER[0],
      ' 1   2   3 Pending   4   5                 redis://127.0.0.1:6379 alice:events:',
      'Pending · asset.discovered / alice-main · 1 marked · 3 pending · page 1',
      '  ENTRY ID          CONSUMER        IDLE ▾ DELIVERED ENTRY AGE',
      ' *1763999400002-0   worker-1 STUCK    3.0s        3×        9m',
      '› 1763999400001-0   worker-2          2.0s        2×        9m',
      '  1763999400000-0   worker-1 STUCK    1.0s        1×       10m',
      ...blank(15),
      'space mark  a ack  c claim  r replay  n next page  s pick group  q quit  ? help',
    ]);
  });

  it('pending: a PEL bigger than the search says the order is approximate; o shows ID order', async () => {
    m = triage();
    m.store.actions.selectPane('pending');
    m.store.dispatch({
      ...pendingPage(K, 'alice-main', 3),
      scan: { examined: 50_000, complete: false, limit: 50_000 },
    });
    await settle();
    expect(lines(m).slice(2, 6)).toEqual([
      'Pending · asset.discovered / alice-main · 3 pending · page 1',
      'most idle of the first 50,000 entries of 3 (o: ID order shows all)',
      '  ENTRY ID          CONSUMER        IDLE ▾ DELIVERED ENTRY AGE',
      '› 1763999400002-0   worker-1 STUCK    3.0s        3×        9m',
    ]);
    m.app.stdin.write('o');
    m.store.dispatch({ ...pendingPage(K, 'alice-main', 3), order: 'id', scan: undefined });
    await settle();
    expect(lines(m).slice(2, 6)).toEqual([
      'Pending · asset.discovered / alice-main · 3 pending · page 1',
      '  ENTRY ID ▴        CONSUMER          IDLE DELIVERED ENTRY AGE',
      '› 1763999400000-0   worker-1 STUCK    1.0s        1×       10m',
      '  1763999400001-0   worker-2          2.0s        2×        9m',
    ]);
  });

  it('groups: groups with their consumers; lag ? when Redis cannot tell', async () => {
    m = mount([
      connected('tail'),
      connected('poller'),
      snapshot([
        stream(K, {
          length: 5,
          groups: [
            group('alice-main', {
              pending: 1,
              lag: null,
              entriesRead: null,
              lastDeliveredId: '1-0',
              consumerList: [{ name: 'w', pending: 1, idleMs: 400_000, inactiveMs: null }],
            }),
          ],
        }),
      ]),
    ]);
    m.store.actions.selectPane('groups');
    await settle();
    expect(lines(m).slice(2, 7)).toEqual([
      'Consumer groups · 1 group · 1 consumer · worst first · LAG ? = Redis cannot tell',
      '  STREAM › GROUP / CONSUMER     PENDING   IDLE LAST DELIVERED       READ     LAG',
      '› asset.discovered › alice-main       1        1-0                     ?       ?',
      // Idle past --stuck-after (30 s) while holding an entry: labelled stuck.
      '     w STUCK                          1     6m',
      '',
    ]);
    // The selected group's "why" in full at the bottom (no WHY column below 100 columns).
    expect(lines(m).at(-2)).toMatch(
      /^why asset\.discovered \/ alice-main: dead consumer w: idle 6m/,
    );
    // On a consumer row, its group's.
    m.store.actions.moveCursor(1);
    await settle();
    expect(lines(m).at(-2)).toMatch(/^why asset\.discovered \/ alice-main: dead consumer w/);
  });

  it('ack: asks with the count, runs on y, reports the outcome', async () => {
    m = triage();
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 3));
    await settle();
    m.app.stdin.write(' ');
    await settle();
    m.app.stdin.write(' ');
    await settle();
    m.app.stdin.write('a');
    await settle();
    expect(lines(m).slice(15, 22)).toEqual([
      '  ╭──────────────────────────────────────────────────────────────────────────╮',
      '  │ Acknowledge 2 entries of asset.discovered / alice-main?                  │',
      '  │ They leave the pending list and will not be delivered again.             │',
      '  │ Not undoable: an acknowledged entry cannot be made pending again         │',
      '  │ 1763999400002-0, 1763999400001-0                                         │',
      '  │ y/enter confirm  n/esc cancel                                            │',
      '  ╰──────────────────────────────────────────────────────────────────────────╯',
    ]);
    expect(m.commands.run).not.toHaveBeenCalled();
    m.app.stdin.write('y');
    await settle();
    expect(m.commands.run).toHaveBeenCalledWith(
      {
        kind: 'ack',
        stream: K,
        group: 'alice-main',
        ids: ['1763999400002-0', '1763999400001-0'],
      },
      { signal: expect.any(AbortSignal) },
    );
    m.store.dispatch({
      type: 'CommandCompleted',
      command: 'ack',
      requested: 2,
      affected: 2,
      detail: 'acknowledged 2 of 2 in alice-main',
      at: T0,
    });
    await settle();
    // The outcome is a flash in the notice line, not a dialog: the footer is the pane's.
    expect(selectLayer(m.store.getState(), 'confirm')).toBeNull();
    expect(lines(m).at(-2)).toBe('acknowledged 2 of 2 in alice-main');
    expect(lines(m).at(-1)).toBe(
      'space mark  a ack  c claim  r replay  n next page  s pick group  q quit  ? help',
    );
    m.app.stdin.write('j');
    await settle();
    expect(lines(m)).not.toContain('acknowledged 2 of 2 in alice-main');
  });

  it('claim: the dialog and the footer name the keys alike', async () => {
    m = triage();
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 3));
    await settle();
    m.app.stdin.write('c');
    await settle();
    const dialog = lines(m).filter((l) => l.startsWith('  │'));
    expect(dialog.at(-1)).toBe(
      '  │ enter confirm  esc cancel                                                │',
    );
    expect(lines(m).at(-1)).toBe('enter confirm  esc cancel  ↓ next consumer  ↑ prev consumer');
  });

  it('status bar: ring turnover is a dim "rotated", missed events stay red', async () => {
    m = mount(
      [
        connected('tail'),
        connected('poller'),
        events(0, 26),
        { type: 'EventsMissed', count: 3, reason: 'trimmed' },
        triageSnapshot(),
      ],
      { bufferSize: 10 },
    );
    await settle();
    expect(lines(m)[0]).toBe(
      '● connected  0 ev/s  held 10  missed 3  rotated 16  snapshot 0.4s ago',
    );
    setThemeMode('color');
    m.store.actions.selectPane('streams');
    await settle();
    const bar = m.app.lastFrame()!.split('\n')[0];
    expect(bar).toContain(paint('bad', 'missed 3'));
    expect(bar).toContain(paint('dim', 'rotated 16'));
  });

  it('read-only, disconnected: badge, reason on its own line, mutating keys refused', async () => {
    m = mount(
      // The poller lost Redis after its last snapshot (a later snapshot would clear it).
      [
        connected('tail'),
        triageSnapshot(),
        {
          type: 'ConnectionChanged',
          loop: 'poller',
          state: 'reconnecting',
          attempt: 3,
          error: {
            code: 'UNREACHABLE',
            message: 'cannot connect to redis://127.0.0.1:6379: connection refused',
          },
          at: T0,
        },
        pendingPage(K, 'alice-main', 2),
      ],
      { readOnly: true, readOnlyReason: 'read-only mode (--read-only)' },
    );
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 2));
    await settle();
    m.app.stdin.write('a');
    await settle();
    const l = lines(m);
    expect(l[0]).toBe(
      ' READ-ONLY   ✖ reconnecting (attempt 3)  0 ev/s  held 0  snapshot 0.4s ago STALE',
    );
    expect(l[1]).toBe('  snapshots: cannot connect to redis://127.0.0.1:6379: connection refused');
    expect(l).toContain('ack: read-only mode (--read-only)');
    // Disabled keys are dimmed in the footer (q and ? stay); the reason is in ?.
    expect(l[l.length - 1]).toBe(
      'space mark  a ack  c claim  r replay  n next page  s pick group  q quit  ? help',
    );
    m.app.stdin.write('?');
    await settle();
    expect(lines(m)).toContain('  a            ack: read-only mode (--read-only)');
    m.app.stdin.write('?');
    expect(m.commands.run).not.toHaveBeenCalled();
    expect(selectLayer(m.store.getState(), 'confirm')).toBeNull();
  });

  it('ACL denies XCLAIM only: the footer disables c with the reason, a still asks', async () => {
    m = triage();
    m.store.act({
      type: 'setPermissions',
      readOnly: false,
      reason: 'ACL: the Redis user may not run XCLAIM',
      denied: ['claim'],
    });
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 3));
    await settle();
    expect(lines(m).at(-1)).toBe(
      'space mark  a ack  c claim  r replay  n next page  s pick group  q quit  ? help',
    );
    m.app.stdin.write('?');
    await settle();
    expect(lines(m)).toContain('  c            claim: ACL: the Redis user may not run XCLAIM');
    m.app.stdin.write('?');
    await settle();
    expect(lines(m)[0]).not.toContain('READ-ONLY');
    m.app.stdin.write('c');
    await settle();
    expect(lines(m)).toContain('claim: ACL: the Redis user may not run XCLAIM');
    expect(selectLayer(m.store.getState(), 'confirm')).toBeNull();
    m.app.stdin.write('a');
    await settle();
    expect(selectLayer(m.store.getState(), 'confirm')?.command).toBe('ack');
  });

  it('detail view: pretty JSON and raw fields, escapes shown, never executed', async () => {
    m = triage();
    m.app.stdin.write('\r');
    await settle();
    const l = lines(m);
    expect(l.slice(2, 11)).toEqual([
      'Entry 1764000000099-0 in alice:events:all',
      'Time     2025-11-24 16:00:00.099 (local, from the entry ID)',
      'Type     evil',
      'Size     168 B',
      // Both IDs (this test's queries port has no lookup: the type entry counts as not found).
      'Global   1764000000099-0 (alice:events:all)',
      "Type ID  not found in alice:events:evil near this entry's time",
      '',
      'Decoded event',
      '{',
    ]);
    expect(l).toContain('  "msg": "hi\\u001b[2Jthere\\u0007"');
    expect(m.app.lastFrame()).not.toContain('\x1b[2J');
  });

  it('works on a large terminal: more columns appear (SOURCE)', async () => {
    m = mount(
      [connected('tail'), connected('poller'), events(0, 3)],
      {},
      { width: 160, height: 40 },
    );
    await settle();
    expect(lines(m)[3]).toBe('  TIME         TYPE             STREAM ID        SOURCE  PAYLOAD');
    expect(lines(m)[6]).toMatch(
      /^› 16:00:00\.002 asset\.discovered 1764000000002-0 {2}scanner n=2$/,
    );
    expect(lines(m).length).toBe(40);
  });

  it('colour: roles get SGR codes; NO_COLOR keeps only attributes', () => {
    setThemeMode('color');
    expect(paint('bad', 'x')).toBe('\x1b[31m\x1b[1mx\x1b[22m\x1b[39m');
    setThemeMode('mono');
    expect(paint('bad', 'x')).toBe('\x1b[1mx\x1b[22m');
    expect(paint('ok', 'x')).toBe('x');
  });
});

describe('stream/group picker at 80×23', () => {
  it('s lists every pair with its pending count; j + enter shows the other group', async () => {
    m = triage();
    m.store.actions.selectPane('pending');
    await settle();
    m.app.stdin.write('s');
    await settle();
    expect(lines(m).slice(2, 7)).toEqual([
      'Pick a stream / group · 2 groups · most pending first · * = shown now',
      '  STREAM           GROUP        PENDING CONSUMERS       LAG',
      '›*asset.discovered alice-main         3         2        40',
      '  project.created  alice-main         0         1         0',
      '',
    ]);
    expect(lines(m).at(-1)).toBe('enter show  esc/s close  q quit  ? help');
    m.app.stdin.write('j');
    await settle();
    m.app.stdin.write('\r');
    await settle();
    expect(lines(m)[2]).toBe(
      'Pending · project.created / alice-main · 0 pending · page 1 · loading…',
    );
    expect(m.queries.loadPendingPage).toHaveBeenLastCalledWith(
      'alice:events:project.created',
      'alice-main',
      { afterId: null, count: 100, consumer: null, order: 'idle', offset: 0 },
    );
  });
});

describe('lag near max length, thresholds and NO_COLOR', () => {
  const lagging = () =>
    mount(
      [
        connected('tail'),
        connected('poller'),
        snapshot([
          stream('alice:events:asset.discovered', {
            length: 1000,
            groups: [
              group('slow', { lag: 900 }),
              group('mid', { lag: 600 }),
              group('ok', { lag: 10 }),
            ],
          }),
          stream('alice:events:asset.processed', {
            length: 1000,
            groups: [group('slow', { lag: 850 })],
          }),
        ]),
      ],
      { maxLenHint: 1000, maxLenHintIsDefault: false },
    );
  /** SGR parameters that set a colour (foreground, background, bright, 256/RGB). */
  const colourCodes = (frame: string) =>
    [...frame.matchAll(/\x1b\[([0-9;]*)m/g)]
      .flatMap((x) => x[1].split(';').map(Number))
      .filter((n) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 107));

  it('warns above the table, worst first, counts the rest; rows past a threshold are marked !', async () => {
    m = lagging();
    m.store.actions.selectPane('streams');
    await settle();
    expect(lines(m).slice(2, 11)).toEqual([
      'Streams & lag · 2 streams · 4 groups · worst first · ! = over a threshold',
      '⚠ asset.discovered / slow: lag 90% of max length ~1,000, unread entries at risk',
      '⚠ asset.processed / slow: lag 85% of max length ~1,000, unread entries at risk',
      '⚠ and 1 more group near the max length (marked !)',
      '  STREAM               GROUP     LENGTH    RATE     LAG PENDING PEND AGE LAG AGE',
      '›!asset.discovered     slow       1,000       ?     900       0        –       –',
      ' !asset.processed      slow       1,000       ?     850       0        –       –',
      ' !asset.discovered     mid        1,000       ?     600       0        –       –',
      '  asset.discovered     ok         1,000       ?      10       0        –       –',
    ]);
  });

  it('the LAG cell itself is coloured by the lag thresholds (like the age columns); mono keeps the ! mark only', async () => {
    m = lagging();
    setThemeMode('color');
    m.store.actions.selectPane('streams');
    m.store.actions.moveToEdge('bottom'); // the cursor row is inverse video; keep it off the rows checked
    await settle();
    const frame = m.app.lastFrame()!;
    const rowOf = (text: string) =>
      frame.split('\n').find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').includes(text))!;
    expect(rowOf('asset.discovered     slow')).toContain(paint('bad', '    900'));
    expect(rowOf('asset.discovered     mid')).toContain(paint('warn', '    600'));
    expect(rowOf('asset.processed      slow')).toContain(paint('bad', '    850'));
    setThemeMode('mono');
    expect(paint('warn', '    600')).toBe('    600'); // no colour: the ! in the gutter says it
  });

  it('colour mode paints bad rows and lag red, warn yellow; NO_COLOR (mono) keeps no colour at all', async () => {
    expect(detectThemeMode({ NO_COLOR: '1' })).toBe('mono');
    expect(detectThemeMode({ NO_COLOR: '' })).toBe('color');
    m = lagging();
    setThemeMode('color');
    m.store.actions.selectPane('streams');
    await settle();
    const colour = m.app.lastFrame()!;
    const row = (f: string, text: string) =>
      f.split('\n').find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').includes(text))!;
    expect(row(colour, 'asset.processed      slow')).toMatch(/\x1b\[(1;)?31m/);
    expect(row(colour, 'asset.discovered     mid')).toMatch(/\x1b\[33m/);
    expect(colourCodes(colour).length).toBeGreaterThan(0);
    setThemeMode('mono');
    m.store.actions.selectPane('events');
    m.store.actions.selectPane('streams');
    await settle();
    const mono = m.app.lastFrame()!;
    expect(colourCodes(mono)).toEqual([]);
    expect(row(mono, 'asset.processed      slow')).toMatch(/\x1b\[1m/); // bad stays bold
    expect(row(mono, 'asset.discovered     mid').replace(/\x1b\[[0-9;]*m/g, '')).toMatch(
      /^ !asset\.discovered +mid /,
    ); // warn: the mark says it
  });
});

describe('pgup / pgdn', () => {
  it('move one visible screen minus one row: pgdn in a 34-row list moves 33 rows', async () => {
    // 40 events at 80×39: the live list shows 34 rows below its title and header.
    const m = mount(
      [connected('tail'), connected('poller'), events(0, 40)],
      {},
      { width: 80, height: 39 },
    );
    try {
      await settle();
      m.store.actions.moveToEdge('top');
      await settle();
      expect(m.store.getState().ui.pageRows).toBe(34);
      const before = selectEventCursor(m.store.getState());
      m.app.stdin.write('\x1b[6~'); // pgdn
      await settle();
      expect(selectEventCursor(m.store.getState()) - before).toBe(33);
      m.app.stdin.write('\x1b[5~'); // pgup
      await settle();
      expect(selectEventCursor(m.store.getState())).toBe(before);
    } finally {
      m.app.unmount();
    }
  });
});

describe('lag Redis cannot tell', () => {
  it('pane 2 shows the counted estimate as ~n and the trend line says why Redis cannot tell', async () => {
    const nullLag = (sec: number, added: number, counted: number) => ({
      ...snapshot(
        [
          stream(K, {
            length: added,
            entriesAdded: added,
            maxDeletedEntryId: `${T0 + 500}-0`,
            groups: [
              group('alice-main', {
                lag: null,
                entriesRead: 10,
                lastDeliveredId: `${T0}-0`,
                consumers: 1,
                consumerList: [{ name: 'w1', pending: 0, idleMs: 100, inactiveMs: null }],
              }),
            ],
          }),
        ],
        T0 + sec * 1000,
        T0 + sec * 1000,
      ),
      lagEstimates: { [`${K}\u0000alice-main`]: counted },
    });
    m = mount(
      [connected('tail'), connected('poller'), nullLag(0, 1000, 990), nullLag(10, 1200, 1190)],
      {},
      { width: 120, height: 23 },
    );
    m.store.actions.selectPane('streams');
    await settle();
    const screen = lines(m);
    expect(screen.find((l) => l.includes('alice-main'))).toMatch(
      /asset\.discovered +alice-main +1,200 +\S+ +~1,190 /,
    );
    expect(screen).toContain(
      'lag 10m ▇█ · in 20/s · out 0 · growing +20/s · lag ~1,190 counted (Redis: entries were deleted (XDEL) after the group p…',
    );
    // Pane 4 too.
    m.store.actions.selectPane('groups');
    await settle();
    expect(lines(m).find((l) => l.includes('› alice-main'))).toMatch(/ ~1,190 /);
  });
});
