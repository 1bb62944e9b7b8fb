/** Panes 2–4 as drawn: the sort arrow in the header after S, pane 3's TYPE / PAYLOAD and STUCK. */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import { group, pendingPage, snapshot, stream, T0, triageSnapshot } from '../store/build.js';
import { selectCommandTarget } from '../../src/store/pane-models.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

const K = 'alice:events:asset.discovered';
let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

describe('sort and pending context on screen', () => {
  it('S in pane 2 puts ▾ on the sorted column and says so', async () => {
    m = mount([connected('tail'), connected('poller'), triageSnapshot()]);
    m.store.actions.selectPane('streams');
    m.app.stdin.write('S');
    await settle();
    const frame = lines(m);
    expect(frame.find((l) => l.includes('STREAM') && l.includes('LAG'))).toMatch(/LAG ▾/);
    expect(frame).toContain('sorted by LAG ▾ (S: next)');
  });

  it('pane 3 at 140 columns: TYPE and PAYLOAD from the entries, STUCK on the stuck consumer', async () => {
    m = mount(
      [connected('tail'), connected('poller'), triageSnapshot()],
      {},
      { width: 140, height: 20 },
    );
    m.store.actions.selectPane('groups');
    m.store.actions.openSelected();
    m.store.dispatch(pendingPage(K, 'alice-main', 2));
    m.store.dispatch({
      type: 'EntriesLoaded',
      stream: K,
      entries: [
        {
          id: `${T0 - 600_000}-0`,
          fields: { event: '{"path":"/a.jpg"}', type: 'asset.discovered' },
          event: null,
        },
        { id: `${T0 - 600_000 + 1}-0`, fields: null, event: null },
      ],
      at: T0,
    });
    await settle();
    const frame = lines(m);
    const header = frame.find((l) => l.includes('ENTRY ID'))!;
    expect(header).toMatch(/CONSUMER .* TYPE +PAYLOAD/);
    expect(frame.find((l) => l.includes(`${T0 - 600_000}-0`))).toMatch(
      /worker-1 STUCK .* asset\.discovered +event=\{"path":"\/a\.jpg"\}/,
    );
    expect(frame.find((l) => l.includes(`${T0 - 600_000 + 1}-0`))).toMatch(/worker-2 .* \(gone\)/);
  });

  it('/ in panes 2, 3 and 4 filters their rows; ctrl+u clears the line; esc restores it', async () => {
    m = mount([connected('tail'), connected('poller'), triageSnapshot()]);
    m.store.actions.selectPane('streams');
    m.app.stdin.write('/');
    m.app.stdin.write('project');
    await settle();
    let frame = lines(m);
    expect(frame).toContain('filter / project█');
    expect(frame.some((l) => l.includes('asset.discovered'))).toBe(false);
    expect(frame.some((l) => l.includes('project.created'))).toBe(true);
    expect(frame[2]).toContain('1 of 3 match');
    m.app.stdin.write('\x15'); // ctrl+u
    await settle();
    expect(lines(m)).toContain('filter / █');
    m.app.stdin.write('\x1b'); // esc: back to the filter before `/` (none)
    await settle();
    expect(lines(m).some((l) => l.startsWith('filter /'))).toBe(false);

    m.store.actions.selectPane('groups');
    m.app.stdin.write('/');
    m.app.stdin.write('worker-2');
    m.app.stdin.write('\r');
    await settle();
    frame = lines(m);
    expect(frame).toContain('filter / worker-2');
    expect(frame.some((l) => l.includes('worker-2'))).toBe(true);
    expect(frame.some((l) => /^\S*\s+worker-1/.test(l))).toBe(false);
    expect(frame.some((l) => l.includes('project.created'))).toBe(false);

    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'alice-main', 3));
    m.app.stdin.write('/');
    m.app.stdin.write('worker-2');
    m.app.stdin.write('\r');
    await settle();
    frame = lines(m);
    expect(frame.filter((l) => l.includes('worker-2') && !l.startsWith('filter')).length).toBe(1);
    expect(frame.some((l) => l.includes('worker-1'))).toBe(false);
    expect(frame[2]).toContain('1 of 3 match');
  });

  it("pane 3's detail view: consumer, idle, delivery count, the type ID and the global ID", async () => {
    m = mount([connected('tail'), connected('poller'), triageSnapshot()]);
    m.store.actions.selectPane('groups');
    m.store.actions.openSelected();
    m.store.dispatch(pendingPage(K, 'alice-main', 1));
    m.store.actions.openSelected();
    const id = `${T0 - 600_000}-0`;
    m.store.dispatch({
      type: 'EntryLoaded',
      stream: K,
      id,
      fields: { event: '{"event_id":"x1"}' },
      event: {
        eventType: 'asset.discovered',
        eventId: 'x1',
        timestamp: '',
        source: '',
        version: '1.0.0',
        data: {},
      },
      at: T0,
    });
    m.store.dispatch({
      type: 'CounterpartFound',
      fromStream: K,
      id,
      toStream: 'alice:events:all',
      toId: '1764000000123-0',
      at: T0,
    });
    await settle();
    const frame = lines(m);
    expect(frame).toContain(
      'Pending  consumer worker-1 · idle 1.0s · delivered 1× (group alice-main)',
    );
    expect(frame).toContain(`Type ID  ${id} (${K})`);
    expect(frame).toContain('Global   1764000000123-0 (alice:events:all)');
  });
});

describe('pane 5 (dead letters): / filters, S sorts, enter shows the dead letter in full', () => {
  const DLQ_A = 'alice:events:dlq:asset.discovered';
  const DLQ_P = 'alice:events:dlq:project.created';
  const P = 'alice:events:project.created';
  const row = (
    dlqKey: string,
    id: string,
    originalStream: string,
    o: { consumer: string; deliveries: number | null; reason: string; originalId: string },
  ) => ({
    dlqKey,
    id,
    originalStream,
    group: 'alice-main',
    summary: 'event={}',
    tombstone: false,
    ...o,
  });
  // Newest first, as loaded: the project one, then two of asset.discovered.
  const loaded = {
    type: 'DeadLettersLoaded' as const,
    rows: [
      row(DLQ_P, `${T0 - 1000}-0`, P, {
        consumer: 'worker-2',
        deliveries: 2,
        reason: 'handler-error',
        originalId: `${T0 - 90_000}-0`,
      }),
      row(DLQ_A, `${T0 - 2000}-0`, K, {
        consumer: 'worker-1',
        deliveries: 9,
        reason: 'poison',
        originalId: `${T0 - 80_000}-0`,
      }),
      row(DLQ_A, `${T0 - 3000}-0`, K, {
        consumer: 'worker-3',
        deliveries: 4,
        reason: 'max-deliveries',
        originalId: `${T0 - 70_000}-0`,
      }),
    ],
    truncated: [],
    at: T0,
  };
  const ids = (frame: string[]) => frame.flatMap((l) => l.match(/worker-\d/g) ?? []);

  it('/ by type:, by reason; the title counts the matches; esc clears; S sorts with the arrow', async () => {
    m = mount(
      [connected('tail'), connected('poller'), triageSnapshot()],
      {},
      { width: 120, height: 20 },
    );
    m.store.actions.selectPane('deadletters');
    m.store.dispatch(loaded);
    await settle();
    expect(ids(lines(m))).toEqual(['worker-2', 'worker-1', 'worker-3']);

    m.app.stdin.write('/');
    m.app.stdin.write('type:asset.*');
    m.app.stdin.write('\r');
    await settle();
    let frame = lines(m);
    expect(frame).toContain('filter / type:asset.*');
    expect(ids(frame)).toEqual(['worker-1', 'worker-3']);
    expect(frame.find((l) => l.startsWith('Dead letters'))).toContain('2 of 3 match');

    m.app.stdin.write('\x1b'); // esc: clears the filter first
    await settle();
    m.app.stdin.write('/');
    m.app.stdin.write('poison');
    m.app.stdin.write('\r');
    await settle();
    expect(ids(lines(m))).toEqual(['worker-1']);
    // What r / x act on is the row the filter left under the cursor.
    expect(selectCommandTarget(m.store.getState())).toEqual({
      stream: DLQ_A,
      group: '',
      ids: [`${T0 - 2000}-0`],
    });
    m.app.stdin.write('\x1b');
    await settle();
    expect(lines(m).some((l) => l.startsWith('filter /'))).toBe(false);
    expect(ids(lines(m))).toEqual(['worker-2', 'worker-1', 'worker-3']);

    m.app.stdin.write('S'); // AGE ▾: the oldest dead letter first
    await settle();
    frame = lines(m);
    expect(frame).toContain('sorted by AGE ▾ (S: next)');
    expect(frame.find((l) => l.includes('STREAM'))).toMatch(/AGE ▾/);
    expect(ids(frame)).toEqual(['worker-3', 'worker-1', 'worker-2']);
    m.app.stdin.write('S'); // DELIV ▾: the most delivered first
    await settle();
    frame = lines(m);
    expect(frame.find((l) => l.includes('STREAM'))).toMatch(/DELIV ▾/);
    expect(ids(frame)).toEqual(['worker-1', 'worker-3', 'worker-2']);
  });

  it('enter on a filtered row: consumer, deliveries, reason, the original type ID and its global ID', async () => {
    m = mount(
      [connected('tail'), connected('poller'), triageSnapshot()],
      {},
      { width: 120, height: 20 },
    );
    m.store.actions.selectPane('deadletters');
    m.store.dispatch(loaded);
    m.app.stdin.write('/');
    m.app.stdin.write('worker-3');
    m.app.stdin.write('\r');
    await settle();
    m.app.stdin.write('\r');
    await settle();
    const dlqId = `${T0 - 3000}-0`;
    expect(m.queries.loadEntry).toHaveBeenCalledWith(DLQ_A, dlqId);
    const originalId = `${T0 - 70_000}-0`;
    m.store.dispatch({
      type: 'EntryLoaded',
      stream: DLQ_A,
      id: dlqId,
      fields: { dlq_original_id: originalId, event: '{"event_id":"x3"}' },
      event: {
        eventType: 'asset.discovered',
        eventId: 'x3',
        timestamp: '',
        source: '',
        version: '1.0.0',
        data: {},
      },
      at: T0,
    });
    await settle();
    // (The test queries have no findCounterpart: the store answers "not found" at once.)
    expect(lines(m)).toContain("Global   not found in alice:events:all near this entry's time");
    // The lookup is from the original entry (stream and ID), not the dead-letter entry; its
    // answer arrives after the view was drawn and replaces "searching".
    m.store.dispatch({
      type: 'CounterpartFound',
      fromStream: K,
      id: originalId,
      toStream: 'alice:events:all',
      toId: `${T0 - 70_000}-3`,
      at: T0,
    });
    await settle();
    const frame = lines(m);
    expect(frame).toContain(`Entry ${dlqId} in ${DLQ_A}`);
    expect(frame).toContain(
      'Dead     consumer worker-3 · delivered 4× (group alice-main) · reason max-deliveries',
    );
    expect(frame).toContain(`Type ID  ${originalId} (${K})`);
    expect(frame).toContain(`Global   ${T0 - 70_000}-3 (alice:events:all)`);
  });
});

describe("pane 2's trend line: the sparkline, ingest vs consume and the drain at 80 columns", () => {
  const P = 'alice:events:asset.processed';
  const snap = (sec: number, added: number, read: number) =>
    snapshot(
      [
        stream(P, {
          length: added,
          entriesAdded: added,
          groups: [
            group('thumbnailer', {
              lag: added - read,
              entriesRead: read,
              consumerList: [{ name: 'thumb-1', pending: 0, idleMs: 100, inactiveMs: null }],
            }),
          ],
        }),
      ],
      T0 + sec * 1000,
      T0 + sec * 1000,
    );
  const trend = (frame: string[]) => frame.find((l) => l.startsWith('lag 10m '));

  it('growing while the consumer is stopped, then a finite drain estimate once it reads faster', async () => {
    // 100/s in, nothing read: lag 10,000 → 11,000.
    m = mount([connected('tail'), connected('poller'), snap(0, 10_000, 0), snap(10, 11_000, 0)]);
    m.store.actions.selectPane('streams');
    await settle();
    expect(trend(lines(m))).toBe('lag 10m ▇█ · in 100/s · out 0 · growing +100/s');
    // It resumes at 300/s: lag 5,000 at a net 200/s.
    m.store.dispatch(snap(40, 14_000, 9_000));
    m.store.flush();
    await settle();
    const frame = lines(m);
    expect(trend(frame)).toBe('lag 10m ▇█▄ · in 100/s · out 300/s · drains in ~25s');
    // It sits right above the why line, and the footer keeps q and ?.
    expect(frame[frame.indexOf(trend(frame)!) + 1]).toMatch(
      /^why asset\.processed \/ thumbnailer: /,
    );
    expect(frame[frame.length - 1]).toMatch(/q quit {2}\? help$/);
  });
});
