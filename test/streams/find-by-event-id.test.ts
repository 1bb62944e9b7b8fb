/** The detail view's "other stream" lookup: an event's entry by event_id near a time. */
import { afterAll, describe, expect, it } from 'vitest';
import { findByEventId } from '../../src/streams/inspector.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());

const ev = (id: string) =>
  JSON.stringify({ event_type: 'asset.discovered', event_id: id, timestamp: 't' });

describe('findByEventId', () => {
  it('finds the entry past the first 1,000 of a burst inside the window; null outside it', async () => {
    const key = `${uniquePrefix('fbe')}all`;
    const ms = 1_700_000_000_000;
    // 2,500 entries within one millisecond: a burst like the demo's seeded history.
    const pipe = r.pipeline();
    for (let i = 0; i < 2500; i++) pipe.xadd(key, `${ms}-${i}`, 'event', ev(`e-${i}`));
    pipe.xadd(key, `${ms + 10_000}-0`, 'event', ev('late'));
    await pipe.exec();
    expect(await findByEventId(r, key, ms, 'e-2400')).toBe(`${ms}-2400`);
    expect(await findByEventId(r, key, ms + 1500, 'e-3')).toBe(`${ms}-3`);
    // 10 s away: outside the ±2 s window.
    expect(await findByEventId(r, key, ms, 'late')).toBeNull();
    expect(await findByEventId(r, key, ms, 'no-such-event')).toBeNull();
    // The budget bounds the work: with 1,000 entries the one at 2,400 is not reached.
    expect(await findByEventId(r, key, ms, 'e-2400', 2000, 1000)).toBeNull();
    await r.del(key);
  });
});
