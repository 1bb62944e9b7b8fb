/**
 * The seed wire format, both directions (REFERENCE §1):
 *  - type stream entry:   { event: <json> }
 *  - global stream entry: { event: <json>, type: <event_type> }
 * where <json> is flat: payload fields, then event_id, timestamp, source, version, event_type.
 */
import { randomUUID } from 'node:crypto';
import type { EventInput, RawFields, SeedEvent } from './types.js';
import { pythonJsonDumps, pythonJsonMembers, pythonString } from './python-json.js';
import { nodeValue, parsePythonJsonFast, parsePythonJsonTree } from './python-json-parse.js';
import { encodeAgainst } from './reencode.js';
import { StreamscopeError } from './errors.js';
import {
  ABSENT_SOURCE,
  ABSENT_VERSION,
  OTHER_SOURCE,
  OTHER_VERSION,
  WireEvent,
} from './wire-event.js';

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
 * `datetime.now(timezone.utc).isoformat()` exactly: `+00:00`, never `Z` (Python < 3.11
 * `fromisoformat` rejects `Z`), and `.ffffff` only when the microseconds are not zero
 * (`2026-01-02T03:04:05+00:00`). Without arguments: now, from monotonicEpochMicros (real
 * microseconds, non-decreasing). With a date: that date, `micros` (0…999999, the fraction of
 * its second) defaulting to its milliseconds × 1000. An invalid Date throws INVALID_ARGUMENT.
 */
export function pythonIsoTimestamp(date?: Date, micros?: number): string {
  if (date === undefined) return nowIsoTimestamp(micros);
  if (Number.isNaN(date.getTime())) {
    throw new StreamscopeError('INVALID_ARGUMENT', 'timestamp is an invalid Date');
  }
  const iso = date.toISOString(); // 2026-11-27T07:08:48.060Z
  const frac = micros ?? date.getUTCMilliseconds() * 1000;
  const fraction = frac === 0 ? '' : `.${String(frac).padStart(6, '0')}`;
  return `${iso.slice(0, 19)}${fraction}+00:00`;
}

/** The second the cached prefix below belongs to, and `YYYY-MM-DDTHH:MM:SS` of it. */
let prefixSecond = -1;
let secondPrefix = '';

/**
 * pythonIsoTimestamp() of now. A batch publish stamps thousands of events within one second, and
 * `Date#toISOString` per event was 9% of persistEvents' CPU: the date-and-time part is built once
 * per second and only the microseconds are formatted per event.
 */
function nowIsoTimestamp(micros: number | undefined): string {
  const now = monotonicEpochMicros();
  const second = Math.floor(now / 1_000_000);
  if (second !== prefixSecond) {
    secondPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    prefixSecond = second;
  }
  const frac = micros ?? now % 1_000_000;
  return frac === 0
    ? `${secondPrefix}+00:00`
    : `${secondPrefix}.${String(frac).padStart(6, '0')}+00:00`;
}

/**
 * Fill in missing metadata; the timestamp is `now` when given, else the monotonic clock. A
 * `Date` timestamp becomes its isoformat() string. An event decoded from a stream keeps its
 * link to the original text (see encodeEventJson).
 */
export function completeEvent(input: EventInput, now?: Date): SeedEvent {
  const ts = input.timestamp;
  const event: SeedEvent = {
    eventType: input.eventType,
    eventId: input.eventId ?? randomUUID(),
    timestamp:
      typeof ts === 'string'
        ? ts
        : ts instanceof Date
          ? pythonIsoTimestamp(ts)
          : pythonIsoTimestamp(now),
    source: input.source ?? DEFAULT_SOURCE,
    version: input.version ?? DEFAULT_VERSION,
    data: input.data ?? {},
  };
  return WireEvent.relink(input, event);
}

/**
 * `obj[k] = v` as an own property, also for the key `__proto__`: plain assignment of that key
 * sets the object's prototype (or does nothing, for a primitive) instead of creating a key, so a
 * Python producer's payload key `"__proto__"` would vanish from the event (and its bytes change).
 */
export function setOwn(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(obj, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else obj[k] = v;
}

function isMetadataKey(k: string): boolean {
  return (
    k === 'event_id' || k === 'timestamp' || k === 'source' || k === 'version' || k === 'event_type'
  );
}

function hasMetadataKey(data: Record<string, unknown>): boolean {
  for (const k of METADATA_KEYS) if (Object.prototype.hasOwnProperty.call(data, k)) return true;
  return false;
}

/** The exact `event` JSON a decoded event was read from, or undefined for an event built here. */
export function originalEventJson(event: SeedEvent): string | undefined {
  return WireEvent.origin(event)?.json;
}

/**
 * The JSON the origin writes: payload first (in insertion order), then metadata. A payload key
 * that collides with a metadata key keeps its position but takes the metadata value, exactly
 * as Python's dict update does.
 *
 * An event decoded by decodeFields (or a copy made by completeEvent) is re-encoded against its
 * original text (reencode.ts): unchanged, it gives exactly the bytes it was read from; changed,
 * every unchanged value keeps its original text and position, and changed or new values are
 * encoded fresh (an integral number then as an integer: `1`, not `1.0`). The link lives on the
 * event object itself: `{ ...event }` or `structuredClone(event)` is a new, fresh-encoded event.
 */
export function encodeEventJson(event: SeedEvent): string {
  const origin = WireEvent.origin(event);
  const data = event.data;
  if (!origin && !hasMetadataKey(data)) {
    // The common case, without building a merged object (that alone costs more than encoding).
    const payload = pythonJsonMembers(data);
    const meta =
      `"event_id": ${pythonString(event.eventId)}, "timestamp": ${pythonString(event.timestamp)}, ` +
      `"source": ${pythonString(event.source)}, "version": ${pythonJsonDumps(event.version)}, ` +
      `"event_type": ${pythonString(event.eventType)}`;
    return payload === '' ? `{${meta}}` : `{${payload}, ${meta}}`;
  }
  const flat: Record<string, unknown> = { ...event.data };
  flat.event_id = event.eventId;
  flat.timestamp = event.timestamp;
  flat.source = event.source;
  flat.version = event.version;
  flat.event_type = event.eventType;
  if (!origin) return pythonJsonDumps(flat);
  // Defaults filled in on decoding were not on the wire: leave them out again while unchanged,
  // and write back what the wire held where the default stood in for a value of another kind
  // (`"source": null`, `"version": true`).
  const tree = parsePythonJsonTree(origin.json);
  if (origin.absent & ABSENT_SOURCE && flat.source === DEFAULT_SOURCE) delete flat.source;
  if (origin.absent & ABSENT_VERSION && flat.version === DEFAULT_VERSION) delete flat.version;
  if (origin.absent & (OTHER_SOURCE | OTHER_VERSION) && tree.kind === 'object') {
    const wire = (k: string) => nodeValue(tree.members.get(k)!);
    if (origin.absent & OTHER_SOURCE && flat.source === DEFAULT_SOURCE)
      flat.source = wire('source');
    if (origin.absent & OTHER_VERSION && flat.version === DEFAULT_VERSION)
      flat.version = wire('version');
  }
  return encodeAgainst(flat, tree, origin.json);
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
  for (let i = 0; i + 1 < flat.length; i += 2) setOwn(out, flat[i], flat[i + 1]);
  return out;
}

export type DecodeResult = { ok: true; event: SeedEvent } | { ok: false; reason: string };

/**
 * Decode an entry; never throws. Foreign or malformed entries get a reason. Reads everything
 * Python's `json.dumps` writes: `NaN`/`Infinity`/`-Infinity` as numbers, integers beyond 2^53 as
 * `bigint`. `version` is what the wire holds (a string, or the number a payload field named
 * `version` put there); `"1.0.0"` when absent or neither (`source`: `""`); re-encoded unchanged,
 * such an event still writes what the wire held. A payload key `__proto__` is an own key.
 */
export function decodeFields(fields: RawFields): DecodeResult {
  const raw = fields.event;
  if (raw === undefined) return { ok: false, reason: 'no "event" field' };
  let parsed: unknown;
  try {
    parsed = parsePythonJsonFast(raw);
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
  for (const k in obj) if (!isMetadataKey(k)) setOwn(data, k, obj[k]);
  const source = obj.source;
  const version = obj.version;
  const versionOk = typeof version === 'string' || typeof version === 'number';
  const absent =
    (source === undefined ? ABSENT_SOURCE : typeof source === 'string' ? 0 : OTHER_SOURCE) |
    (version === undefined ? ABSENT_VERSION : versionOk ? 0 : OTHER_VERSION);
  const event = new WireEvent(
    {
      eventType,
      eventId: obj.event_id,
      timestamp: obj.timestamp,
      source: typeof source === 'string' ? source : DEFAULT_SOURCE,
      version: versionOk ? version : DEFAULT_VERSION,
      data,
    },
    raw,
    absent,
  );
  return { ok: true, event };
}

/** decodeFields, with null instead of the reason when the entry is not in the seed format. */
export function decodeEvent(fields: RawFields): SeedEvent | null {
  const r = decodeFields(fields);
  return r.ok ? r.event : null;
}
