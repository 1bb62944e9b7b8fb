import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { completeEvent, decodeFields, encodeEventJson } from '../../src/core/codec.js';
import { createRng } from '../../src/demo/prng.js';
import { isPoison } from '../../src/demo/payloads.js';
import { createTrafficModel, DEMO_EVENT_TYPES } from '../../src/demo/traffic-model.js';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

/** n events from a fresh model, one every 5 ms of a fixed clock, as wire JSON. */
function wire(seed: number, n: number): string[] {
  const model = createTrafficModel(seed);
  return Array.from({ length: n }, (_, i) =>
    encodeEventJson(completeEvent(model.next(T0 + i * 5))),
  );
}

/** Key order of each fixture event, by type (the origin's dataclass field order). */
function fixtureKeyOrders(): Map<string, string[]> {
  const lines = readFileSync(
    new URL('../fixtures/seed-format-events.jsonl', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n');
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const { fields } = JSON.parse(line) as { fields: Record<string, string> };
    const ev = JSON.parse(fields.event) as Record<string, unknown>;
    out.set(ev.event_type as string, Object.keys(ev));
  }
  return out;
}

describe('seeded PRNG', () => {
  it('repeats under a seed and differs across seeds', () => {
    const a = createRng(42),
      b = createRng(42),
      c = createRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('makes version-4 UUIDs and sha256-length hex', () => {
    const r = createRng(7);
    expect(r.uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(r.hex(64)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('traffic model', () => {
  it('is byte-for-byte reproducible under a seed', () => {
    expect(wire(1234, 500)).toEqual(wire(1234, 500));
    expect(wire(1234, 50)).not.toEqual(wire(4321, 50));
  });

  it("writes every one of the 14 seed types, each in the fixtures' field order", () => {
    const orders = fixtureKeyOrders();
    expect(orders.size).toBe(14);
    const seen = new Set<string>();
    for (const json of wire(99, 5000)) {
      const obj = JSON.parse(json) as Record<string, unknown>;
      const type = obj.event_type as string;
      seen.add(type);
      expect(Object.keys(obj), type).toEqual(orders.get(type));
    }
    expect([...seen].sort()).toEqual([...DEMO_EVENT_TYPES].sort());
  });

  it('produces the seed wire format: python separators, +00:00 timestamps, decodable', () => {
    for (const json of wire(5, 300)) {
      expect(json).toMatch(/^\{"[a-z_]+": /);
      expect(json).not.toMatch(/","|":"/);
      const decoded = decodeFields({ event: json });
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(decoded.event.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(decoded.event.version).toBe('1.0.0');
      expect(decoded.event.source).not.toBe('');
    }
  });

  it("keeps one asset's hash and path through the pipeline", () => {
    const model = createTrafficModel(77);
    const byHash = new Map<string, string[]>();
    for (let i = 0; i < 3000; i++) {
      const ev = model.next(T0 + i);
      const hash = ev.data?.content_hash as string | undefined;
      if (
        hash &&
        (ev.eventType.startsWith('asset.') ||
          ev.eventType === 'quality.assessed' ||
          ev.eventType === 'metadata.updated')
      ) {
        byHash.set(hash, [...(byHash.get(hash) ?? []), ev.eventType]);
      }
    }
    const complete = [...byHash.values()].filter((types) => types.includes('asset.organized'));
    expect(complete.length).toBeGreaterThan(50);
    for (const types of complete) {
      expect(types).toEqual([
        'asset.discovered',
        'asset.processed',
        'quality.assessed',
        'metadata.updated',
        'asset.organized',
      ]);
    }
  });

  it('makes poison messages that the demo workers recognise, without shifting the sequence', () => {
    const a = createTrafficModel(3),
      b = createTrafficModel(3);
    const p = a.poison(T0);
    expect(p.eventType).toBe('asset.processed');
    expect(isPoison(p.data!)).toBe(true);
    expect(encodeEventJson(completeEvent(a.next(T0)))).toEqual(
      encodeEventJson(completeEvent(b.next(T0))),
    );
    for (let i = 0; i < 2000; i++) expect(isPoison(a.next(T0 + i).data!)).toBe(false);
  });
});
