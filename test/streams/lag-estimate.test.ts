import { afterAll, describe, expect, it } from 'vitest';
import { createKeySpace } from '../../src/core/keys.js';
import { groupKey } from '../../src/core/lag-history.js';
import { snapshotStreams } from '../../src/streams/inspector.js';
import { estimateUnknownLags } from '../../src/streams/lag-estimate.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());

describe('lag estimate when Redis says NULL', () => {
  it('counts the entries after the group position, server side, up to the limit', async () => {
    const prefix = uniquePrefix('est');
    const key = `${prefix}asset.processed`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await r.xadd(key, '*', 'f', String(i))) as string);
    await r.xgroup('CREATE', key, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', key, '>');
    await r.xgroup('CREATE', key, 'ok', '$');
    await r.xdel(key, ids[5]); // after g's position: Redis can no longer tell g's lag
    const { streams } = await snapshotStreams(r, createKeySpace(prefix), [key]);
    expect(streams[0].groups.find((g) => g.name === 'g')!.lag).toBeNull();
    const res = await estimateUnknownLags(r, streams);
    expect(res.estimates).toEqual({ [groupKey(key, 'g')]: 9 }); // 12 − 2 read − 1 deleted
    const capped = await estimateUnknownLags(r, streams, 5);
    expect(capped.estimates).toEqual({});
    expect(capped.uncounted[groupKey(key, 'g')]).toBe('more than 5 to count');
  });

  it('nothing to do (no round trip) when every lag is known', async () => {
    const res = await estimateUnknownLags(r, []);
    expect(res).toEqual({ estimates: {}, uncounted: {} });
  });
});

describe('the oldest pending entry’s delivery count (poison check)', () => {
  for (const script of [true, false])
    it(`is in the snapshot (${script ? 'script' : 'plain commands'})`, async () => {
      const prefix = uniquePrefix('tries');
      const key = `${prefix}asset.processed`;
      const id = (await r.xadd(key, '*', 'f', '1')) as string;
      await r.xadd(key, '*', 'f', '2');
      await r.xgroup('CREATE', key, 'g', '0');
      await r.xgroup('CREATE', key, 'idle', '0');
      await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', key, '>');
      await r.xclaim(key, 'g', 'c', 0, id, 'RETRYCOUNT', 4);
      const { streams } = await snapshotStreams(r, createKeySpace(prefix), [key], { script });
      const byName = Object.fromEntries(streams[0].groups.map((g) => [g.name, g]));
      expect(byName.g.oldestPendingDeliveries).toBe(4);
      expect(byName.idle.oldestPendingDeliveries).toBeNull();
    });
});
