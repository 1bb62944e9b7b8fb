import { afterAll, describe, expect, it } from 'vitest';
import { createQueries } from '../../src/monitor/queries.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

describe('createQueries', () => {
  it('loads PEL pages, reports a missing group, and loads entries', async () => {
    const key = `${uniquePrefix('q')}t`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await r.xadd(
          key,
          '*',
          'event',
          JSON.stringify({
            i,
            event_type: 't',
            event_id: `e${i}`,
            timestamp: '2026-11-27T07:08:48.060876+00:00',
          }),
        )) as string,
      );
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 5, 'STREAMS', key, '>');
    const s = sink();
    const q = createQueries({ client: r, emit: s.emit });

    await q.loadPendingPage(key, 'g', { afterId: null, count: 2, consumer: null });
    await q.loadPendingPage(key, 'g', { afterId: ids[3], count: 2, consumer: 'c' });
    await q.loadPendingPage(key, 'nope', { afterId: null, count: 2, consumer: null });
    const pages = s.of('PendingPageReceived');
    expect(pages[0]).toMatchObject({
      stream: key,
      group: 'g',
      consumer: null,
      startId: '-',
      hasMore: true,
    });
    expect(pages[0].entries.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(pages[1]).toMatchObject({ consumer: 'c', startId: ids[3], hasMore: false });
    expect(pages[1].entries.map((e) => e.id)).toEqual([ids[4]]);
    expect(s.of('PendingPageFailed')).toEqual([
      expect.objectContaining({
        group: 'nope',
        error: expect.objectContaining({ code: 'NOGROUP' }),
      }),
    ]);

    await q.loadEntry(key, ids[2]);
    await q.loadEntry(key, '1-1');
    const [found, missing] = s.of('EntryLoaded');
    expect(found).toMatchObject({
      id: ids[2],
      event: { eventType: 't', eventId: 'e2', data: { i: 2 } },
    });
    expect(missing).toMatchObject({ id: '1-1', fields: null, event: null });
  });
});
