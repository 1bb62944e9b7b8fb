import { describe, expect, it } from 'vitest';
import {
  diagnose,
  diagnosisLine,
  findingRank,
  lagUnknownReason,
  stuckConsumers,
} from '../../src/core/diagnosis.js';
import { DEFAULT_THRESHOLDS } from '../../src/core/thresholds.js';
import { group, stream } from '../store/build.js';

const t = DEFAULT_THRESHOLDS;
const noRates = { ingest: null, consume: null, overSec: 0 };
const KEY = 'alice:events:asset.processed';
const consumer = (name: string, pending: number, idleMs: number) => ({
  name,
  pending,
  idleMs,
  inactiveMs: null,
});

describe('why is it stuck?', () => {
  it('healthy: no findings, the line says ok', () => {
    const s = stream(KEY, { length: 10 });
    const g = group('w', { consumerList: [consumer('c1', 0, 100)] });
    const f = diagnose({ stream: s, group: g, rates: noRates, thresholds: t });
    expect(f).toEqual([]);
    expect(diagnosisLine(f)).toBe('ok');
    expect(findingRank(f)).toBe(6);
  });

  it('no consumers while entries wait, with the fix', () => {
    const s = stream(KEY, { length: 30 });
    const f = diagnose({
      stream: s,
      group: group('w', { lag: 30 }),
      rates: noRates,
      thresholds: t,
    });
    expect(diagnosisLine(f)).toBe(
      'no consumers: nothing reads this group (30 waiting) → start a consumer for w; :setid $ skips the backlog',
    );
  });

  it('dead consumer: idle past stuck-after while holding entries (an idle consumer holding nothing is fine)', () => {
    const g = group('w', {
      pending: 5,
      consumerList: [consumer('busy', 0, 10 * 60_000), consumer('dead', 5, 4 * 60_000)],
    });
    expect(stuckConsumers(g, t).map((c) => c.name)).toEqual(['dead']);
    const [f] = diagnose({ stream: stream(KEY), group: g, rates: noRates, thresholds: t });
    expect(f.kind).toBe('dead-consumer');
    expect(f.text).toBe('dead consumer dead: idle 4m, holds 5');
    expect(f.fix).toContain(':claim');
    // With --stuck-after 5m it is not stuck yet.
    expect(stuckConsumers(g, { ...t, stuckAfterMs: 5 * 60_000 })).toEqual([]);
  });

  it('poison entry at maxDeliveries − 1 deliveries', () => {
    const g = group('w', {
      pending: 1,
      oldestPendingId: '5-0',
      oldestPendingDeliveries: 4,
      consumerList: [consumer('c', 1, 100)],
    });
    const [f] = diagnose({ stream: stream(KEY), group: g, rates: noRates, thresholds: t });
    expect(f).toMatchObject({
      kind: 'poison-entry',
      fix: ':deadletter (pane 3: enter inspects it)',
    });
    expect(f.text).toBe('poison entry 5-0: delivered 4 times (limit 5)');
    const fine = { ...g, oldestPendingDeliveries: 3 };
    expect(diagnose({ stream: stream(KEY), group: fine, rates: noRates, thresholds: t })).toEqual(
      [],
    );
  });

  it('slow: consume below ingest while lag grows', () => {
    const g = group('w', { lag: 500, consumerList: [consumer('c', 1, 10)], pending: 1 });
    const [f] = diagnose({
      stream: stream(KEY, { length: 1000 }),
      group: g,
      rates: { ingest: 35, consume: 20, overSec: 30 },
      thresholds: t,
    });
    expect(f.text).toBe('slow: consumes 20/s, ingest 35/s');
    expect(f.fix).toMatch(/add consumers/);
  });

  it('not slow: consume a little under ingest while the lag stays within a second of reads', () => {
    const g = group('w', { lag: 25, consumerList: [consumer('c', 1, 10)], pending: 1 });
    const f = diagnose({
      stream: stream(KEY, { length: 1000 }),
      group: g,
      rates: { ingest: 31, consume: 29, overSec: 10 },
      thresholds: t,
    });
    expect(f).toEqual([]);
  });

  it('trimmed before delivery: lag NULL, the group behind the first entry, entries deleted', () => {
    const s = stream(KEY, {
      length: 100,
      entriesAdded: 1000,
      firstEntryId: '900-0',
      maxDeletedEntryId: '899-0',
      lastGeneratedId: '999-0',
    });
    const g = group('w', {
      lag: null,
      entriesRead: 500,
      lastDeliveredId: '500-0',
      consumerList: [consumer('c', 0, 10)],
    });
    expect(lagUnknownReason(s, g)).toBe('entries were trimmed before this group read them');
    const f = diagnose({ stream: s, group: g, rates: noRates, thresholds: t });
    expect(f.map((x) => x.kind)).toEqual(['trimmed-before-delivery']);
    expect(f[0].text).toBe(
      'trimmed before delivery: 400 entries deleted unread (MAXLEN ~ on producers)',
    );
  });

  it('lag unknown because of XDEL after the position, or an arbitrary SETID, with the count', () => {
    const s = stream(KEY, { length: 10, firstEntryId: '1-0', maxDeletedEntryId: '7-0' });
    const g = group('w', {
      lag: null,
      lastDeliveredId: '5-0',
      consumerList: [consumer('c', 0, 1)],
    });
    const [f] = diagnose({ stream: s, group: g, rates: noRates, thresholds: t, lagEstimate: 4 });
    expect(f.text).toBe(
      'lag unknown because entries were deleted (XDEL) after the group position (~4 counted)',
    );
    expect(lagUnknownReason(stream(KEY), group('w', { lag: null, entriesRead: null }))).toMatch(
      /SETID/,
    );
  });

  it('lists findings worst first', () => {
    const g = group('w', {
      lag: 40,
      pending: 3,
      oldestPendingId: '1-0',
      oldestPendingDeliveries: 9,
      consumerList: [consumer('dead', 3, 60_000)],
    });
    const f = diagnose({
      stream: stream(KEY, { length: 50 }),
      group: g,
      rates: { ingest: 10, consume: 0, overSec: 5 },
      thresholds: t,
    });
    expect(f.map((x) => x.kind)).toEqual(['dead-consumer', 'poison-entry']);
    expect(diagnosisLine(f)).toMatch(/\(\+1 more\)$/);
  });
});
