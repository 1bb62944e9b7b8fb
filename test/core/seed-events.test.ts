/**
 * SeedEvents against ../shared/fixtures/seed-format-events.jsonl: the payloads the type test
 * (test/types/seed-events.types.ts) compiles against SeedEvents are exactly the fixture's, field
 * order included, and cover every event type of the fixture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFields } from '../../src/core/codec.js';
import { fixturePayloads } from '../types/seed-events.types.js';

const fixture = readFileSync(
  new URL('../fixtures/seed-format-events.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { key: string; fields: Record<string, string> })
  .filter((r) => !r.key.endsWith(':all'));

describe('SeedEvents', () => {
  it('the type-checked payloads are the fixture payloads, in the fixture field order, for all 14 types', () => {
    const decoded = fixture.map((r) => {
      const d = decodeFields(r.fields);
      if (!d.ok) throw new Error(d.reason);
      return d.event;
    });
    expect(decoded).toHaveLength(14);
    expect(Object.keys(fixturePayloads)).toEqual(decoded.map((e) => e.eventType));
    for (const e of decoded) {
      const typed = fixturePayloads[e.eventType as keyof typeof fixturePayloads];
      expect(typed).toEqual(e.data);
      expect(Object.keys(typed)).toEqual(Object.keys(e.data));
    }
  });
});
