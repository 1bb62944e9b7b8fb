/**
 * Byte fidelity with Python producers: the seven kinds of value JavaScript would change, and a
 * payload key `__proto__` (test/fixtures/python-fidelity.jsonl, written by hand in json.dumps'
 * exact format and checked against Python 3.11: json.dumps(json.loads(line)) == line).
 */
import { describe, expect, it } from 'vitest';
import {
  completeEvent,
  decodeFields,
  encodeEventJson,
  fieldsFromArray,
  originalEventJson,
  pythonIsoTimestamp,
} from '../../src/core/codec.js';
import type { SeedEvent } from '../../src/core/types.js';
import { pythonJsonDumps, pythonNumber } from '../../src/core/python-json.js';
import { parsePythonJson } from '../../src/core/python-json-parse.js';
import { fidelityFixtures, type FidelityFixture } from '../helpers/fidelity-fixtures.js';

function fixture(name: string): FidelityFixture {
  const f = fidelityFixtures.find((x) => x.case === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

function decoded(name: string): SeedEvent {
  const r = decodeFields(fixture(name).fields);
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  return r.event;
}

describe('fidelity with Python producers: the seven cases', () => {
  it('has one fixture per case', () => {
    expect(fidelityFixtures.map((f) => f.case)).toEqual([
      'integral-floats',
      'big-integers',
      'nan-infinity',
      'integer-like-keys',
      'payload-datetimes',
      'zero-microseconds',
      'payload-version',
      'proto-key',
    ]);
  });

  it('every fixture decodes, and re-encodes unchanged to the same bytes', () => {
    for (const f of fidelityFixtures) {
      const r = decodeFields(f.fields);
      expect(r.ok, f.case).toBe(true);
      if (!r.ok) continue;
      expect(encodeEventJson(r.event), f.case).toBe(f.fields.event);
      // completeEvent (what persistEvent and publish do first) keeps the link to the original.
      expect(encodeEventJson(completeEvent(r.event)), f.case).toBe(f.fields.event);
      expect(originalEventJson(r.event)).toBe(f.fields.event);
    }
  });

  it('1. integral floats and exponents: 1.0 and 1e-07 survive a round trip', () => {
    const e = decoded('integral-floats');
    expect(e.data.overall_score).toBe(1);
    expect(e.data.noise_floor).toBe(1e-7);
    expect(encodeEventJson(e)).toContain('"overall_score": 1.0, "noise_floor": 1e-07');
    // Fresh values in Python's float repr (exponent below 1e-4, two exponent digits).
    expect(pythonNumber(1e-7)).toBe('1e-07');
    expect(pythonNumber(1.5e-5)).toBe('1.5e-05');
    expect(pythonNumber(0.0001)).toBe('0.0001');
    expect(pythonNumber(9.9e-5)).toBe('9.9e-05');
    expect(pythonNumber(1.5e-100)).toBe('1.5e-100');
    expect(pythonNumber(0.5)).toBe('0.5');
  });

  it('2. integers beyond 2^53 are read as bigint, losslessly', () => {
    const e = decoded('big-integers');
    expect(e.data.file_size).toBe(9007199254740993n);
    expect(e.data.inode).toBe(18446744073709551615n);
    expect(e.data.offset).toBe(-9223372036854775808n);
    expect(e.data.small).toBe(42);
    expect(encodeEventJson(e)).toContain('"file_size": 9007199254740993,');
    expect(pythonJsonDumps({ n: 9007199254740993n })).toBe('{"n": 9007199254740993}');
  });

  it('3. NaN, Infinity and -Infinity decode (an event Python reads is never dead-lettered)', () => {
    const e = decoded('nan-infinity');
    expect(e.data.overall_score).toBeNaN();
    expect(e.data.upper_bound).toBe(Infinity);
    expect(e.data.lower_bound).toBe(-Infinity);
    expect(e.data.scores).toEqual([1, NaN, 0.75]);
    expect(parsePythonJson('[NaN, -Infinity, 1e400]')).toEqual([NaN, -Infinity, Infinity]);
  });

  it('4. integer-like keys keep their order on the wire', () => {
    const e = decoded('integer-like-keys');
    // JavaScript objects put integer-like keys first; the wire order is kept on re-encoding.
    expect(Object.keys(e.data.metadata as object)).toEqual(['2', '10', 'b', 'a']);
    expect(encodeEventJson(e)).toContain(
      '"metadata": {"b": 1, "10": 2, "2": "two", "a": {"z": 0, "0": null}}, "b": 1, "10": 2,',
    );
  });

  it("5. a Date in the payload is written as Python's str(datetime)", () => {
    const f = fixture('payload-datetimes');
    const original = decoded('payload-datetimes');
    const fresh = completeEvent({
      eventType: 'asset.processed',
      eventId: original.eventId,
      timestamp: original.timestamp,
      source: 'processor',
      data: {
        file_path: '/inbox/flux/café_😀.webp',
        captured_at: new Date('2026-01-02T03:04:05.000Z'),
        edited_at: new Date('2026-01-02T03:04:05.678Z'),
      },
    });
    expect(encodeEventJson(fresh)).toBe(f.fields.event);
  });

  it('6. timestamps match isoformat(): no fraction at zero microseconds, also for a Date', () => {
    const f = fixture('zero-microseconds');
    expect(pythonIsoTimestamp(new Date('2026-11-26T10:00:00.000Z'))).toBe(
      '2026-11-26T10:00:00+00:00',
    );
    expect(pythonIsoTimestamp(new Date('2026-11-26T10:00:00.000Z'), 1)).toBe(
      '2026-11-26T10:00:00.000001+00:00',
    );
    const fresh = completeEvent({
      eventType: 'workflow.started',
      eventId: '50c1afa7-d353-4fa6-8f83-ac7fbe6fc156',
      timestamp: new Date('2026-11-26T10:00:00.000Z'),
      source: 'orchestrator',
      data: {
        workflow_id: 'wf_0001',
        workflow_type: 'image_enhancement',
        input_data: { asset_ids: ['a1', 'a2'] },
      },
    });
    expect(fresh.timestamp).toBe('2026-11-26T10:00:00+00:00');
    expect(encodeEventJson(fresh)).toBe(f.fields.event);
    expect(
      completeEvent({ eventType: 'x', timestamp: new Date('2026-11-26T10:00:00.250Z') }).timestamp,
    ).toBe('2026-11-26T10:00:00.250000+00:00');
    expect(() => completeEvent({ eventType: 'x', timestamp: new Date(NaN) })).toThrow(
      /invalid Date/,
    );
  });

  it('7. a payload field named version: the decoded event reports what the wire holds', () => {
    const e = decoded('payload-version');
    expect(e.version).toBe(3);
    expect(e.data).not.toHaveProperty('version');
    // Written back in the payload position it came from, as a number.
    expect(encodeEventJson(e)).toContain('"style_guidelines": {}, "version": 3, "previous');
  });

  it('a payload key named __proto__ is an own key (not the prototype), written back where it was', () => {
    const f = fixture('proto-key');
    const e = decoded('proto-key');
    expect(Object.keys(e.data)).toEqual(['__proto__', 'constructor', 'file_path', 'toString']);
    expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(e.data, '__proto__')?.value).toEqual({
      polluted: true,
      0: 1,
    });
    expect((e.data as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(encodeEventJson(e)).toBe(f.fields.event);
    // Changed in place: the key stays where it was.
    const changed = decoded('proto-key');
    changed.data.file_path = '/inbox/other.png';
    expect(encodeEventJson(changed)).toBe(f.fields.event.replace('proto.png', 'other.png'));
    // A copy is encoded fresh and still carries the key (first, as in the payload).
    const copy: SeedEvent = { ...e, data: { ...e.data } };
    expect(encodeEventJson(copy)).toMatch(
      /^\{"__proto__": \{"0": 1, "polluted": true\}, "constructor"/,
    );
    // The exact parser (taken for NaN) and a nested key, and a primitive value.
    const nan = decodeFields({
      event:
        '{"a": {"__proto__": NaN}, "__proto__": 7, "event_id": "e", "timestamp": "t", "event_type": "x"}',
    });
    if (!nan.ok) throw new Error(nan.reason);
    expect(Object.keys(nan.event.data)).toEqual(['a', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(nan.event.data, '__proto__')?.value).toBe(7);
    expect(Object.keys(nan.event.data.a as object)).toEqual(['__proto__']);
    expect(encodeEventJson(nan.event)).toBe(originalEventJson(nan.event));
    // An entry field named __proto__ (other producers) is kept too.
    expect(Object.keys(fieldsFromArray(['__proto__', 'x', 'event', '{}']))).toEqual([
      '__proto__',
      'event',
    ]);
  });

  it('metadata of another kind (source null, version true) is defaulted, and written back as it was', () => {
    for (const raw of [
      '{"n": 1, "event_id": "e1", "timestamp": "t", "source": null, "version": true, "event_type": "x"}',
      '{"event_id": "e1", "timestamp": "t", "source": 5, "version": [1, 0], "event_type": "x"}',
      '{"event_id": "e1", "timestamp": "t", "version": 99999999999999999999, "event_type": "x"}',
    ]) {
      const r = decodeFields({ event: raw });
      if (!r.ok) throw new Error(r.reason);
      expect(r.event.source).toBe('');
      expect(r.event.version).toBe('1.0.0');
      expect(encodeEventJson(r.event), raw).toBe(raw);
      // Set explicitly, the new value is written.
      r.event.version = '2.0.0';
      expect(encodeEventJson(r.event)).toContain('"version": "2.0.0"');
    }
  });

  it('a changed event keeps the original text of every unchanged value; changed ones are fresh', () => {
    const e = decoded('integral-floats');
    // Changed in place: the event object keeps its link to the text it was read from.
    const changed = decoded('integral-floats');
    Object.assign(changed.data, { sharpness: 0.25, exposure_bias: -3, added: 1 });
    expect(encodeEventJson(changed)).toBe(
      '{"content_hash": "5d1f0c6e8a9b4e2f3a7c1d0e9f8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f00", ' +
        '"overall_score": 1.0, "noise_floor": 1e-07, "sharpness": 0.25, "tiny": 1.5e-05, ' +
        '"exposure_bias": -3, "huge": 1e+16, "added": 1, "event_id": "0b7c5a52-8f0e-4a51-9a3e-5d2c6f1b7e01", ' +
        '"timestamp": "2026-11-26T10:00:00.250000+00:00", "source": "quality-pipeline", "version": "1.0.0", ' +
        '"event_type": "quality.assessed"}',
    );
    // A spread copy has no link: fresh encoding (what JavaScript values alone can say).
    const copy: SeedEvent = { ...e, data: { ...e.data } };
    expect(encodeEventJson(copy)).toContain('"overall_score": 1, "noise_floor": 1e-07');
    expect(encodeEventJson(copy)).toContain('"huge": 10000000000000000');
  });

  it('an unchanged event from a non-Python producer keeps its bytes too (compact JSON)', () => {
    const raw =
      '{"n":1.0,"event_id":"e1","timestamp":"2026-11-26T10:00:00+00:00","event_type":"x.y"}';
    const r = decodeFields({ event: raw });
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.source).toBe('');
    expect(encodeEventJson(r.event)).toBe(raw);
  });

  it("decodes every event text Python's json.loads reads (the boundary: never dead-lettered here)", () => {
    // Each accepted by Python 3.11's json.loads (checked by hand): odd numbers, whitespace, lone
    // surrogates, a repeated key (last value wins), deep nesting with NaN (the exact parser),
    // integers beyond 2^64, an escaped control character in a key.
    const meta = '"event_id": "e", "timestamp": "t", "event_type": "x"';
    const texts = [
      `{"a": -0, "b": -0.0, "c": 1E5, "d": 1e400, "e": -1e400, "f": 0.1e-400, ${meta}}`,
      ` \t\r\n{ "a" :[ ] ,"b":{ }, ${meta} } \n`,
      `{"a": "\\ud800", "b": "\\u00e9\\n\\t\\/", "a": 2, ${meta}}`,
      `{"n": ${'['.repeat(400)}NaN, 1${']'.repeat(400)}, ${meta}}`,
      `{"big": -18446744073709551616, "e": 12345678901234567890e0, ${meta}}`,
      `{"\\u0000k": Infinity, ${meta}}`,
    ];
    for (const text of texts) {
      const r = decodeFields({ event: text });
      expect(r.ok, text.slice(0, 60)).toBe(true);
      if (r.ok) expect(encodeEventJson(r.event)).toBe(text);
    }
    const [odd, , repeated, , big] = texts.map((t) => decodeFields({ event: t }));
    if (!odd.ok || !repeated.ok || !big.ok) throw new Error('decoded above');
    expect(odd.event.data).toMatchObject({ c: 100000, d: Infinity, e: -Infinity, f: 0 });
    expect(repeated.event.data.a).toBe(2);
    expect(big.event.data.big).toBe(-18446744073709551616n);
  });

  it('rejects what Python rejects, with a reason', () => {
    // Each refused by Python 3.11's json.loads too.
    for (const bad of [
      '{"a": nan}',
      '{"a": 01}',
      '{"a": "x\u0001"}',
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": +1}',
      '{"a": .5}',
      '{"a": 1.}',
      "{'a': 1}",
      '{"a": -NaN}',
      '{"a": infinity}',
      '{"a": 0x10}',
    ]) {
      expect(decodeFields({ event: bad }).ok, bad).toBe(false);
    }
  });
});
