/** Panes 2–4 as drawn: the sort arrow in the header after S, pane 3's TYPE / PAYLOAD and STUCK. */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingPage, T0, triageSnapshot } from '../store/build.js';
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
});
