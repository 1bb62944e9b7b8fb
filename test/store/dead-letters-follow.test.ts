/**
 * Pane 5 is loaded on demand; while it is shown, a dead-letter stream that changed in the
 * snapshot (a worker dead-lettered an entry, another terminal redrove some) reloads it, marks kept.
 */
import { describe, expect, it } from 'vitest';
import type { DeadLetterRow, MonitorMessage } from '../../src/core/messages.js';
import { collectEffects } from '../../src/store/effects.js';
import { reduce, reduceAll } from '../../src/store/reducers.js';
import type { MonitorState } from '../../src/store/state.js';
import { snapshot, state, stream, T0 } from './build.js';

const DLQ = 'alice:events:dlq:asset.discovered';
const dlq = (length: number, tip: string) =>
  stream(DLQ, { kind: 'dead-letter', eventType: 'asset.discovered', length, lastGeneratedId: tip });
const row = (id: string): DeadLetterRow => ({
  dlqKey: DLQ,
  id,
  originalStream: 'alice:events:asset.discovered',
  originalId: `${T0 - 9000}-0`,
  group: 'alice-main',
  consumer: 'worker-1',
  deliveries: 3,
  reason: 'poison',
  summary: 'event={}',
  tombstone: false,
});
const loaded = (ids: string[]): MonitorMessage => ({
  type: 'DeadLettersLoaded',
  rows: ids.map(row),
  truncated: [],
  at: T0,
});
const loads = (s: MonitorState, msg: MonitorMessage) => {
  const [next, effects] = collectEffects(() => reduce(s, msg));
  return { next, reloads: effects.filter((e) => e.type === 'loadDeadLetters').length };
};

describe('pane 5 follows its dead-letter streams', () => {
  it('reloads when a dlq stream grows or shrinks while shown, not otherwise', () => {
    let s = state({}, snapshot([dlq(1, `${T0}-0`)]), { type: 'selectPane', pane: 'deadletters' });
    s = reduceAll(s, [loaded([`${T0}-0`]), { type: 'toggleMark' }]);
    const marks = s.deadLetters.marks;
    expect(marks).toHaveLength(1);
    // Same streams, same lengths: no reload.
    expect(loads(s, snapshot([dlq(1, `${T0}-0`)], T0 + 1000, T0 + 1000)).reloads).toBe(0);
    // A new dead letter arrived: one reload, the marks stay.
    const grew = loads(s, snapshot([dlq(2, `${T0 + 1500}-0`)], T0 + 2000, T0 + 2000));
    expect(grew.reloads).toBe(1);
    expect(grew.next.deadLetters.loading).toBe(true);
    expect(grew.next.deadLetters.marks).toEqual(marks);
    // While that load runs, another change does not stack a second one.
    expect(
      loads(grew.next, snapshot([dlq(3, `${T0 + 2500}-0`)], T0 + 3000, T0 + 3000)).reloads,
    ).toBe(0);
    // On another pane the list is not read.
    const away = reduce(s, { type: 'selectPane', pane: 'pending' });
    expect(loads(away, snapshot([dlq(5, `${T0 + 4000}-0`)], T0 + 5000, T0 + 5000)).reloads).toBe(0);
  });
});
