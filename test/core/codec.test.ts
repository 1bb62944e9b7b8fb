import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  decodeFields,
  encodeEventJson,
  pythonIsoTimestamp,
  completeEvent,
} from '../../src/core/codec.js';
import { pythonJsonDumps } from '../../src/core/python-json.js';

const fixtures = readFileSync(
  new URL('../fixtures/seed-format-events.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { key: string; fields: Record<string, string> });

describe('codec (seed wire format)', () => {
  it('decodes every fixture entry written by the Python original', () => {
    expect(fixtures.length).toBe(28);
    for (const f of fixtures) {
      const r = decodeFields(f.fields);
      expect(r.ok, f.key).toBe(true);
      if (!r.ok) continue;
      expect(f.key.endsWith(r.event.eventType)).toBe(f.key.endsWith(':all') ? false : true);
      expect(r.event.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.event.timestamp).toMatch(/\+00:00$/);
      if (f.fields.type) expect(r.event.eventType).toBe(f.fields.type);
    }
  });

  it('re-encodes every fixture byte for byte (except the payload/metadata collision)', () => {
    for (const f of fixtures.filter((x) => !x.fields.event.includes('character.defined'))) {
      const r = decodeFields(f.fields);
      if (!r.ok) throw new Error(r.reason);
      expect(encodeEventJson(r.event)).toBe(f.fields.event);
    }
  });

  it('keeps a colliding payload key in place with the metadata value (character.defined)', () => {
    const f = fixtures.find((x) => x.key.endsWith('character.defined'))!;
    const r = decodeFields(f.fields);
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.version).toBe('1.0.0');
    expect(r.event.data).not.toHaveProperty('version');
    // Python keeps the payload key's position; after decoding the position is gone, so our
    // re-encoding moves `version` among the metadata. The original reads both the same way.
    expect(JSON.parse(encodeEventJson(r.event))).toEqual(JSON.parse(f.fields.event));
  });

  it('writes JSON like Python json.dumps (separators, ensure_ascii)', () => {
    expect(pythonJsonDumps({ a: 1, b: [1, 'x'], c: null, d: true })).toBe(
      '{"a": 1, "b": [1, "x"], "c": null, "d": true}',
    );
    expect(pythonJsonDumps('é☃😀\n\u0001')).toBe('"\\u00e9\\u2603\\ud83d\\ude00\\n\\u0001"');
    expect(JSON.parse(pythonJsonDumps({ s: 'é😀"\\' }))).toEqual({ s: 'é😀"\\' });
  });

  it('timestamps look like Python isoformat with +00:00 and microseconds', () => {
    const ts = pythonIsoTimestamp(new Date('2026-11-27T07:08:48.060Z'), 60876);
    expect(ts).toBe('2026-11-27T07:08:48.060876+00:00');
    expect(completeEvent({ eventType: 'x' }).timestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/,
    );
  });

  it('default timestamps come from a monotonic clock: real microseconds, never backwards, even if Date jumps back', () => {
    const real = Date.now();
    const first = completeEvent({ eventType: 'x' }).timestamp;
    expect(Math.abs(Date.parse(first.replace(/(\.\d{3})\d{3}/, '$1')) - real)).toBeLessThan(1000);
    vi.useFakeTimers({ toFake: ['Date'], now: real - 86_400_000 });
    try {
      const stamps = Array.from(
        { length: 2000 },
        () => completeEvent({ eventType: 'x' }).timestamp,
      );
      // Same-width ISO strings: lexical order is time order.
      expect([first, ...stamps]).toEqual([first, ...stamps].slice().sort());
      expect(new Set(stamps.map((t) => t.slice(20, 26))).size).toBeGreaterThan(1);
    } finally {
      vi.useRealTimers();
    }
    // An explicit date without micros is deterministic: its milliseconds × 1000.
    expect(pythonIsoTimestamp(new Date('2026-11-27T07:08:48.060Z'))).toBe(
      '2026-11-27T07:08:48.060000+00:00',
    );
  });

  it('fills missing metadata with the seed defaults', () => {
    const e = completeEvent({ eventType: 'asset.discovered', data: { n: 1 } });
    expect(e.source).toBe('');
    expect(e.version).toBe('1.0.0');
    expect(e.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('gives a reason for foreign or malformed entries instead of throwing', () => {
    expect(decodeFields({ foo: 'bar' })).toEqual({ ok: false, reason: 'no "event" field' });
    expect(decodeFields({ event: '{nope' })).toMatchObject({ ok: false });
    expect(decodeFields({ event: '[1,2]' })).toMatchObject({ ok: false });
    expect(decodeFields({ event: '{"a":1}' })).toEqual({
      ok: false,
      reason: 'event has no event_type',
    });
    // A `type` field beside foreign JSON does not make it a seed event: no invented metadata.
    expect(decodeFields({ event: '{"a":1}', type: 'x.y' })).toEqual({
      ok: false,
      reason: 'event has no event_type',
    });
    expect(decodeFields({ event: '{"event_type":"x.y"}' })).toEqual({
      ok: false,
      reason: 'event has no event_id or timestamp',
    });
    expect(
      decodeFields({
        event: '{"event_type":"x.y","event_id":"e1","timestamp":"2026-11-27T07:08:48+00:00"}',
      }),
    ).toMatchObject({
      ok: true,
      event: { eventType: 'x.y', eventId: 'e1', source: '', version: '1.0.0', data: {} },
    });
  });
});
