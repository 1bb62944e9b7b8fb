/**
 * The seed wire format, both directions (REFERENCE §1):
 *  - type stream entry:   { event: <json> }
 *  - global stream entry: { event: <json>, type: <event_type> }
 * where <json> is flat: payload fields, then event_id, timestamp, source, version, event_type.
 */
import { randomUUID } from 'node:crypto';
import type { EventInput, RawFields, SeedEvent } from './types.js';
import { pythonJsonDumps } from './python-json.js';

export const DEFAULT_SOURCE = '';
export const DEFAULT_VERSION = '1.0.0';
const METADATA_KEYS = ['event_id', 'timestamp', 'source', 'version', 'event_type'] as const;

let lastMicros = 0;

/**
 * Microseconds since the epoch from a monotonic source (`performance.timeOrigin + performance.now()`):
 * never goes backwards within a process, even when the system clock is stepped back (it may then
 * drift from the wall clock by the size of the step until the process restarts).
 */
export function monotonicEpochMicros(): number {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastMicros = Math.max(lastMicros, us);
  return lastMicros;
}

/**
 * `datetime.now(timezone.utc).isoformat()`: microseconds and `+00:00`, never `Z`
 * (Python < 3.11 `fromisoformat` rejects `Z`). Without arguments: now, from
 * monotonicEpochMicros (real microseconds, non-decreasing). With a date: that date, `micros`
 * (0…999999, the fraction of its second) defaulting to its milliseconds × 1000.
 */
export function pythonIsoTimestamp(date?: Date, micros?: number): string {
  let d = date;
  let us = micros;
  if (d === undefined) {
    const now = monotonicEpochMicros();
    d = new Date(Math.floor(now / 1000));
    us ??= now % 1_000_000;
  }
  const iso = d.toISOString(); // 2026-11-27T07:08:48.060Z
  const frac = us ?? d.getUTCMilliseconds() * 1000;
  return `${iso.slice(0, 19)}.${String(frac).padStart(6, '0')}+00:00`;
}

/** Fill in missing metadata; the timestamp is `now` when given, else the monotonic clock. */
export function completeEvent(input: EventInput, now?: Date): SeedEvent {
  return {
    eventType: input.eventType,
    eventId: input.eventId ?? randomUUID(),
    timestamp: input.timestamp ?? pythonIsoTimestamp(now),
    source: input.source ?? DEFAULT_SOURCE,
    version: input.version ?? DEFAULT_VERSION,
    data: input.data ?? {},
  };
}

/**
 * The JSON the origin writes: payload first (in insertion order), then metadata. A payload key
 * that collides with a metadata key keeps its position but takes the metadata value, exactly
 * as Python's dict update does.
 */
export function encodeEventJson(event: SeedEvent): string {
  const flat: Record<string, unknown> = { ...event.data };
  flat.event_id = event.eventId;
  flat.timestamp = event.timestamp;
  flat.source = event.source;
  flat.version = event.version;
  flat.event_type = event.eventType;
  return pythonJsonDumps(flat);
}

/** Field/value pairs for XADD, in wire order. */
export function typeStreamFields(eventJson: string): string[] {
  return ['event', eventJson];
}

export function globalStreamFields(eventJson: string, eventType: string): string[] {
  return ['event', eventJson, 'type', eventType];
}

/** Redis returns fields as a flat [f, v, f, v…] array; turn it into a map (last value wins). */
export function fieldsFromArray(flat: readonly string[] | null | undefined): RawFields {
  const out: RawFields = {};
  if (!flat) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

export type DecodeResult = { ok: true; event: SeedEvent } | { ok: false; reason: string };

/** Decode an entry; never throws. Foreign or malformed entries get a reason. */
export function decodeFields(fields: RawFields): DecodeResult {
  const raw = fields.event;
  if (raw === undefined) return { ok: false, reason: 'no "event" field' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: '"event" field is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: '"event" field is not a JSON object' };
  }
  const obj = parsed as Record<string, unknown>;
  // The origin always writes event_type, event_id and timestamp. An entry without them is not in
  // the seed format: report it (the UI shows raw fields) rather than invent empty metadata.
  const eventType = obj.event_type;
  if (typeof eventType !== 'string' || eventType.length === 0) {
    return { ok: false, reason: 'event has no event_type' };
  }
  if (typeof obj.event_id !== 'string' || typeof obj.timestamp !== 'string') {
    return { ok: false, reason: 'event has no event_id or timestamp' };
  }
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!(METADATA_KEYS as readonly string[]).includes(k)) data[k] = v;
  }
  return {
    ok: true,
    event: {
      eventType,
      eventId: obj.event_id,
      timestamp: obj.timestamp,
      source: typeof obj.source === 'string' ? obj.source : DEFAULT_SOURCE,
      version: typeof obj.version === 'string' ? obj.version : DEFAULT_VERSION,
      data,
    },
  };
}

export function decodeEvent(fields: RawFields): SeedEvent | null {
  const r = decodeFields(fields);
  return r.ok ? r.event : null;
}
