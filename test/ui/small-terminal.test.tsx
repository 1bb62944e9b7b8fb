/**
 * 80×24 exactly: the server address and port, the mark count, group names, `q` and `?` stay
 * on screen. The App leaves one row of a real terminal unused (Ink repaints everything when a
 * frame fills it), so a 24-row terminal draws 23 rows: what mount() gives by default.
 */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import { group, pendingPage, snapshot, stream, T0 } from '../store/build.js';
import { connected, lines, mount, settle, type Mounted } from './render.js';

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
});

const K = 'alice:events:thumbnail.requested';

describe('80×24', () => {
  it('pane 3 with marks, read-only (keys disabled): port, mark count, group name, q and ? whole', async () => {
    m = mount(
      [
        connected('tail'),
        connected('poller'),
        snapshot([
          stream(K, {
            length: 50,
            entriesAdded: 50,
            groups: [
              group('thumbnail-workers', {
                pending: 4,
                lag: 12,
                entriesRead: 38,
                oldestPendingId: `${T0 - 600_000}-0`,
                consumerList: [
                  { name: 'worker-1', pending: 2, idleMs: 610_000, inactiveMs: null },
                  { name: 'worker-2', pending: 2, idleMs: 1200, inactiveMs: null },
                ],
              }),
            ],
          }),
        ]),
      ],
      {
        url: 'redis://cache-primary.internal:6380',
        readOnly: true,
        readOnlyReason: 'read-only mode (--read-only)',
      },
    );
    m.store.actions.selectPane('pending');
    m.store.dispatch(pendingPage(K, 'thumbnail-workers', 4));
    m.store.actions.toggleMark();
    m.store.actions.toggleMark();
    await settle();
    expect(lines(m)).toEqual([
      ' READ-ONLY   ● connected  0 ev/s  held 0  snapshot 0.4s ago',
      ' 1   2   3 Pending   4   5    redis://cache-primary.internal:6380 alice:events:',
      // The least important part (the page number) is what is cut.
      'Pending · thumbnail.requested / thumbnail-workers · 2 marked · 4 pending · page…',
      '  ENTRY ID          CONSUMER        IDLE ▾ DELIVERED ENTRY AGE',
      ' *1763999400003-0   worker-2          4.0s        4×        9m',
      ' *1763999400002-0   worker-1 STUCK    3.0s        3×        9m',
      '› 1763999400001-0   worker-2          2.0s        2×        9m',
      '  1763999400000-0   worker-1 STUCK    1.0s        1×       10m',
      ...Array<string>(14).fill(''),
      'space mark  a ack  c claim  r replay  n next page  s pick group  q quit  ? help',
    ]);
  });
});
