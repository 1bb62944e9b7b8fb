/**
 * The library's data shapes. Field names are camelCase; the wire format (snake_case JSON in
 * the `event` field) lives in codec.ts only.
 */

/** What a caller hands to `persistEvent` / `publish`. Missing metadata is filled in. */
export interface EventInput {
  eventType: string;
  data?: Record<string, unknown>;
  /** uuid4; generated when missing. */
  eventId?: string;
  /**
   * ISO-8601 with a numeric offset (`+00:00`), written as given; a `Date` is written as Python's
   * `isoformat()` of it in UTC (`2026-01-02T03:04:05.678000+00:00`, no fraction when zero).
   * Generated when missing.
   */
  timestamp?: string | Date;
  /** Default `""`. */
  source?: string;
  /** Default `"1.0.0"`. A number is what the origin writes for a payload field named `version`. */
  version?: string | number;
}

/** A decoded event in the seed format. */
export interface SeedEvent {
  eventType: string;
  eventId: string;
  timestamp: string;
  source: string;
  /**
   * What the wire holds: normally `"1.0.0"`; a number when the producer's payload has a field
   * named `version` (the origin's CharacterDefinedEvent: `version: int` overwrites the metadata).
   */
  version: string | number;
  /**
   * Payload fields: everything in the JSON that is not metadata. Values as Python's `json.loads`
   * reads them: integers beyond 2^53 as `bigint`, `NaN`/`Infinity` as numbers.
   */
  data: Record<string, unknown>;
}

/** Raw stream entry fields as Redis returned them (field → value). */
export type RawFields = Record<string, string>;

export interface StoredEvent {
  /** Stream entry ID, e.g. `1732694928060-0`. */
  streamId: string;
  /** Decoded event, or null when the entry is not in the seed format. */
  event: SeedEvent | null;
  /** Always the raw field map. */
  fields: RawFields;
}

export interface Delivery {
  streamKey: string;
  messageId: string;
  /** The event's `eventType` (the discriminant of a typed delivery, see DeliveryOf). */
  eventType: string;
  /** Null when the entry could not be decoded (such entries are dead-lettered, never handed to handlers by the bus). */
  event: SeedEvent | null;
  fields: RawFields;
  /** How many times Redis has delivered this entry, this delivery included. */
  deliveryCount: number;
  /** Acknowledge exactly this delivery. */
  ack(): Promise<void>;
}

export interface GroupInfo {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Redis ≥ 7.0; null when unknown. */
  entriesRead: number | null;
  /** Redis ≥ 7.0; null when Redis cannot tell (after deletions or an arbitrary SETID). */
  lag: number | null;
}

/**
 * `XINFO STREAM` + `XINFO GROUPS`. A stream that does not exist is reported as a zero-length
 * stream with `exists: false` (not an error): for producers and consumers a type nobody has
 * published yet is simply empty (consumers create it with MKSTREAM), and a monitor or dashboard
 * polling it should not have to catch.
 */
export interface StreamInfo {
  key: string;
  /** False when the key does not exist (every count 0, every ID null or `0-0`). */
  exists: boolean;
  length: number;
  firstEntry: StoredEvent | null;
  lastEntry: StoredEvent | null;
  lastGeneratedId: string;
  /** Entries ever added (Redis ≥ 7.0, else null). */
  entriesAdded: number | null;
  /** Largest ID ever deleted (Redis ≥ 7.0; `0-0` when none; null before 7.0). */
  maxDeletedEntryId: string | null;
  /** First entry ID Redis has recorded (Redis ≥ 7.0, else null). */
  recordedFirstEntryId: string | null;
  /** Radix tree sizes (memory layout of the stream). */
  radixTreeKeys: number;
  radixTreeNodes: number;
  /** Number of consumer groups. */
  groups: number;
  consumerGroups: GroupInfo[];
}

export interface ConsumerInfo {
  name: string;
  pending: number;
  /** ms since the consumer's last attempted interaction. */
  idleMs: number;
  /** ms since the last successful read/claim (Redis ≥ 7.2), else null. */
  inactiveMs: number | null;
}

/** One row of XPENDING's extended form. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** XPENDING summary form. */
export interface PendingSummary {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: { name: string; pending: number }[];
}
