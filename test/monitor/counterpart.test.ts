/** Both IDs of an event (detail view): the other entry found by event_id, against a real server. */
import { afterAll, describe, expect, it } from 'vitest';
import { createQueries } from '../../src/monitor/queries.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

describe('findCounterpart', () => {
  it('finds the global copy of a type entry and the type entry of a global one; null when absent', async () => {
    const prefix = uniquePrefix('pair');
    const type = `${prefix}asset.discovered`;
    const all = `${prefix}all`;
    const ids: { type: string; global: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const json = JSON.stringify({ event_id: `pair-${i}`, event_type: 'asset.discovered', n: i });
      const res = (await r
        .multi()
        .xadd(type, '*', 'event', json)
        .xadd(all, '*', 'event', json, 'type', 'asset.discovered')
        .exec())!;
      ids.push({ type: res[0][1] as string, global: res[1][1] as string });
    }
    const s = sink();
    const q = createQueries({ client: r, emit: s.emit });
    await q.findCounterpart!(type, ids[1].type, 'pair-1', all);
    await q.findCounterpart!(all, ids[2].global, 'pair-2', type);
    await q.findCounterpart!(type, ids[0].type, 'no-such-event', all);
    expect(s.msgs.map((m) => (m.type === 'CounterpartFound' ? m.toId : m.type))).toEqual([
      ids[1].global,
      ids[2].type,
      null,
    ]);
    await r.del(type, all);
  });
});
